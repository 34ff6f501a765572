package org.wackamole.security;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.wackamole.config.ConfigException;
import org.wackamole.config.SecuritySettings;

/**
 * Creates a farm key: a fresh 256-bit AES key in a new PKCS12 keystore, readable by its owner only.
 *
 * <pre>
 * WACKAMOLE_SECURITY_PASSWORD=... java -cp 'lib/wackamole/*' org.wackamole.security.KeyGen /etc/wackamole/farm.p12
 * java -cp 'lib/wackamole/*' org.wackamole.security.KeyGen --password-file /etc/wackamole/farm.pw [--alias wackamole] /etc/wackamole/farm.p12
 * </pre>
 *
 * The password is never taken from the command line, where every user of the host can read it.
 */
public final class KeyGen {
    public static final String DEFAULT_ALIAS = "wackamole";

    private KeyGen() {
    }

    public static void main(String[] args) {
        String alias = DEFAULT_ALIAS;
        Path passwordFile = null;
        Path target = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--alias" -> alias = i + 1 < args.length ? args[++i] : usage("--alias needs a value");
                case "--password-file" -> passwordFile = Path.of(i + 1 < args.length ? args[++i] : usage("--password-file needs a value"));
                default -> {
                    if (args[i].startsWith("-") || target != null) {
                        usage("unexpected argument " + args[i]);
                    }
                    target = Path.of(args[i]);
                }
            }
        }
        if (target == null) {
            usage("name the keystore file to create");
        }
        try {
            char[] password = FarmKey.password(new SecuritySettings(true, target, null, passwordFile, alias), System::getenv);
            create(target, password, alias);
        } catch (ConfigException | IOException | GeneralSecurityException e) {
            System.err.println("KeyGen: " + e.getMessage());
            System.exit(1);
        }
        System.out.println("Created " + target + " with a 256-bit AES farm key under alias '" + alias + "'. Copy it to every "
                + "member (mode 0600, owned by the server's user) and set wackamole.security.keystore=" + target.toAbsolutePath());
    }

    /** Writes a new keystore; refuses to overwrite one (that would lock this member out of its farm). */
    public static void create(Path target, char[] password, String alias) throws IOException, GeneralSecurityException {
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256);
        SecretKey key = generator.generateKey();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setEntry(alias, new KeyStore.SecretKeyEntry(key), new KeyStore.PasswordProtection(password));
        Path absolute = target.toAbsolutePath();
        if (Files.exists(absolute)) {
            throw new FileAlreadyExistsException(absolute + " (refusing to replace a farm key; remove it first to rotate)");
        }
        try {
            Files.createFile(absolute, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(absolute);
        }
        try (OutputStream out = Files.newOutputStream(absolute, StandardOpenOption.TRUNCATE_EXISTING)) {
            store.store(out, password);
        }
    }

    private static String usage(String problem) {
        System.err.println("KeyGen: " + problem);
        System.err.println("usage: [WACKAMOLE_SECURITY_PASSWORD=...] java -cp 'lib/wackamole/*' " + KeyGen.class.getName()
                + " [--password-file FILE] [--alias NAME] KEYSTORE.p12");
        System.exit(2);
        return null;
    }
}
