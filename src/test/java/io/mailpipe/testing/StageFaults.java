package io.mailpipe.testing;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.quarkus.main.events.BeforeConfigure;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.processor.DelegateAsyncProcessor;

import io.mailpipe.event.Delivery;
import io.mailpipe.source.SourceRouteConfigurations;

/**
 * Test-only fault injection: an event whose payload contains {@code fault-at-<node id>-} makes that route node throw an
 * unexpected {@link IllegalStateException} on every attempt, until its source's failure handler takes over. It joins
 * the Camel context before the routes are configured; events without the marker pass untouched.
 */
@Singleton
public class StageFaults implements InterceptStrategy {

    private static final String GIVEN_UP = "test-stage-faults-given-up";

    void register(@Observes BeforeConfigure event) {
        event.getCamelContext().getCamelContextExtension().addInterceptStrategy(this);
    }

    /** The marker an event id carries to fail at the given node. */
    public static String marker(String nodeId) {
        return "fault-at-" + nodeId + "-";
    }

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target,
            Processor nextTarget) {
        String nodeId = definition.getId();
        if (nodeId == null) {
            return target;
        }
        String marker = marker(nodeId);
        boolean handler = nodeId.equals(SourceRouteConfigurations.INTERNAL_ERROR_STEP);
        return new DelegateAsyncProcessor(target) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                if (handler) {
                    exchange.setProperty(GIVEN_UP, true);
                }
                // Once the failure handler has taken over, its own publish of the dead letter must get through.
                if (!exchange.getProperty(GIVEN_UP, false, Boolean.class) && marked(exchange, marker)) {
                    exchange.setException(new IllegalStateException("injected fault at " + nodeId));
                    callback.done(true);
                    return true;
                }
                return super.process(exchange, callback);
            }
        };
    }

    private static boolean marked(Exchange exchange, String marker) {
        return new String(Delivery.of(exchange).payload(), StandardCharsets.UTF_8).contains(marker);
    }
}
