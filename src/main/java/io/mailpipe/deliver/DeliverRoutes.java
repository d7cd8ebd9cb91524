package io.mailpipe.deliver;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.builder.RouteBuilder;

import io.mailpipe.MailpipeConstants;
import io.mailpipe.config.MailpipeConfig;

/** Hands the composed MIME message to the SMTP server through camel-mail. */
@ApplicationScoped
public class DeliverRoutes extends RouteBuilder {

    private final MailpipeConfig config;

    public DeliverRoutes(MailpipeConfig config) {
        this.config = config;
    }

    @Override
    public void configure() {
        from(MailpipeConstants.DELIVER).routeId("deliver-smtp")
                .errorHandler(noErrorHandler())
                // camel-mail lets headers such as To, Subject or mail.smtp.* override the message and the session.
                .removeHeaders("*").id("deliver-strip-headers")
                .to(smtpUri()).id("deliver-smtp-send");
    }

    String smtpUri() {
        String uri = config.smtp().security().protocol() + "://{{mailpipe.smtp.host}}:{{mailpipe.smtp.port}}"
                + "?session=#" + SmtpSessionFactory.SESSION_BEAN;
        return config.smtp().username().isPresent() ? uri + "&authenticator=#" + SmtpCredentials.BEAN : uri;
    }
}
