package io.mailpipe.traffic;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.StreamConfig;
import io.mailpipe.event.MailStream;
import io.quarkus.runtime.Startup;

/** The send window of each stream that has one ({@code mailpipe.streams."<name>".send-window}). */
@Startup // a window that does not read stops start-up, not the first send
@ApplicationScoped
public class SendWindows {

    private final Map<MailStream, SendWindow> windows = new EnumMap<>(MailStream.class);

    public SendWindows(MailpipeConfig config) {
        for (MailStream stream : MailStream.values()) {
            Optional.ofNullable(config.streams().get(stream.label())).flatMap(StreamConfig::sendWindow)
                    .filter(text -> !text.isBlank()).ifPresent(text -> windows.put(stream,
                            SendWindow.parse(text, "mailpipe.streams." + stream.label() + ".send-window")));
        }
    }

    public Optional<SendWindow> of(MailStream stream) {
        return Optional.ofNullable(windows.get(stream));
    }

    /** When the stream's window opens next, if it is closed at {@code now}. */
    public Optional<Instant> closedUntil(MailStream stream, Instant now) {
        return of(stream).filter(window -> !window.open(now)).map(window -> window.nextOpening(now));
    }
}
