package io.mailpipe.k8s;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.render.TemplateCatalog;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.SmtpServerResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Renders every overlay of k8s/ and checks the objects against the application they deploy. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class KubernetesManifestsTest {

    private static final int DNS = 53;
    /** Read by the image's start script (run-java.sh), not by Mailpipe. */
    private static final String HEAP_RATIO = "JAVA_MAX_MEM_RATIO";

    @Inject
    MailpipeConfig config;

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void probesCallHealthEndpointsTheAppServesOnItsHttpPort(String overlay) {
        JsonNode container = container(overlay);
        assertThat(container.path("ports")).anySatisfy(port -> {
            assertThat(port.path("name").asText()).isEqualTo("http");
            assertThat(port.path("containerPort").asInt()).isEqualTo(8080);
        });
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            JsonNode get = container.path(probe).path("httpGet");
            assertThat(get.path("port").asText()).as(probe).isEqualTo("http");
            // The test application has a real broker and SMTP server, so every probe must answer 200 here.
            given().get(get.path("path").asText()).then().statusCode(200);
        }
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/live");
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/ready");
        Duration kafkaCheck = ConfigProvider.getConfig().getValue("mailpipe.health.kafka-timeout", Duration.class);
        assertThat(Duration.ofSeconds(container.path("readinessProbe").path("timeoutSeconds").asInt()))
                .as("readiness probe timeout leaves the Kafka check time to answer").isGreaterThan(kafkaCheck);
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void everyEnvironmentVariableAndOverrideIsARealConfigKey(String overlay) {
        Set<String> keys = ConfigKeys.all();
        Set<String> envNames = keys.stream().map(ConfigKeys::envName).collect(Collectors.toSet());
        assertThat(names(container(overlay).path("env"))).isNotEmpty().filteredOn(name -> !name.equals(HEAP_RATIO))
                .allSatisfy(name -> assertThat(envNames).contains(name));
        assertThat(Kustomize.overrides(objects(overlay)).stringPropertyNames()).isNotEmpty()
                .allSatisfy(key -> assertThat(keys).contains(key));
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void theHeapLeavesTheJvmItsOwnMemoryUnderTheLimit(String overlay) {
        long limitMib = mebibytes(container(overlay).path("resources").path("limits").path("memory").asText());
        long heapMib = limitMib * Long.parseLong(env(overlay).get(HEAP_RATIO)) / 100;
        // Measured by the benchmark: RSS 393-403 MiB with a 160 MiB heap (three RocksDB stores), so about 245 MiB beside it.
        assertThat(heapMib + 245).as("heap %d MiB + JVM under a %d MiB limit", heapMib, limitMib).isLessThanOrEqualTo(limitMib);
        assertThat(heapMib).as("heap").isGreaterThanOrEqualTo(160);
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void secretsAreReferencedNeverInlined(String overlay) {
        List<JsonNode> objects = objects(overlay);
        assertThat(objects).noneMatch(o -> o.path("kind").asText().equals("Secret"));
        JsonNode container = container(overlay);
        assertThat(container.has("envFrom")).isFalse();
        List<JsonNode> secrets = new ArrayList<>();
        container.path("env").forEach(env -> {
            if (env.path("name").asText().matches(".*(PASSWORD|USERNAME|TOKEN|SECRET).*")) {
                assertThat(env.has("value")).as(env.path("name").asText()).isFalse();
                assertThat(env.path("valueFrom").path("secretKeyRef").path("name").asText()).isEqualTo("mailpipe-secrets");
                secrets.add(env);
            }
        });
        assertThat(secrets).extracting(env -> env.path("name").asText()).contains("MAILPIPE_SMTP_USERNAME",
                "MAILPIPE_SMTP_PASSWORD");
        Properties overrides = Kustomize.overrides(objects);
        assertThat(overrides.stringPropertyNames()).noneMatch(key -> key.matches(".*(password|username|token).*"));
    }

    @Test
    void theSecretExampleHoldsPlaceholdersForEveryKeyTheDeploymentReads() {
        JsonNode secret = Kustomize.read(Kustomize.K8S.resolve("base/secret.example.yaml")).get(0);
        Map<String, String> data = new HashMap<>();
        secret.path("stringData").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
        assertThat(data).containsKeys("smtp-username", "smtp-password", "ops-token")
                .allSatisfy((key, value) -> assertThat(value).isEqualTo("REPLACE_ME"));
        for (String overlay : List.of("dev", "prod")) {
            container(overlay).path("env").forEach(env -> {
                JsonNode ref = env.path("valueFrom").path("secretKeyRef");
                if (!ref.isMissingNode()) {
                    assertThat(data).containsKey(ref.path("key").asText());
                }
            });
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void runsAsNonRootOnAReadOnlyRootWithNoCapabilities(String overlay) {
        JsonNode pod = deployment(overlay).path("spec").path("template").path("spec");
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("securityContext").path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
        assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();
        JsonNode security = container(overlay).path("securityContext");
        assertThat(security.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(texts(security.path("capabilities").path("drop"))).containsExactly("ALL");
        assertThat(security.path("capabilities").has("add")).isFalse();
        assertThat(security.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
        JsonNode resources = container(overlay).path("resources");
        assertThat(resources.path("requests").has("cpu") && resources.path("requests").has("memory")
                && resources.path("limits").has("memory")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void theAppWritesOnlyToEmptyDirVolumes(String overlay) {
        Map<String, JsonNode> volumes = volumes(overlay);
        Map<String, String> env = env(overlay);
        Set<String> writable = new TreeSet<>();
        container(overlay).path("volumeMounts").forEach(mount -> {
            if (!mount.path("readOnly").asBoolean()) {
                assertThat(volumes.get(mount.path("name").asText()).has("emptyDir")).as(mount.toString()).isTrue();
                writable.add(mount.path("mountPath").asText());
            }
        });
        assertThat(writable).containsExactlyInAnyOrder("/tmp", env.get("MAILPIPE_INBOX_DIR"), env.get("MAILPIPE_STATE_DIR"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void configRoutesAndTemplatesAreMountedWhereTheAppReadsThem(String overlay) {
        List<JsonNode> objects = objects(overlay);
        Map<String, String> env = env(overlay);
        JsonNode container = container(overlay);
        Map<String, String> mountedConfigMaps = new HashMap<>();
        Map<String, JsonNode> volumes = volumes(overlay);
        container.path("volumeMounts").forEach(mount -> {
            JsonNode configMap = volumes.get(mount.path("name").asText()).path("configMap");
            if (!configMap.isMissingNode()) {
                mountedConfigMaps.put(mount.path("mountPath").asText(), configMap.path("name").asText());
            }
        });
        // Quarkus reads ./config/application.properties, relative to the working directory.
        assertThat(mountedConfigMaps.get(container.path("workingDir").asText() + "/config")).startsWith("mailpipe-config-");
        assertThat(mountedConfigMaps.get(env.get("MAILPIPE_ROUTES_DIR"))).startsWith("mailpipe-routes-");
        assertThat(mountedConfigMaps.get(env.get("MAILPIPE_TEMPLATES_DIR"))).startsWith("mailpipe-templates-");

        JsonNode routes = Kustomize.configMap(objects, "mailpipe-routes").orElseThrow();
        assertThat(fieldNames(routes.path("data"))).isNotEmpty().allSatisfy(name -> assertThat(name).endsWith(".yaml"));
        // Every template file is projected, into its template's folder under its file name.
        JsonNode templates = Kustomize.configMap(objects, "mailpipe-templates").orElseThrow();
        Map<String, String> projected = new HashMap<>();
        volumes.get("templates").path("configMap").path("items")
                .forEach(item -> projected.put(item.path("key").asText(), item.path("path").asText()));
        assertThat(projected.keySet()).isEqualTo(fieldNames(templates.path("data")));
        projected.forEach((key, path) -> assertThat(path.replaceFirst("/", ".")).isEqualTo(key));
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void theTemplatesConfigMapHoldsTemplatesTheAppAccepts(String overlay, @TempDir Path mount) throws IOException {
        JsonNode data = Kustomize.configMap(objects(overlay), "mailpipe-templates").orElseThrow().path("data");
        for (JsonNode item : volumes(overlay).get("templates").path("configMap").path("items")) {
            Path file = mount.resolve(item.path("path").asText());
            Files.createDirectories(file.getParent());
            Files.writeString(file, data.path(item.path("key").asText()).asText());
        }
        MailpipeConfig external = (MailpipeConfig) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { MailpipeConfig.class },
                (proxy, method, args) -> method.getName().equals("templatesDir") ? Optional.of(mount)
                        : method.invoke(config, args));

        // The catalog parses every file and stops on the first broken one, as start-up in the pod would.
        Map<String, String> origins = new TemplateCatalog(external).origins();
        assertThat(fieldNames(data))
                .allSatisfy(key -> assertThat(origins.get(key.substring(0, key.indexOf('.')))).isEqualTo(mount.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void terminationGraceCoversTheShutdownTimeouts(String overlay) {
        Config config = ConfigProvider.getConfig();
        long http = config.getValue("quarkus.shutdown.timeout", Duration.class).toSeconds();
        long camel = config.getValue("camel.main.shutdown-timeout", Long.class);
        JsonNode pod = deployment(overlay).path("spec").path("template").path("spec");
        assertThat(pod.path("terminationGracePeriodSeconds").asLong()).isEqualTo(http + camel + 5);
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void egressOnlyReachesDnsKafkaAndSmtp(String overlay) {
        List<JsonNode> objects = objects(overlay);
        Properties overrides = Kustomize.overrides(objects);
        Set<Integer> expected = new TreeSet<>(kafkaPorts(overrides.getProperty("kafka.bootstrap.servers")));
        expected.add(Integer.parseInt(overrides.getProperty("mailpipe.smtp.port")));
        expected.add(DNS);
        JsonNode policy = Kustomize.only(objects, "NetworkPolicy").path("spec");
        assertThat(texts(policy.path("policyTypes"))).containsExactlyInAnyOrder("Ingress", "Egress");
        Set<Integer> allowed = new TreeSet<>();
        policy.path("egress").forEach(rule -> {
            assertThat(rule.path("ports").size()).as("an egress rule without ports opens every port").isPositive();
            rule.path("ports").forEach(port -> allowed.add(port.path("port").asInt()));
        });
        assertThat(allowed).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void aDrainKeepsAtLeastOnePodServing(String overlay) {
        List<JsonNode> objects = objects(overlay);
        int replicas = deployment(overlay).path("spec").path("replicas").asInt();
        JsonNode budget = Kustomize.only(objects, "PodDisruptionBudget").path("spec");
        assertThat(budget.path("selector").path("matchLabels"))
                .isEqualTo(deployment(overlay).path("spec").path("selector").path("matchLabels"));
        if (budget.has("minAvailable")) {
            assertThat(budget.path("minAvailable").asInt()).isBetween(1, replicas - 1);
        } else {
            assertThat(budget.path("maxUnavailable").asInt()).isEqualTo(1);
        }
    }

    @Test
    void kedaNeverScalesBeyondThePartitionsOfTheRequestsTopic(@TempDir Path dir) throws IOException {
        // The component is optional, so no overlay includes it: render it on top of prod here (kustomize wants
        // relative paths).
        Files.writeString(dir.resolve("kustomization.yaml"), String.join("\n",
                "apiVersion: kustomize.config.k8s.io/v1beta1", "kind: Kustomization",
                "resources: [" + dir.relativize(Kustomize.K8S.resolve("overlays/prod")) + "]",
                "components: [" + dir.relativize(Kustomize.K8S.resolve("components/keda")) + "]", ""));
        List<JsonNode> objects = Kustomize.render(dir);
        JsonNode scaled = Kustomize.only(objects, "ScaledObject");
        int partitions = scaled.path("metadata").path("annotations").path("mailpipe.io/email-requests-partitions").asInt();
        assertThat(partitions).isPositive();
        assertThat(scaled.path("spec").path("maxReplicaCount").asInt()).isBetween(1, partitions);
        assertThat(scaled.path("spec").path("scaleTargetRef").path("name").asText())
                .isEqualTo(Kustomize.only(objects, "Deployment").path("metadata").path("name").asText());
        JsonNode trigger = scaled.path("spec").path("triggers").get(0);
        assertThat(trigger.path("type").asText()).isEqualTo("kafka");
        JsonNode meta = trigger.path("metadata");
        assertThat(meta.path("allowIdleConsumers").asText("false")).isEqualTo("false");
        Config config = ConfigProvider.getConfig();
        assertThat(meta.path("consumerGroup").asText())
                .isEqualTo(config.getValue("camel.component.kafka.group-id", String.class));
        assertThat(meta.path("topic").asText()).isEqualTo(config.getValue("mailpipe.topic.requests", String.class));
        assertThat(meta.path("bootstrapServers").asText())
                .isEqualTo(Kustomize.overrides(objects).getProperty("kafka.bootstrap.servers"));
    }

    @Test
    void everyMailpipeKeyIsInTheConfigurationTableWithItsEnvironmentVariable() throws IOException {
        String table = Files.readString(Path.of("docs", "configuration.md"));
        assertThat(ConfigKeys.mailpipe())
                .allSatisfy(key -> assertThat(table).contains("| `" + key + "` | `" + ConfigKeys.envName(key) + "` |"));
    }

    private static List<JsonNode> objects(String overlay) {
        return Kustomize.render(Kustomize.K8S.resolve("overlays").resolve(overlay));
    }

    private static JsonNode deployment(String overlay) {
        return Kustomize.only(objects(overlay), "Deployment");
    }

    private static JsonNode container(String overlay) {
        JsonNode containers = deployment(overlay).path("spec").path("template").path("spec").path("containers");
        assertThat(containers.size()).isEqualTo(1);
        return containers.get(0);
    }

    private static Map<String, JsonNode> volumes(String overlay) {
        Map<String, JsonNode> volumes = new HashMap<>();
        deployment(overlay).path("spec").path("template").path("spec").path("volumes")
                .forEach(v -> volumes.put(v.path("name").asText(), v));
        return volumes;
    }

    private static Map<String, String> env(String overlay) {
        Map<String, String> env = new HashMap<>();
        container(overlay).path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText(null)));
        return env;
    }

    private static long mebibytes(String quantity) {
        return quantity.endsWith("Gi") ? Long.parseLong(quantity.replace("Gi", "")) * 1024
                : Long.parseLong(quantity.replace("Mi", ""));
    }

    private static List<Integer> kafkaPorts(String bootstrap) {
        return Stream.of(bootstrap.split(",")).map(s -> Integer.parseInt(s.substring(s.lastIndexOf(':') + 1).trim())).toList();
    }

    private static List<String> names(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(n -> n.path("name").asText()).toList();
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static Set<String> fieldNames(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
