package io.mailpipe.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Folders the tests make for the processes they start (broker data, state stores). */
public final class Folders {

    private Folders() {
    }

    /** The sum of the sizes of the regular files under the folder. */
    public static long sizeBytes(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            long total = 0;
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                total += Files.size(path);
            }
            return total;
        }
    }

    /** Deletes the folder and everything in it; nothing when it does not exist. */
    public static void deleteRecursively(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
