package io.mailpipe.event;

import java.util.Properties;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * The mailbox Angus Mail puts on the wire for an address: SMTPTransport takes MAIL FROM from the From header it wrote and
 * reads back, so that is what a policy about the sender must look at, and what a recipient's client will read.
 */
final class WireAddress {

    private static final Session PLAIN = Session.getInstance(new Properties());

    private WireAddress() {
    }

    /** @return the address as read back from a header holding {@code address}, or {@code ""} when none can be */
    static String of(InternetAddress address) {
        try {
            MimeMessage message = new MimeMessage(PLAIN);
            message.setFrom(address);
            Address[] read = message.getFrom();
            return read == null || read.length != 1 ? "" : ((InternetAddress) read[0]).getAddress();
        } catch (MessagingException e) {
            return "";
        }
    }
}
