package io.mailpipe.render;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Reads every template file below a folder on disk or on the class path, keyed by its path relative to that folder. */
final class TemplateFiles {

    private TemplateFiles() {
    }

    static Map<String, String> fromDirectory(Path root) {
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("Template folder " + root.toAbsolutePath() + " does not exist");
        }
        return readAll(root);
    }

    static Map<String, String> fromClassPath(String folder) {
        URL url = Thread.currentThread().getContextClassLoader().getResource(folder);
        if (url == null) {
            return Map.of();
        }
        try {
            URI uri = url.toURI();
            if ("file".equals(uri.getScheme())) {
                return readAll(Path.of(uri));
            }
            // Inside a jar (JVM) or the image's resources (native): walk it through its own file system.
            try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of())) {
                return readAll(fs.provider().getPath(uri));
            } catch (FileSystemAlreadyExistsException e) {
                return readAll(Path.of(uri));
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("Cannot list built-in templates at " + url, e);
        }
    }

    // Links are followed and hidden names skipped: a Kubernetes ConfigMap volume is made of symbolic links into a
    // hidden "..<timestamp>" folder (reached through "..data"), which must be read once, under the visible names.
    private static Map<String, String> readAll(Path root) {
        Map<String, String> contents = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root, FileVisitOption.FOLLOW_LINKS)) {
            for (Path file : paths.filter(Files::isRegularFile).toList()) {
                String relative = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                if (!isHidden(relative)) {
                    contents.put(relative, Files.readString(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read templates below " + root, e);
        }
        return contents;
    }

    private static boolean isHidden(String relative) {
        return relative.startsWith(".") || relative.contains("/.");
    }
}
