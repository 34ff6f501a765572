package org.wackamole.it.outside;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.wackamole.it.outside.Recording.HostSample;
import org.wackamole.network.linux.KernelAddresses;

/**
 * Dumps one host's addresses and link state every {@code periodMillis} from a thread inside its
 * namespace and keeps every change with its time. A dump that fails (the namespace is being torn
 * down) ends the thread.
 */
final class AddressWatcher implements AutoCloseable {
    private final String host;
    private final Map<InetAddress, String> pool;
    private final List<HostSample> changes = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private long longestGap;

    AddressWatcher(String host, String namespace, List<String> vips, int periodMillis, long boundNanos) {
        this.host = host;
        this.pool = vips.stream().collect(Collectors.toMap(AddressWatcher::parse, v -> v));
        long end = System.nanoTime() + boundNanos;
        thread = InNamespace.start(namespace, "addresses-" + host, () -> {
            try (KernelAddresses dump = new KernelAddresses()) {
                long previous = 0;
                while (running && System.nanoTime() < end) {
                    KernelAddresses.Snapshot s = dump.snapshot("veth0");
                    long now = System.nanoTime();
                    Set<String> held = new TreeSet<>();
                    for (InetAddress a : s.addresses()) {
                        String vip = pool.get(a);
                        if (vip != null) {
                            held.add(vip);
                        }
                    }
                    synchronized (this) {
                        HostSample last = changes.isEmpty() ? null : changes.get(changes.size() - 1);
                        if (last == null || last.linkUp() != s.linkUp() || !last.vips().equals(held)) {
                            changes.add(new HostSample(now, s.linkUp(), Set.copyOf(held)));
                        }
                        if (previous != 0) {
                            longestGap = Math.max(longestGap, now - previous);
                        }
                    }
                    previous = now;
                    TimeUnit.MILLISECONDS.sleep(periodMillis);
                }
            }
        });
    }

    private static InetAddress parse(String vip) {
        try {
            return InetAddress.getByName(vip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + vip, e);
        }
    }

    String host() {
        return host;
    }

    /**
     * The host's state at {@code from} (as a sample at {@code from}) and every change up to {@code to};
     * forgets what came before {@code from}, and restarts the gap measurement.
     */
    synchronized List<HostSample> cut(long from, long to) {
        List<HostSample> out = new ArrayList<>();
        int firstAfter = 0;
        while (firstAfter < changes.size() && changes.get(firstAfter).nanos() <= from) {
            firstAfter++;
        }
        if (firstAfter > 0) {
            HostSample before = changes.get(firstAfter - 1);
            out.add(new HostSample(from, before.linkUp(), before.vips()));
        }
        for (int i = firstAfter; i < changes.size() && changes.get(i).nanos() <= to; i++) {
            out.add(changes.get(i));
        }
        // Keep the state in force at 'to' (the last change at or before it) and anything later.
        int inForce = -1;
        for (int i = 0; i < changes.size() && changes.get(i).nanos() <= to; i++) {
            inForce = i;
        }
        if (inForce > 0) {
            changes.subList(0, inForce).clear();
        }
        return out;
    }

    synchronized long takeLongestGap() {
        long g = longestGap;
        longestGap = 0;
        return g;
    }

    boolean alive() {
        return thread.isAlive();
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
