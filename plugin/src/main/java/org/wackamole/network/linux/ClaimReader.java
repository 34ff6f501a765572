package org.wackamole.network.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reading half of a watch: a daemon thread that reads one raw socket, parses what it reads and
 * hands each claim naming a MAC that is not ours to the listener. The socket is its owner's: it is
 * opened in the caller's namespace (a new thread would not inherit a {@code setns}) and closed by
 * the owner after {@link #close()}.
 */
final class ClaimReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClaimReader.class);

    /** A parser of what one read returns; null for anything that claims nothing. */
    @FunctionalInterface
    interface Parser {
        ArpWatch.Claim parse(byte[] buffer, int length, long nanos);
    }

    private final LibC libc = LibC.get();
    private final int fd;
    private final Parser parser;
    private final Predicate<String> ownMac;
    private final ArpWatch.Listener listener;
    private final Thread thread;
    private volatile boolean closed;

    ClaimReader(int fd, String name, Parser parser, Predicate<String> ownMac, ArpWatch.Listener listener) {
        this.fd = fd;
        this.parser = parser;
        this.ownMac = ownMac;
        this.listener = listener;
        // A bounded wait per read, so that close() is noticed.
        byte[] timeout = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(0).putLong(100_000).array();
        libc.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, timeout, timeout.length);
        thread = new Thread(this::read, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void read() {
        byte[] buf = new byte[1600];
        while (!closed) {
            long n = libc.recv(fd, buf, buf.length, 0);
            if (n <= 0) {
                continue; // timeout or interrupted
            }
            ArpWatch.Claim c = parser.parse(buf, (int) n, System.nanoTime());
            if (c != null && !ownMac.test(c.mac())) {
                try {
                    listener.claimed(c);
                } catch (RuntimeException e) {
                    LOG.warn("{}: claim listener failed", thread.getName(), e);
                }
            }
        }
    }

    /** Stops reading (within one read timeout); the owner closes the socket after this. */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
