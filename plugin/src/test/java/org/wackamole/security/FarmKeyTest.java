package org.wackamole.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import javax.crypto.KeyGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wackamole.config.ConfigException;
import org.wackamole.config.SecuritySettings;
import org.wackamole.config.WackamoleConfig;

class FarmKeyTest {
    @TempDir
    Path dir;

    private static SecuritySettings settings(String... kv) {
        Map<String, String> s = new java.util.HashMap<>(Map.of("wackamole.interface", "eth0", "wackamole.vips", "198.51.100.10"));
        for (int i = 0; i < kv.length; i += 2) {
            s.put(kv[i], kv[i + 1]);
        }
        return WackamoleConfig.parse(s, () -> "n1").security();
    }

    @Test
    void keyGenWritesAnAesKeyOnlyItsOwnerCanRead() throws Exception {
        Path p12 = dir.resolve("farm.p12");
        KeyGen.create(p12, "s3cret".toCharArray(), "wackamole");
        assertThat(Files.getPosixFilePermissions(p12)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "s3cret\n");
        var key = FarmKey.load(settings("wackamole.security.keystore", p12.toString(), "wackamole.security.passwordFile", pw.toString()));
        assertThat(key).get().satisfies(k -> assertThat(k.getAlgorithm()).isEqualTo("AES"))
                .satisfies(k -> assertThat(k.getEncoded()).hasSize(32));
        assertThat(FarmKey.load(settings("wackamole.security.keystore", p12.toString()), env -> "s3cret"))
                .as("password from WACKAMOLE_SECURITY_PASSWORD").isPresent();
        assertThat(FarmKey.load(settings("wackamole.security.keystore", p12.toString(), "wackamole.security.password", "s3cret")))
                .isPresent();
        assertThatThrownBy(() -> KeyGen.create(p12, "x".toCharArray(), "wackamole")).hasMessageContaining("refusing to replace");
    }

    @Test
    void everyProblemNamesTheSettingToFix() throws Exception {
        Path p12 = dir.resolve("farm.p12");
        KeyGen.create(p12, "s3cret".toCharArray(), "wackamole");
        String ks = p12.toString();
        assertThatThrownBy(() -> FarmKey.load(settings(), env -> null)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("wackamole.security.keystore: is required").hasMessageContaining("KeyGen");
        assertThatThrownBy(() -> FarmKey.load(settings("wackamole.security.keystore", dir.resolve("none.p12").toString()), env -> "s3cret"))
                .hasMessageStartingWith("wackamole.security.keystore=").hasMessageContaining("no such file");
        assertThatThrownBy(() -> FarmKey.load(settings("wackamole.security.keystore", ks), env -> null))
                .hasMessageStartingWith("wackamole.security.passwordFile: the keystore's password is needed");
        assertThatThrownBy(() -> FarmKey.load(settings("wackamole.security.keystore", ks, "wackamole.security.password", "wrong"), env -> null))
                .hasMessageStartingWith("wackamole.security.password: wrong password");
        assertThatThrownBy(() -> FarmKey.load(settings("wackamole.security.keystore", ks, "wackamole.security.alias", "other"), env -> "s3cret"))
                .hasMessageStartingWith("wackamole.security.alias='other': no such entry");
        // A key that is not AES would make SYM_ENCRYPT drop CBC for the key's own algorithm.
        Path des = dir.resolve("des.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setEntry("wackamole", new KeyStore.SecretKeyEntry(KeyGenerator.getInstance("DESede").generateKey()),
                new KeyStore.PasswordProtection("s3cret".toCharArray()));
        try (var out = Files.newOutputStream(des)) {
            store.store(out, "s3cret".toCharArray());
        }
        assertThatThrownBy(() -> FarmKey.load(settings("wackamole.security.keystore", des.toString()), env -> "s3cret"))
                .hasMessageContaining("must be an AES key");
        assertThatThrownBy(() -> settings("wackamole.security", "off")).hasMessage("wackamole.security='off': must be 'required' or 'none'");
        assertThatThrownBy(() -> settings("wackamole.security.password", "a", "wackamole.security.passwordFile", "/x"))
                .hasMessageContaining("set either it or wackamole.security.password, not both");
        assertThat(FarmKey.load(settings("wackamole.security", "none"), env -> null)).isEmpty();
    }

    @Test
    void thePasswordNeverShowsInTheSettings() {
        Map<String, String> s = Map.of("wackamole.interface", "eth0", "wackamole.vips", "198.51.100.10", "wackamole.security.password", "s3cret");
        WackamoleConfig c = WackamoleConfig.parse(s, () -> "n1");
        assertThat(c.settings()).containsEntry("wackamole.security.password", "(hidden)");
        assertThat(c.toString()).doesNotContain("s3cret");
        assertThat(c.security().toString()).doesNotContain("s3cret");
    }
}
