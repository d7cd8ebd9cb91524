package io.mailpipe.deliver;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import jakarta.mail.PasswordAuthentication;

import org.apache.camel.component.mail.MailAuthenticator;

import io.mailpipe.config.MailpipeConfig;

/** Hands camel-mail the SMTP credentials from configuration, so they never appear in an endpoint URI or a log. */
@ApplicationScoped
@Named(SmtpCredentials.BEAN)
public class SmtpCredentials extends MailAuthenticator {

    public static final String BEAN = "mailpipeSmtpCredentials";

    private final MailpipeConfig.Smtp smtp;

    public SmtpCredentials(MailpipeConfig config) {
        this.smtp = config.smtp();
    }

    @Override
    public PasswordAuthentication getPasswordAuthentication() {
        return new PasswordAuthentication(smtp.username().orElse(null), smtp.password().orElse(null));
    }
}
