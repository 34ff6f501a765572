package org.wackamole.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the {@code key=value} lines of a Jetty {@code start.d/*.ini} file; comments ({@code #}) and
 * start.jar options ({@code --module=...}) are skipped, so the operator's own ini file is the input
 * of tools that run outside Jetty (the systemd clean-up).
 */
public final class IniSettings {
    private IniSettings() {
    }

    public static Map<String, String> parse(String content) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String raw : content.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("--")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq > 0) {
                settings.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return settings;
    }
}
