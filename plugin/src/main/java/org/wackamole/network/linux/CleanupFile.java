package org.wackamole.network.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wackamole.config.ConfigException;
import org.wackamole.config.Setting;

/**
 * The file of {@link CleanupBatch} lines at {@code wackamole.cleanup.file}: written whole before the
 * member touches any address, removed when it stops cleanly. Whoever reads it (the unit's
 * {@code ip -force -batch}) sees a previous complete file or the new one, never a part: it is written
 * beside its place and renamed over it. No fsync: the file matters only while this boot's kernel
 * holds the addresses, and a crash of the machine takes both.
 */
public final class CleanupFile {
    private static final Logger LOG = LoggerFactory.getLogger(CleanupFile.class);

    private CleanupFile() {
    }

    /** @throws ConfigException naming {@code wackamole.cleanup.file} when the file cannot be written there */
    public static void write(Path file, List<String> lines) {
        Path dir = file.toAbsolutePath().getParent();
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            // Nothing secret in it; readable by an operator who looks (createTempFile makes it 0600).
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.write(temp, lines, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the message below is what matters
                }
            }
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such directory " + dir
                    : e instanceof java.nio.file.AccessDeniedException ? "no permission to write in " + dir + " as this user"
                    : e instanceof AtomicMoveNotSupportedException ? "cannot rename atomically in " + dir
                    : e.toString();
            throw new ConfigException(Setting.CLEANUP_FILE.key(), file.toString(), "cannot write the crash clean-up file: " + why);
        }
    }

    /** After a clean stop (the member released everything): a crash clean-up then has nothing of this run to undo. */
    public static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Could not remove the crash clean-up file {} ({}): {}", file, Setting.CLEANUP_FILE.key(), e.toString());
        }
    }
}
