package org.wackamole.config;

import java.time.Duration;

/** Durations as operators write them: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}. */
final class Durations {
    private Durations() {
    }

    static Duration parse(String key, String text) {
        int split = 0;
        while (split < text.length() && Character.isDigit(text.charAt(split))) {
            split++;
        }
        String digits = text.substring(0, split);
        String unit = text.substring(split).trim();
        if (digits.isEmpty()) {
            throw new ConfigException(key, text, "not a duration (write e.g. 500ms, 5s, 2m or 1h)");
        }
        if (digits.length() > 9) {
            throw new ConfigException(key, text, "duration is too long");
        }
        long amount = Long.parseLong(digits);
        switch (unit) {
            case "ms":
                return Duration.ofMillis(amount);
            case "s":
                return Duration.ofSeconds(amount);
            case "m":
                return Duration.ofMinutes(amount);
            case "h":
                return Duration.ofHours(amount);
            case "":
                if (amount == 0) {
                    return Duration.ZERO;
                }
                throw new ConfigException(key, text, "duration has no unit (write e.g. " + amount + "s or " + amount + "ms)");
            default:
                throw new ConfigException(key, text, "unknown unit '" + unit + "' (use ms, s, m or h)");
        }
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
