package org.wackamole.network;

/** A network change the kernel refused; the message names the interface, the address and the reason. */
public class NetworkException extends Exception {
    private static final long serialVersionUID = 1L;

    public NetworkException(String message) {
        super(message);
    }

    public NetworkException(String message, Throwable cause) {
        super(message, cause);
    }
}
