package io.mailpipe.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "absolute", "relative" })
    void aFileLinkOutOfTheFolderStopsStartUpNamingTheLink(String kind, @TempDir Path dir) throws IOException {
        Path secret = Files.writeString(Files.createDirectories(dir.resolve("app")).resolve("application.properties"),
                "mailpipe.ops.token=s3cret");
        Path templates = Files.createDirectories(dir.resolve("templates/leak"));
        Files.writeString(templates.resolve("subject.txt"), "Leak");
        Path link = templates.resolve("body.txt");
        Files.createSymbolicLink(link, kind.equals("absolute") ? secret : link.getParent().relativize(secret));

        assertThatThrownBy(() -> TemplateFiles.fromDirectory(dir.resolve("templates")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("leak/body.txt is a link to " + secret.toRealPath())
                .hasMessageContaining("outside the folder");
    }

    @Test
    void aFolderLinkOutOfTheFolderStopsStartUpNamingTheLink(@TempDir Path dir) throws IOException {
        Path etc = Files.createDirectories(dir.resolve("etc/leak"));
        Files.writeString(etc.resolve("subject.txt"), "root:x:0:0");
        Path templates = Files.createDirectories(dir.resolve("templates"));
        Files.createSymbolicLink(templates.resolve("etc"), etc.getParent());

        assertThatThrownBy(() -> TemplateFiles.fromDirectory(templates))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("etc is a link to " + etc.getParent().toRealPath());
    }

    @Test
    void linksThatStayInsideTheFolderAreFollowed(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("welcome"));
        Files.writeString(dir.resolve("welcome/subject.txt"), "Welcome");
        Files.createDirectories(dir.resolve("greeting"));
        Files.createSymbolicLink(dir.resolve("greeting/subject.txt"), Path.of("../welcome/subject.txt"));

        assertThat(TemplateFiles.fromDirectory(dir))
                .containsExactly(entry("greeting/subject.txt", "Welcome"), entry("welcome/subject.txt", "Welcome"));
    }
}
