package org.wackamole.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/** Farm keys made for this test run, in a temporary directory removed when the JVM exits. */
public final class TestKeys {
    private static final Path DIR = createDir();
    private static final Map<String, Map<String, String>> FARMS = new HashMap<>();

    private TestKeys() {
    }

    /** The settings of the run's farm key: the same for every call, as every member of one farm has it. */
    public static Map<String, String> farm() {
        return farm("farm");
    }

    /** The settings of a key of its own for {@code name}: another farm, or an intruder. */
    public static synchronized Map<String, String> farm(String name) {
        return FARMS.computeIfAbsent(name, TestKeys::create);
    }

    private static Map<String, String> create(String name) {
        try {
            Path keystore = DIR.resolve(name + ".p12");
            Path passwordFile = DIR.resolve(name + ".pw");
            String password = name + "-" + Long.toHexString(System.nanoTime());
            Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
            KeyGen.create(keystore, password.toCharArray(), KeyGen.DEFAULT_ALIAS);
            return Map.of("wackamole.security.keystore", keystore.toString(),
                    "wackamole.security.passwordFile", passwordFile.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path createDir() {
        try {
            Path dir = Files.createTempDirectory("wackamole-keys");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException e) {
                    // temporary directory: best effort
                }
            }));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
