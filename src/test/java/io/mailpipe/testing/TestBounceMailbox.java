package io.mailpipe.testing;

import java.io.ByteArrayInputStream;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/** A real IMAP server (GreenMail) on a loopback port, holding the bounce mailbox of one user. */
public final class TestBounceMailbox {

    public static final String USER = "bounces";
    public static final String PASSWORD = "mailbox-test-password";

    private final GreenMail server = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
    private GreenMailUser user;

    public void start() {
        server.start();
        user = server.setUser(USER + "@bounce.mailpipe.test", USER, PASSWORD);
    }

    public int port() {
        return server.getImap().getPort();
    }

    /** Puts a message into the mailbox, as the relay's delivery to the return path would. */
    public void deliver(byte[] message) {
        try {
            user.deliver(new MimeMessage(Session.getInstance(new java.util.Properties()), new ByteArrayInputStream(message)));
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many messages the mailbox holds now (deleted ones are gone once the reader closed its folder). */
    public int messages() {
        try {
            return server.getManagers().getImapHostManager().getInbox(user).getMessageCount();
        } catch (FolderException e) {
            throw new IllegalStateException(e);
        }
    }

    public void stop() {
        server.stop();
    }
}
