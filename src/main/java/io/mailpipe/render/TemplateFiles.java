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
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads every template file below a folder on disk or on the class path, keyed by its path relative to that folder;
 * a link that leads out of the folder stops start-up.
 */
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

    // Links are followed, but only where they stay inside the folder: a Kubernetes ConfigMap volume is made of links
    // into a hidden "..<timestamp>" folder (reached through "..data"), which must be read once, under the visible
    // names; a link to /etc/passwd or to the application's configuration must never become a template a mail prints.
    // Refusing (not skipping) it keeps a mail from going out without the template its author meant.
    private static Map<String, String> readAll(Path root) {
        Map<String, String> contents = new TreeMap<>();
        try {
            Path realRoot = root.toRealPath();
            Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                    if (!dir.equals(root) && isHidden(relative(root, dir))) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    checkInside(root, realRoot, dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    String relative = relative(root, file);
                    if (attributes.isRegularFile() && !isHidden(relative)) {
                        checkInside(root, realRoot, file);
                        contents.put(relative, Files.readString(file));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read templates below " + root, e);
        }
        return contents;
    }

    private static void checkInside(Path root, Path realRoot, Path path) throws IOException {
        Path target = path.toRealPath();
        if (!target.startsWith(realRoot)) {
            throw new IllegalStateException("Template folder " + root + ": " + relative(root, path) + " is a link to "
                    + target + ", outside the folder; links may only point inside it");
        }
    }

    private static String relative(Path root, Path path) {
        return root.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
    }

    private static boolean isHidden(String relative) {
        return relative.startsWith(".") || relative.contains("/.");
    }
}
