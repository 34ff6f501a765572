package org.wackamole.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.SecretKey;
import org.wackamole.config.ConfigException;
import org.wackamole.config.SecuritySettings;
import org.wackamole.config.Setting;

/**
 * Reads the farm key named by {@code wackamole.security*}: an AES secret key in a PKCS12 keystore. Every problem is a
 * {@link ConfigException} naming the setting to fix, and a missing key says how to make one: a member without the key
 * must not start, since it could neither join the farm nor be told apart from an intruder.
 */
public final class FarmKey {
    static final String HOW_TO_CREATE = "create one with: WACKAMOLE_SECURITY_PASSWORD=... java -cp 'lib/wackamole/*' "
            + KeyGen.class.getName() + " /etc/wackamole/farm.p12 (then copy that file to every member), or set "
            + Setting.SECURITY.key() + "=none to run without encryption and authentication";

    private FarmKey() {
    }

    /** The farm key, or empty with {@code wackamole.security=none}. */
    public static Optional<SecretKey> load(SecuritySettings settings) {
        return load(settings, System::getenv);
    }

    static Optional<SecretKey> load(SecuritySettings settings, Function<String, String> environment) {
        if (!settings.required()) {
            return Optional.empty();
        }
        Path keystore = settings.keystore();
        if (keystore == null) {
            throw new ConfigException(Setting.SECURITY_KEYSTORE.key(), "is required: the cluster is encrypted and authenticated "
                    + "with a farm key; " + HOW_TO_CREATE);
        }
        char[] password = password(settings, environment);
        String where = keystore.toString();
        KeyStore store;
        try (InputStream in = Files.newInputStream(keystore)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
        } catch (NoSuchFileException e) {
            throw new ConfigException(Setting.SECURITY_KEYSTORE.key(), where, "no such file; " + HOW_TO_CREATE);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new ConfigException(passwordKey(settings), "wrong password for keystore " + where);
            }
            throw new ConfigException(Setting.SECURITY_KEYSTORE.key(), where, "cannot read it as a PKCS12 keystore: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new ConfigException(Setting.SECURITY_KEYSTORE.key(), where, "cannot read it as a PKCS12 keystore: " + e);
        }
        String alias = settings.alias();
        try {
            if (!store.containsAlias(alias)) {
                throw new ConfigException(Setting.SECURITY_ALIAS.key(), alias, "no such entry in " + where
                        + " (entries: " + java.util.Collections.list(store.aliases()) + ")");
            }
            if (!store.entryInstanceOf(alias, KeyStore.SecretKeyEntry.class)) {
                throw new ConfigException(Setting.SECURITY_ALIAS.key(), alias, "is not a secret key in " + where + "; " + HOW_TO_CREATE);
            }
            KeyStore.SecretKeyEntry entry = (KeyStore.SecretKeyEntry) store.getEntry(alias, new KeyStore.PasswordProtection(password));
            SecretKey key = entry.getSecretKey();
            // SYM_ENCRYPT drops mode and padding when the key's algorithm differs from its cipher's: only AES is safe here.
            if (!"AES".equalsIgnoreCase(key.getAlgorithm()) || key.getEncoded() == null || key.getEncoded().length < 16) {
                throw new ConfigException(Setting.SECURITY_ALIAS.key(), alias, "must be an AES key of 128 bits or more (found "
                        + key.getAlgorithm() + "); " + HOW_TO_CREATE);
            }
            return Optional.of(key);
        } catch (UnrecoverableKeyException e) {
            throw new ConfigException(passwordKey(settings), "wrong password for the key '" + alias + "' in " + where);
        } catch (GeneralSecurityException e) {
            throw new ConfigException(Setting.SECURITY_ALIAS.key(), alias, "cannot read it from " + where + ": " + e);
        }
    }

    /** The password from the setting, else its file, else {@value SecuritySettings#PASSWORD_ENV}. */
    public static char[] password(SecuritySettings settings) {
        return password(settings, System::getenv);
    }

    /** The password from the setting, else its file, else the environment; never only from a command line. */
    static char[] password(SecuritySettings settings, Function<String, String> environment) {
        if (settings.password() != null) {
            return settings.password().toCharArray();
        }
        if (settings.passwordFile() != null) {
            return readPasswordFile(Setting.SECURITY_PASSWORD_FILE.key(), settings.passwordFile());
        }
        String fromEnvironment = environment.apply(SecuritySettings.PASSWORD_ENV);
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            return fromEnvironment.toCharArray();
        }
        throw new ConfigException(Setting.SECURITY_PASSWORD_FILE.key(), "the keystore's password is needed: set "
                + Setting.SECURITY_PASSWORD_FILE.key() + " (a file, mode 0600), the environment variable "
                + SecuritySettings.PASSWORD_ENV + " or " + Setting.SECURITY_PASSWORD.key());
    }

    /** The first line of the file, without its line end. */
    static char[] readPasswordFile(String key, Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(key, file.toString(), "cannot read it: " + e);
        }
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.isEmpty()) {
            throw new ConfigException(key, file.toString(), "its first line (the password) is empty");
        }
        return line.toCharArray();
    }

    private static String passwordKey(SecuritySettings settings) {
        if (settings.password() != null) {
            return Setting.SECURITY_PASSWORD.key();
        }
        return settings.passwordFile() != null ? Setting.SECURITY_PASSWORD_FILE.key() : SecuritySettings.PASSWORD_ENV;
    }
}
