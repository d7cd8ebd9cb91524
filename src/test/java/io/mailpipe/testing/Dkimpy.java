package io.mailpipe.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * An independent DKIM verifier: Debian's dkimpy ({@code python3-dkim}, installed by {@code .ci/run}), handed the key
 * records through its {@code dnsfunc}, so no DNS is asked. Every signature of the message must verify.
 */
public final class Dkimpy {

    private static final String PYTHON = "/usr/bin/python3";
    private static final String SCRIPT = """
            import json, logging, sys, dkim
            logging.basicConfig(stream=sys.stdout, level=logging.DEBUG, format='%(message)s')
            message = open(sys.argv[1], 'rb').read()
            records = json.load(open(sys.argv[2]))
            def txt(name, timeout=5):
                name = name.decode() if isinstance(name, bytes) else name
                record = records.get(name.rstrip('.'))
                return record.encode() if record else None
            verifier = dkim.DKIM(message, logger=logging.getLogger('dkim'))
            count = sum(1 for name, value in verifier.headers if name.lower() == b'dkim-signature')
            verdicts = [verifier.verify(idx=i, dnsfunc=txt) for i in range(count)]
            print(json.dumps({'signatures': count, 'verdicts': verdicts}))
            sys.stdout.flush()
            sys.exit(0 if count > 0 and all(verdicts) else 1)
            """;

    /** What dkimpy said: the count of signatures and whether each verified; {@code pass} only if all did. */
    public record Verdict(boolean pass, String output) {
    }

    private Dkimpy() {
    }

    /** {@code records}: TXT record by name ({@code s1._domainkey.example.com}). */
    public static Verdict verify(byte[] message, Map<String, String> records) {
        try {
            Path dir = Files.createTempDirectory("dkimpy");
            Path mail = Files.write(dir.resolve("message.eml"), message);
            Path keys = Files.writeString(dir.resolve("records.json"), records.entrySet().stream()
                    .map(e -> "\"" + e.getKey() + "\": \"" + e.getValue() + "\"")
                    .collect(Collectors.joining(", ", "{", "}")));
            Path script = Files.writeString(dir.resolve("verify.py"), SCRIPT);
            Process process = new ProcessBuilder(PYTHON, script.toString(), mail.toString(), keys.toString())
                    .redirectErrorStream(true).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("dkimpy did not answer within 60 s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (output.contains("ModuleNotFoundError")) {
                throw new IllegalStateException("dkimpy is missing: apt-get install python3-dkim (.ci/run does): " + output);
            }
            return new Verdict(process.exitValue() == 0, output);
        } catch (IOException e) {
            throw new IllegalStateException("Could not run " + PYTHON + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
