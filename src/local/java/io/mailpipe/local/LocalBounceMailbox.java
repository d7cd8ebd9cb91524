package io.mailpipe.local;

import java.io.ByteArrayInputStream;
import java.util.Properties;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/** The local stack's bounce mailbox: an IMAP server (GreenMail) on loopback that Mailpipe reads its notices from. */
final class LocalBounceMailbox implements AutoCloseable {

    static final String DOMAIN = "bounce.localhost";
    static final String USER = "bounces";

    private final GreenMail server;
    private final GreenMailUser user;
    private final String password;

    private LocalBounceMailbox(int port, String password) {
        this.password = password;
        this.server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_IMAP));
        server.start();
        this.user = server.setUser(USER + "@" + DOMAIN, USER, password);
    }

    static LocalBounceMailbox start(int port, String password) {
        return new LocalBounceMailbox(port, password);
    }

    /** The value of {@code mailpipe.bounce.mailbox}. */
    String url() {
        return "imap://" + USER + "@127.0.0.1:" + server.getImap().getPort() + "/INBOX";
    }

    String password() {
        return password;
    }

    /** Delivers a notice to the mailbox, as a relay's delivery to the return path would. */
    void deliver(byte[] message) throws MessagingException {
        user.deliver(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message)));
    }

    @Override
    public void close() {
        server.stop();
    }
}
