package io.mailpipe.event;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.mail.internet.InternetAddress;

/**
 * A validated email request (event contract v1); every field has been checked by {@link EventParser}.
 *
 * @param sendAt not sent before this instant
 * @param notAfter not sent after this instant: it then ends on the expired channel
 * @param stream the class of mail it belongs to, {@link MailStream#TRANSACTIONAL} unless it says otherwise
 */
public record EmailEvent(
        String id,
        String template,
        Optional<Locale> locale,
        Optional<InternetAddress> from,
        List<InternetAddress> replyTo,
        List<InternetAddress> to,
        List<InternetAddress> cc,
        List<InternetAddress> bcc,
        Optional<String> subject,
        Map<String, Object> data,
        List<BinaryPart> attachments,
        List<BinaryPart> inline,
        Map<String, String> headers,
        Map<String, String> tags,
        Optional<Instant> sendAt,
        Optional<Instant> notAfter,
        MailStream stream) {

    public int recipientCount() {
        return to.size() + cc.size() + bcc.size();
    }
}
