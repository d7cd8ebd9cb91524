package io.mailpipe.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateFilesTest {

    @Test
    void aConfigMapVolumeIsReadOnceUnderItsVisibleNames(@TempDir Path volume) throws IOException {
        // The layout the kubelet writes: files in a hidden timestamped folder, "..data" pointing at it, and one
        // visible link per top-level entry.
        Path version = Files.createDirectories(volume.resolve("..2026_11_29_01_00_00.000000001/account-welcome"));
        Files.writeString(version.resolve("subject.txt"), "Welcome, {name}");
        Files.createSymbolicLink(volume.resolve("..data"), volume.resolve("..2026_11_29_01_00_00.000000001").getFileName());
        Files.createSymbolicLink(volume.resolve("account-welcome"), Path.of("..data/account-welcome"));

        assertThat(TemplateFiles.fromDirectory(volume)).containsExactly(entry("account-welcome/subject.txt", "Welcome, {name}"));
    }

    @Test
    void hiddenFilesBesideTemplatesAreIgnored(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("receipt/.git"));
        Files.writeString(dir.resolve("receipt/subject.txt"), "Receipt");
        Files.writeString(dir.resolve("receipt/.DS_Store"), "x");
        Files.writeString(dir.resolve("receipt/.git/HEAD"), "x");

        assertThat(TemplateFiles.fromDirectory(dir)).containsOnlyKeys("receipt/subject.txt");
    }
}
