package io.mailpipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The folder tree shows the path of an email, and nothing depends upward: each package of {@code io.mailpipe} uses only
 * the packages this test allows it (and the shared constants at the root), and the uses form no cycle. A new package,
 * or a new use between two, is a decision made here, in one place.
 */
class PackageDependenciesTest {

    private static final Path MAIN = Path.of("src/main/java/io/mailpipe");
    /** The package io.mailpipe itself. */
    private static final String ROOT = "(root)";
    /** A use of another Mailpipe package in code: an import, a static import or a qualified name. */
    private static final Pattern USE = Pattern.compile("\\bio\\.mailpipe\\.([a-z][a-z0-9_]*)\\.");

    /** Who may use whom, from the bottom up; the root's shared constants may be used by all and use nothing. */
    private static final Map<String, Set<String>> ALLOWED = new TreeMap<>(Map.ofEntries(
            Map.entry(ROOT, Set.of()),
            Map.entry("config", Set.of()),
            Map.entry("event", Set.of("config")),
            Map.entry("dns", Set.of()),
            Map.entry("sender", Set.of("config", "dns")),
            Map.entry("render", Set.of("config", "event", "sender")),
            Map.entry("smtp", Set.of("config", "render", "sender")),
            Map.entry("store", Set.of("config")),
            Map.entry("suppress", Set.of("config", "smtp", "store")),
            Map.entry("traffic", Set.of("config", "dns", "event", "store")),
            Map.entry("outcome", Set.of("config", "event", "smtp", "store")),
            Map.entry("feedback", Set.of("config", "render", "smtp", "store", "suppress", "outcome")),
            Map.entry("deliver",
                    Set.of("config", "event", "render", "sender", "smtp", "store", "suppress", "traffic", "outcome",
                            "feedback")),
            Map.entry("source", Set.of("config", "event", "smtp", "store", "traffic", "outcome")),
            Map.entry("observe", Set.of("config", "render", "smtp", "store", "sender")),
            Map.entry("ops", Set.of("config", "event", "store", "suppress", "traffic", "source", "outcome")),
            Map.entry("preview", Set.of("config", "event", "render", "ops")),
            Map.entry("console", Set.of("config", "event", "render", "smtp", "store", "ops", "suppress", "traffic"))));

    @Test
    void everyPackageUsesOnlyThePackagesBelowIt() {
        Map<String, Set<String>> uses = uses(MAIN);

        assertThat(uses.keySet()).as("packages of src/main/java/io/mailpipe, each placed in ALLOWED")
                .containsExactlyInAnyOrderElementsOf(ALLOWED.keySet());
        List<String> upward = new ArrayList<>();
        uses.forEach((from, used) -> used.stream().filter(to -> !ALLOWED.get(from).contains(to))
                .forEach(to -> upward.add(from + " -> " + to)));
        assertThat(upward).as("uses not allowed").isEmpty();
    }

    @Test
    void packagesFormNoCycle() {
        assertThat(cycle(uses(MAIN))).isEmpty();
        assertThat(cycle(ALLOWED)).isEmpty();
    }

    @Test
    void aCycleIsFoundAndNamed() {
        Map<String, Set<String>> graph = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));

        assertThat(cycle(graph)).hasValueSatisfying(path -> assertThat(path).startsWith("a").contains("b -> c"));
        assertThat(cycle(Map.of("a", Set.of("b"), "b", Set.of()))).isEmpty();
    }

    @Test
    void importsStaticImportsAndQualifiedNamesAreUsesButCommentsAndStringsAreNot() {
        String source = """
                package io.mailpipe.a;

                import io.mailpipe.b.B;
                import static io.mailpipe.g.G.CONSTANT;
                import io.mailpipe.k8s.Manifests;

                /** See {@link io.mailpipe.c.C}. */
                class A { String s = "io.mailpipe.d.D"; io.mailpipe.e.E e; } // io.mailpipe.f.F
                """;

        assertThat(usesIn(source)).containsExactlyInAnyOrder("b", "e", "g", "k8s");
    }

    /** Package name to the other Mailpipe packages its classes use. */
    private static Map<String, Set<String>> uses(Path root) {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(file -> {
                Path dir = root.relativize(file.getParent());
                String pkg = dir.toString().isEmpty() ? ROOT : dir.toString().replace('/', '.');
                Set<String> used = uses.computeIfAbsent(pkg, p -> new TreeSet<>());
                usesIn(read(file)).stream().filter(u -> !u.equals(pkg)).forEach(used::add);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return uses;
    }

    private static Set<String> usesIn(String source) {
        String code = codeOnly(source).replaceAll("(?m)^package [^;]+;", "");
        Set<String> used = new TreeSet<>();
        Matcher use = USE.matcher(code);
        while (use.find()) {
            used.add(use.group(1));
        }
        return used;
    }

    /** The source without its comments and the contents of its string, text-block and character literals. */
    private static String codeOnly(String source) {
        StringBuilder code = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            if (source.startsWith("//", i)) {
                i = end(source, "\n", i + 2);
            } else if (source.startsWith("/*", i)) {
                i = end(source, "*/", i + 2);
            } else if (source.startsWith("\"\"\"", i)) {
                i = end(source, "\"\"\"", i + 3);
            } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
                char quote = source.charAt(i++);
                while (i < source.length() && source.charAt(i) != quote) {
                    i += source.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
            } else {
                code.append(source.charAt(i++));
                continue;
            }
            code.append(' ');
        }
        return code.toString();
    }

    /** The index just past {@code close} from {@code from} on; the end of the text when it never comes. */
    private static int end(String source, String close, int from) {
        int at = source.indexOf(close, from);
        return at < 0 ? source.length() : at + close.length();
    }

    /** A cycle of the graph as "a -> b -> a", or empty when it has none (depth-first, three colours). */
    static Optional<String> cycle(Map<String, Set<String>> graph) {
        Map<String, Integer> state = new TreeMap<>();
        for (String start : new TreeSet<>(graph.keySet())) {
            Optional<String> found = visit(start, graph, state, new ArrayList<>());
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> visit(String node, Map<String, Set<String>> graph, Map<String, Integer> state,
            List<String> path) {
        int seen = state.getOrDefault(node, 0);
        if (seen == 2) {
            return Optional.empty();
        }
        path.add(node);
        if (seen == 1) {
            return Optional.of(String.join(" -> ", path.subList(path.indexOf(node), path.size())));
        }
        state.put(node, 1);
        for (String next : new TreeSet<>(graph.getOrDefault(node, Set.of()))) {
            Optional<String> found = visit(next, graph, state, path);
            if (found.isPresent()) {
                return found;
            }
        }
        state.put(node, 2);
        path.remove(path.size() - 1);
        return Optional.empty();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
