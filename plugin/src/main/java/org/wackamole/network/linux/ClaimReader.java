package org.wackamole.network.linux;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
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
    private static final int MSG_DONTWAIT = 0x40;

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

    /** Drops what a probe socket has queued: it answers nothing asked from now on. */
    static void drain(int fd) {
        LibC libc = LibC.get();
        byte[] buf = new byte[1600];
        while (libc.recv(fd, buf, buf.length, MSG_DONTWAIT) > 0) {
            // answers to an earlier probe
        }
    }

    /**
     * The probing thread's wait on a probe socket of its own: reads the answers (claims that answer a
     * probe, naming a MAC not ours) until {@code deadlineNanos} or until each address was answered. Read
     * by the prober itself, an answer queued in time is never missed because a reader thread was not
     * scheduled (which a loaded machine showed).
     *
     * @return the answering MAC of each address someone answered for
     */
    static Map<InetAddress, String> answers(int fd, Parser parser, Set<? extends InetAddress> asked, Predicate<String> ownMac,
                                            long deadlineNanos) {
        LibC libc = LibC.get();
        Map<InetAddress, String> answers = new LinkedHashMap<>();
        byte[] buf = new byte[1600];
        while (true) {
            long n = libc.recv(fd, buf, buf.length, MSG_DONTWAIT);
            if (n > 0) {
                ArpWatch.Claim c = parser.parse(buf, (int) n, System.nanoTime());
                if (c != null && c.probeAnswer() && asked.contains(c.address()) && !ownMac.test(c.mac())) {
                    answers.putIfAbsent(c.address(), c.mac());
                }
                continue;
            }
            // The queue is empty: what the kernel had received by now has been read.
            if (System.nanoTime() - deadlineNanos >= 0 || answers.size() == asked.size()) {
                return answers;
            }
            LockSupport.parkNanos(100_000);
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
