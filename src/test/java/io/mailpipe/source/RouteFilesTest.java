package io.mailpipe.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteFilesTest {

    @Test
    void routesMountedFromAConfigMapAreFoundOnce(@TempDir Path volume) throws Exception {
        // The kubelet's layout: the file in a hidden timestamped folder, "..data" pointing at it, a visible link.
        Path version = Files.createDirectories(volume.resolve("..2026_11_29_01_00_00.000000001"));
        Files.writeString(version.resolve("kafka-requests.yaml"), "- route: {}\n");
        Files.createSymbolicLink(volume.resolve("..data"), version.getFileName());
        Files.createSymbolicLink(volume.resolve("kafka-requests.yaml"), Path.of("..data/kafka-requests.yaml"));

        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            // The pattern application.properties gives camel.main.routes-include-pattern.
            Collection<Resource> found = PluginHelper.getPackageScanResourceResolver(camel)
                    .findResources("file:" + volume + "/*.yaml");

            assertThat(found).extracting(Resource::getLocation).containsExactly("file:" + volume.resolve("kafka-requests.yaml"));
        }
    }
}
