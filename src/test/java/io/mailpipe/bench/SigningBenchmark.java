package io.mailpipe.bench;

import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.event.EmailEvent;
import io.mailpipe.event.EventParser;
import io.mailpipe.render.MimeComposer;
import io.mailpipe.render.RenderedEmail;
import io.mailpipe.sender.DkimKeys;
import io.mailpipe.sender.DkimSigner;
import io.mailpipe.testing.TestConfigs;
import io.mailpipe.testing.TestDkimKeys;

/**
 * What DKIM signing costs per message: compose and write, unsigned and signed with RSA-2048, Ed25519 and both, for a
 * 4 KiB and a 100 KiB message (the larger one a 25th as many times). The variants take turns round by round (the machine is shared and noisy), and each
 * row is the median round's CPU time of the measuring thread, with its ratio to unsigned in the same run.
 * Run: {@code bench/signing [messages per round] [rounds]}.
 */
public final class SigningBenchmark {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private SigningBenchmark() {
    }

    public static void main(String... args) throws Exception {
        int perRound = Integer.getInteger("bench.signing.messages", 2000);
        int rounds = Integer.getInteger("bench.signing.rounds", 7);
        String rsa = TestDkimKeys.pkcs8(TestDkimKeys.rsa(2048).getPrivate());
        String ed25519 = TestDkimKeys.pkcs8(TestDkimKeys.ed25519().getPrivate());
        Map<String, Map<String, String>> variants = new LinkedHashMap<>();
        variants.put("unsigned", Map.of());
        variants.put("rsa-sha256", Map.of("mailpipe.dkim.domains.\"shop.example\".selectors.r.key", rsa));
        variants.put("ed25519-sha256", Map.of("mailpipe.dkim.domains.\"shop.example\".selectors.e.key", ed25519));
        variants.put("both", Map.of("mailpipe.dkim.domains.\"shop.example\".selectors.r.key", rsa,
                "mailpipe.dkim.domains.\"shop.example\".selectors.e.key", ed25519));
        System.out.printf("%-10s %-16s %12s %12s%n", "message", "signing", "CPU us/msg", "x unsigned");
        for (int kib : new int[] { 4, 100 }) {
            // A warm-up round of each is not counted.
            Map<String, Composer> composers = new LinkedHashMap<>();
            variants.forEach((name, settings) -> composers.put(name, new Composer(settings, kib)));
            int messages = Math.max(1, perRound * 4 / kib);
            Map<String, long[]> samples = new LinkedHashMap<>();
            composers.keySet().forEach(name -> samples.put(name, new long[rounds]));
            composers.values().forEach(c -> c.run(messages));
            for (int round = 0; round < rounds; round++) {
                for (Map.Entry<String, Composer> composer : composers.entrySet()) {
                    long start = CPU.getCurrentThreadCpuTime();
                    composer.getValue().run(messages);
                    samples.get(composer.getKey())[round] = (CPU.getCurrentThreadCpuTime() - start) / messages;
                }
            }
            double unsigned = median(samples.get("unsigned"));
            samples.forEach((name, ns) -> System.out.printf("%-10s %-16s %12.1f %12.1f%n", kib + " KiB", name,
                    median(ns) / 1000.0, median(ns) / unsigned));
        }
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** A composer under one signing setting, and the event and email it composes again and again. */
    private static final class Composer {
        private final MimeComposer composer;
        private final EmailEvent event;
        private final RenderedEmail email;

        Composer(Map<String, String> settings, int kib) {
            Map<String, String> all = new HashMap<>(settings);
            all.put("mailpipe.from", "Shop <news@shop.example>");
            MailpipeConfig config = TestConfigs.mailpipe(all);
            composer = new MimeComposer(config, new DkimSigner(new DkimKeys(config)));
            event = new EventParser(config).parse("{\"id\": \"bench\", \"template\": \"t\", \"to\": \"a@example.com\"}"
                    .getBytes(StandardCharsets.UTF_8));
            String text = "Grüße aus Zürich, line of a newsletter. ".repeat(kib * 1024 / 2 / 40);
            email = new RenderedEmail("Hello", Optional.of("<p>" + text + "</p>"), text);
        }

        void run(int messages) {
            try {
                for (int i = 0; i < messages; i++) {
                    composer.compose(event, email).writeTo(OutputStream.nullOutputStream());
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
