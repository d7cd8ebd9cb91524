package io.mailpipe.smtp;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.mailpipe.config.MailpipeConfig;

/** Builds the classifier once from {@code mailpipe.failure.overrides}; a malformed entry stops start-up. */
@ApplicationScoped
public class FailureClassifierProducer {

    @Produces
    @Singleton
    FailureClassifier classifier(MailpipeConfig config) {
        return new FailureClassifier(config.failure().overrides().orElse(List.of()));
    }
}
