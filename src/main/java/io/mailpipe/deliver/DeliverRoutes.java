package io.mailpipe.deliver;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.builder.RouteBuilder;

import io.mailpipe.MailpipeConstants;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.event.Delivery;
import io.mailpipe.smtp.DeliveryFailedException;
import io.mailpipe.smtp.SmtpSender;

/** Hands the composed MIME message to the SMTP server through camel-mail and records every recipient's outcome. */
@ApplicationScoped
public class DeliverRoutes extends RouteBuilder {

    private final MailpipeConfig config;
    private final DeliveryStep step;

    public DeliverRoutes(MailpipeConfig config, DeliveryStep step) {
        this.config = config;
        this.step = step;
    }

    @Override
    public void configure() {
        // @formatter:off (the indentation shows the DSL's nesting)
        from(MailpipeConstants.DELIVER).routeId("deliver-smtp")
                .errorHandler(noErrorHandler())
                // camel-mail lets headers such as To, Subject or mail.smtp.* override the message and the session.
                .removeHeaders("*", MailpipeConstants.REDELIVERY_HEADERS).id("deliver-strip-headers")
                .process(step::admit).id("deliver-admit")
                .filter(exchange -> Delivery.of(exchange).sendNeeded())
                    .doTry()
                        .to(smtpUri()).id("deliver-smtp-send")
                        .process(step::succeeded).id("deliver-succeeded")
                    .doCatch(DeliveryFailedException.class)
                        .process(step::failed).id("deliver-failed")
                    .end()
                .end()
                .to(MailpipeConstants.PUBLISH).id("deliver-publish-outcomes")
                .process(step::rethrowUnavailable).id("deliver-hand-back-if-unavailable");
        // @formatter:on
    }

    String smtpUri() {
        return config.smtp().security().protocol() + "://{{mailpipe.smtp.host}}:{{mailpipe.smtp.port}}"
                + "?javaMailSender=#" + SmtpSender.BEAN;
    }
}
