package io.mailpipe.source;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.builder.RouteBuilder;

import io.mailpipe.MailpipeConstants;

/** Kafka batches: {@code direct:mailpipe-send-batch} takes a batch, each of its records runs the normal pipeline. */
@ApplicationScoped
public class BatchRoutes extends RouteBuilder {

    private final BatchSender sender;

    public BatchRoutes(BatchSender sender) {
        this.sender = sender;
    }

    @Override
    public void configure() {
        // The batch settles every record itself (commit or hand back), so nothing may retry it as a whole.
        from(MailpipeConstants.SEND_BATCH).routeId("source-batch")
                .errorHandler(noErrorHandler())
                .process(sender::send).id("batch-send");
        // Each record gets the Kafka source's failure policy, exactly as a record of a route without batching.
        from(MailpipeConstants.BATCH_RECORD).routeId("source-batch-record")
                .routeConfigurationId(SourceRouteConfigurations.KAFKA)
                .to(MailpipeConstants.SEND).id("batch-record-send");
    }
}
