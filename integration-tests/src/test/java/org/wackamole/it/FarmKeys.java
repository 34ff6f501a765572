package org.wackamole.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.wackamole.security.KeyGen;

/** A farm key made with the documented tool's code, in a test's own directory: the ini lines that point at it. */
final class FarmKeys {
    private FarmKeys() {
    }

    static List<String> create(Path dir, String name) throws Exception {
        Files.createDirectories(dir);
        Path keystore = dir.resolve(name + ".p12").toAbsolutePath();
        Path passwordFile = dir.resolve(name + ".pw").toAbsolutePath();
        String password = name + "-" + Long.toHexString(System.nanoTime());
        Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
        KeyGen.create(keystore, password.toCharArray(), KeyGen.DEFAULT_ALIAS);
        return List.of("wackamole.security.keystore=" + keystore, "wackamole.security.passwordFile=" + passwordFile);
    }
}
