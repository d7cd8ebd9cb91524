package io.mailpipe.testing;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What every end-to-end test of the running app needs: a Kafka client on the test broker and the test SMTP server,
 * whose scripted faults are cleared after each test.
 */
public abstract class PipelineTestSupport {

    protected static final String REQUESTS = "email.requests";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    protected String bootstrap;

    protected TestSmtpServer smtp;
    protected KafkaTestClient kafka;
    protected final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void connectToKafka() {
        kafka = new KafkaTestClient(bootstrap);
    }

    @AfterEach
    void clearFaultsAndDisconnect() {
        smtp.clearFaults();
        kafka.close();
    }
}
