package io.mailpipe.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.mailpipe.config.MailpipeConfig;

/**
 * A form for template authors: paste an event, see what {@code POST /preview} makes of it (subject, HTML in a
 * sandboxed frame, text, headers, MIME tree) or the error the dead letter would carry. Nothing is sent. The page carries
 * the preview token the local stack made for this run.
 */
@jakarta.ws.rs.Path("/local/preview")
public class LocalPreviewPage {

    private static final Path SAMPLE = Path.of("samples", "order-confirmation.json");

    private final MailpipeConfig config;

    public LocalPreviewPage(MailpipeConfig config) {
        this.config = config;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public String form() {
        return """
                <!DOCTYPE html><html><head><meta charset="UTF-8"><title>Mailpipe preview</title>
                <style>body{font-family:sans-serif;margin:2em}textarea{width:100%%;height:16em;font-family:monospace}
                pre{background:#f4f4f4;padding:1em;white-space:pre-wrap}iframe{width:100%%;height:24em;border:1px solid #ccc}</style>
                </head><body><h1>Preview an event</h1>
                <p>Renders with the templates this instance loaded; sends nothing. <a href="/local/mail">Captured mail</a></p>
                <textarea id="event" data-token="%s">%s</textarea><p><button onclick="preview()">Preview</button></p>
                <div id="out"></div>
                <script>
                async function preview() {
                  const event = document.getElementById('event');
                  const response = await fetch('/preview', {method: 'POST', headers: {'Content-Type': 'application/json',
                      'Authorization': 'Bearer ' + event.dataset.token}, body: event.value});
                  const result = await response.json();
                  const out = document.getElementById('out');
                  out.replaceChildren();
                  const add = (tag, text) => { const e = document.createElement(tag); e.textContent = text; out.append(e); return e; };
                  if (!response.ok) { add('h2', 'Refused: ' + (result.error.code || response.status)); add('pre', JSON.stringify(result.error, null, 2)); return; }
                  add('h2', result.subject);
                  if (result.html) { const frame = document.createElement('iframe'); frame.sandbox = ''; frame.srcdoc = result.html; out.append(frame); }
                  add('h3', 'Text part'); add('pre', result.text);
                  add('h3', 'Headers'); add('pre', result.headers.map(h => h.name + ': ' + h.value).join('\\n'));
                  add('h3', 'MIME structure'); add('pre', JSON.stringify(result.structure, null, 2));
                }
                </script></body></html>
                """
                .formatted(// The preview token only: falling back to the ops token would hand it to whoever can open this page.
                        Html.escape(config.preview().token().orElse("")), Html.escape(sample()));
    }

    private static String sample() {
        try {
            return Files.isRegularFile(SAMPLE) ? Files.readString(SAMPLE, StandardCharsets.UTF_8) : "{}";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
