package io.mailpipe.k8s;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** Renders a kustomization with {@code kubectl kustomize} (or {@code $KUBECTL}) and gives back its objects. */
final class Kustomize {

    static final Path K8S = Path.of("k8s").toAbsolutePath();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<Path, List<JsonNode>> RENDERED = new ConcurrentHashMap<>();

    private Kustomize() {
    }

    static List<JsonNode> render(Path dir) {
        return RENDERED.computeIfAbsent(dir.toAbsolutePath(), Kustomize::run);
    }

    static JsonNode only(List<JsonNode> objects, String kind) {
        List<JsonNode> found = objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
        if (found.size() != 1) {
            throw new AssertionError("Expected one " + kind + ", rendered " + found.size());
        }
        return found.get(0);
    }

    static Optional<JsonNode> configMap(List<JsonNode> objects, String generatorName) {
        // Generated ConfigMaps carry a content hash: mailpipe-config-6442tfhmg2.
        return objects.stream().filter(o -> o.path("kind").asText().equals("ConfigMap"))
                .filter(o -> o.path("metadata").path("name").asText().matches(generatorName + "-[a-z0-9]{10}"))
                .findFirst();
    }

    /** The overlay's application.properties overrides, as the pod reads them. */
    static Properties overrides(List<JsonNode> objects) {
        Properties props = new Properties();
        try {
            props.load(new StringReader(configMap(objects, "mailpipe-config").orElseThrow()
                    .path("data").path("application.properties").asText()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return props;
    }

    static List<JsonNode> read(Path file) {
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            return docs.readAll();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + file, e);
        }
    }

    private static List<JsonNode> run(Path dir) {
        String kubectl = Optional.ofNullable(System.getenv("KUBECTL")).orElse("kubectl");
        try {
            Process process = new ProcessBuilder(kubectl, "kustomize", dir.toString()).redirectErrorStream(false).start();
            byte[] out = process.getInputStream().readAllBytes();
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize " + dir + " failed: " + err);
            }
            try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(out)) {
                return new ArrayList<>(docs.readAll());
            }
        } catch (IOException e) {
            throw new AssertionError("Cannot run '" + kubectl + " kustomize' (.ci/run installs kubectl; or set KUBECTL)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted rendering " + dir, e);
        }
    }
}
