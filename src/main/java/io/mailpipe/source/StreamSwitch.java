package io.mailpipe.source;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.spi.CamelEvent.CamelContextStartedEvent;
import org.apache.camel.spi.CamelEvent.CamelContextStoppingEvent;
import org.jboss.logging.Logger;

import io.mailpipe.event.MailStream;
import io.mailpipe.store.StoreUnavailableException;
import io.mailpipe.traffic.StreamStates;

/**
 * Makes this instance follow each stream's pause: every {@link #EVERY}, a route consuming the topic of a paused stream
 * is suspended (its Kafka consumer keeps its partitions and stops fetching, so nothing moves to another instance and
 * nothing is read), and resumed once the stream is. Only routes this switch suspended are resumed by it.
 */
@ApplicationScoped
public class StreamSwitch {

    private static final Logger LOG = Logger.getLogger(StreamSwitch.class);
    static final Duration EVERY = Duration.ofMillis(250);

    private final StreamStates states;
    private final CamelContext camel;
    private final Set<String> suspendedHere = new HashSet<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "mailpipe-stream-switch");
        thread.setDaemon(true);
        return thread;
    });

    public StreamSwitch(StreamStates states, CamelContext camel) {
        this.states = states;
        this.camel = camel;
    }

    void onStarted(@Observes CamelContextStartedEvent event) {
        timer.scheduleWithFixedDelay(this::follow, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    void onStopping(@Observes CamelContextStoppingEvent event) {
        timer.shutdownNow();
    }

    @PreDestroy
    void close() {
        timer.shutdownNow();
    }

    private void follow() {
        try {
            for (MailStream stream : MailStream.values()) {
                boolean paused = states.paused(stream);
                for (Route route : camel.getRoutes()) {
                    if (consumes(route, states.topic(stream))) {
                        apply(route.getRouteId(), stream, paused);
                    }
                }
            }
        } catch (StoreUnavailableException e) {
            LOG.debugf("Stream states not readable now: %s", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not apply the streams' pauses to this instance's routes");
        }
    }

    private synchronized void apply(String routeId, MailStream stream, boolean paused) {
        try {
            ServiceStatus status = camel.getRouteController().getRouteStatus(routeId);
            if (paused && status == ServiceStatus.Started) {
                camel.getRouteController().suspendRoute(routeId);
                suspendedHere.add(routeId);
                LOG.infof("Stream %s is paused: route %s suspended", stream.label(), routeId);
            } else if (!paused && status == ServiceStatus.Suspended && suspendedHere.remove(routeId)) {
                camel.getRouteController().resumeRoute(routeId);
                LOG.infof("Stream %s is resumed: route %s resumed", stream.label(), routeId);
            }
        } catch (Exception e) {
            LOG.warnf(e, "Could not %s route %s", paused ? "suspend" : "resume", routeId);
        }
    }

    private static boolean consumes(Route route, String topic) {
        return route.getEndpoint() instanceof KafkaEndpoint kafka
                && Arrays.stream(kafka.getConfiguration().getTopic().split(",")).map(String::strip).anyMatch(topic::equals);
    }
}
