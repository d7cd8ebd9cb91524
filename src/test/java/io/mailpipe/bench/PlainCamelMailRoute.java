package io.mailpipe.bench;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The baseline: what a Camel user writes without Mailpipe, a Kafka-to-camel-mail route with the default sender (a new
 * connection per message), rendering the same HTML and text parts by string concatenation.
 */
final class PlainCamelMailRoute {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PlainCamelMailRoute() {
    }

    /** Runs the route for {@code duration} from its first message and returns the messages per second the sink accepted. */
    static double run(String bootstrap, String topic, SmtpSink sink, Duration duration) throws Exception {
        sink.reset();
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("kafka:" + topic + "?brokers=" + bootstrap + "&groupId=baseline&autoOffsetReset=earliest")
                            .process(PlainCamelMailRoute::toMail)
                            .to("smtp://127.0.0.1:" + sink.port() + "?from=bench@bench.test&contentType=text/html;charset=UTF-8");
                }
            });
            camel.start();
            // The window opens at the first accepted message: joining the group and the first fetch are not the route's rate.
            Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50)).until(() -> sink.messages() > 0);
            int before = sink.messages();
            long start = System.nanoTime();
            ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
            try {
                int after = clock.schedule(sink::messages, duration.toNanos(), TimeUnit.NANOSECONDS).get();
                return (after - before) / ((System.nanoTime() - start) / 1e9);
            } finally {
                clock.shutdownNow();
            }
        }
    }

    private static void toMail(Exchange exchange) throws Exception {
        JsonNode event = JSON.readTree(exchange.getMessage().getBody(String.class));
        String n = event.at("/data/n").asText();
        String text = event.at("/data/text").asText();
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader("To", event.get("to").asText());
        exchange.getMessage().setHeader("Subject", "Benchmark message " + n);
        exchange.getMessage().setHeader("CamelMailAlternativeBody", "Message " + n + "\n\n" + text + "\n");
        exchange.getMessage().setBody("<html><body><h1>Message " + n + "</h1><p>" + text + "</p></body></html>");
    }
}
