package org.wackamole.config;

/**
 * A setting that cannot be used. The message always names the key and the offending text, because
 * the operator reading it is looking at an ini file, not at our code.
 */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final String value;

    public ConfigException(String key, String value, String problem) {
        super(key + "=" + quote(value) + ": " + problem);
        this.key = key;
        this.value = value;
    }

    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
        this.value = null;
    }

    private static String quote(String value) {
        return value == null ? "(unset)" : "'" + value + "'";
    }

    /** The setting at fault, e.g. {@code wackamole.vips}. */
    public String key() {
        return key;
    }

    /** The offending text, or null when the problem is a missing setting. */
    public String value() {
        return value;
    }
}
