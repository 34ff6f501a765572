package org.wackamole.config;

/** A {@code wackamole.conf} that cannot be imported; the message starts with the line at fault. */
public final class ImportException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int line;

    public ImportException(int line, String problem) {
        super("line " + line + ": " + problem);
        this.line = line;
    }

    /** The 1-based line of the original file at fault. */
    public int line() {
        return line;
    }
}
