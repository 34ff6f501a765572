package org.wackamole.cluster.wire;

/** A message that is not ours, is cut short, or comes from a version we do not speak. */
public final class MalformedMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message) {
        super(message);
    }
}
