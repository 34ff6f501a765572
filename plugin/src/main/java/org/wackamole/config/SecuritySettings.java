package org.wackamole.config;

import java.nio.file.Path;

/**
 * How cluster traffic is protected: {@code wackamole.security*}. Only names where the farm key is; reading it
 * (keystore, password file, environment) is {@code org.wackamole.security.FarmKey}'s job, at start.
 *
 * @param required     false only with {@code wackamole.security=none}
 * @param keystore     the PKCS12 keystore, or null if unset
 * @param password     the password given inline, or null
 * @param passwordFile the file holding the password, or null
 * @param alias        the key's alias in the keystore
 */
public record SecuritySettings(boolean required, Path keystore, String password, Path passwordFile, String alias) {
    /** Where the password is read from when neither {@code wackamole.security.password} nor a file is set. */
    public static final String PASSWORD_ENV = "WACKAMOLE_SECURITY_PASSWORD";

    @Override
    public String toString() {
        return "SecuritySettings[required=" + required + ", keystore=" + keystore + ", password="
                + (password == null ? "unset" : "(hidden)") + ", passwordFile=" + passwordFile + ", alias=" + alias + "]";
    }
}
