package org.wackamole.runtime;

import java.util.Arrays;
import java.util.Optional;
import org.wackamole.config.Setting;

/**
 * A key's name as a bean property, the same in every server: the key without {@code wackamole.},
 * camelCase across its dots ({@code wackamole.balance.perRound} is {@code balancePerRound}). Jetty
 * XML {@code <Set name>} and Tomcat {@code <Listener>} attributes use these names.
 */
public final class SettingNames {
    private static final String PREFIX = "wackamole.";

    private SettingNames() {
    }

    public static String attribute(Setting setting) {
        String[] parts = setting.key().substring(PREFIX.length()).split("\\.");
        StringBuilder name = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            name.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
        }
        return name.toString();
    }

    public static Optional<Setting> forAttribute(String attribute) {
        return Arrays.stream(Setting.values()).filter(s -> attribute(s).equals(attribute)).findFirst();
    }
}
