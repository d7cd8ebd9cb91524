package io.mailpipe.render;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import io.mailpipe.MailpipeConstants;
import io.mailpipe.event.Delivery;
import io.mailpipe.event.EmailEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** Renders the validated event into a complete MIME message before anything is sent. */
@ApplicationScoped
public class RenderRoutes extends RouteBuilder {

    private final MessageRenderer renderer;
    private final MimeComposer composer;
    private final Timer renderTime;

    public RenderRoutes(MessageRenderer renderer, MimeComposer composer, MeterRegistry registry) {
        this.renderer = renderer;
        this.composer = composer;
        this.renderTime = Timer.builder("mailpipe.render").description("Template rendering and MIME composition of one event")
                .publishPercentileHistogram().register(registry);
    }

    @Override
    public void configure() {
        from(MailpipeConstants.RENDER).routeId("render-mime")
                .errorHandler(noErrorHandler())
                .process(exchange -> renderTime.recordCallable(() -> {
                    render(exchange);
                    compose(exchange);
                    return null;
                })).id("render-template-and-compose")
                .to(MailpipeConstants.DELIVER).id("render-to-deliver");
    }

    private void render(Exchange exchange) {
        exchange.getMessage().setBody(renderer.render(event(exchange)));
    }

    private void compose(Exchange exchange) throws Exception {
        RenderedEmail email = exchange.getMessage().getBody(RenderedEmail.class);
        exchange.getMessage().setBody(composer.compose(event(exchange), email));
    }

    private static EmailEvent event(Exchange exchange) {
        return Delivery.of(exchange).validEvent();
    }
}
