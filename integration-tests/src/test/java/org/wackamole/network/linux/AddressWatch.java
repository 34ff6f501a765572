package org.wackamole.network.linux;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import jnr.constants.platform.OpenFlags;
import jnr.posix.POSIXFactory;

/**
 * Watches the addresses on one host's interface from outside the member: a thread inside the
 * host's network namespace dumps the interface's addresses over rtnetlink every {@code periodMillis}
 * and hands each sample (when it was taken, which of the watched addresses were present) to a sink.
 * A dump costs a few microseconds, so a 10 ms period does not load the machine the way spawning
 * {@code ip addr} would. Bounded: it stops when closed or after {@code maxMillis}.
 */
public final class AddressWatch implements AutoCloseable {
    /** One sample: monotonic time (System.nanoTime) and the watched addresses present at that time. */
    public record Sample(long nanos, Set<InetAddress> present) {
    }

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /**
     * @param namespace the host's network namespace (as in /var/run/netns)
     * @param ifname    the interface whose addresses are watched
     * @param watched   the addresses of interest (others on the interface are ignored)
     */
    public AddressWatch(String namespace, String ifname, Set<InetAddress> watched, int periodMillis, long maxMillis,
            Consumer<Sample> sink) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(1);
        thread = new Thread(() -> {
            try {
                enter(namespace);
                try (Rtnetlink nl = new Rtnetlink()) {
                    Rtnetlink.Link link = nl.link(ifname);
                    ready.countDown();
                    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
                    while (running.get() && System.nanoTime() < end) {
                        long t = System.nanoTime();
                        Set<InetAddress> present = new HashSet<>();
                        for (Rtnetlink.Present p : nl.addresses(link)) {
                            if (watched.contains(p.address())) {
                                present.add(p.address());
                            }
                        }
                        sink.accept(new Sample(t, present));
                        long sleep = periodMillis - (System.nanoTime() - t) / 1_000_000;
                        if (sleep > 0) {
                            Thread.sleep(sleep);
                        }
                    }
                }
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                ready.countDown();
            }
        }, "address-watch-" + namespace);
        thread.setDaemon(true);
        thread.start();
        if (!ready.await(10, TimeUnit.SECONDS) || failure.get() != null) {
            close();
            throw new IllegalStateException("cannot watch " + ifname + " in " + namespace, failure.get());
        }
    }

    private static void enter(String namespace) throws Exception {
        int fd = POSIXFactory.getPOSIX().open("/var/run/netns/" + namespace, OpenFlags.O_RDONLY.intValue(), 0);
        if (fd < 0) {
            throw new IllegalStateException("cannot open namespace " + namespace);
        }
        try {
            if (LibC.get().setns(fd, LibC.CLONE_NEWNET) != 0) {
                throw new IllegalStateException("setns " + namespace + ": " + LibC.describe(LibC.errno()));
            }
        } finally {
            POSIXFactory.getPOSIX().close(fd);
        }
    }

    /** What went wrong in the watching thread, if anything (a watch that failed has stopped sampling). */
    public Throwable failure() {
        return failure.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(5_000);
    }

    /** Parses textual addresses (IPv4 or IPv6 literals) without any name lookup. */
    public static Set<InetAddress> literals(List<String> addresses) throws Exception {
        List<InetAddress> out = new ArrayList<>();
        for (String a : addresses) {
            out.add(InetAddress.getByName(a)); // literals only: no DNS
        }
        return Set.copyOf(out);
    }
}
