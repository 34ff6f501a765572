package org.wackamole.it.outside;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.wackamole.it.ArpSenders;
import org.wackamole.it.PacketCalls;
import org.wackamole.it.outside.Recording.ArpFrame;
import org.wackamole.network.linux.LibC;

/**
 * The client's ARP view: from the client namespace it asks "who has VIP?" for every IPv4 VIP each
 * {@code periodMillis} (one cycle) and records every ARP frame naming a VIP as sender: replies
 * (who answers now) and gratuitous ARPs (who claims it). One {@code AF_PACKET} socket bound to
 * ETH_P_ARP on the client's veth0; the client's own frames are ignored.
 *
 * <p>Each cycle asks from a sender address of its own, in turn from {@link ArpSenders} (which the
 * client has), so a reply's target address names the cycle it answers: a reply is recorded at its
 * cycle's start, not when a reader thread happened to read it, so that a late reply is never counted
 * with the next cycle's. It belongs to the latest cycle with that sender sent before the kernel
 * received it ({@code SIOCGSTAMPNS}); a sender comes round again only after 100 cycles (2 s at 20 ms).
 * A reply naming no cycle (one not sent from a sender of the block) keeps its receive time.
 */
final class ArpWatcher implements AutoCloseable {
    private final LibC libc = LibC.get();
    private final Map<InetAddress, String> pool;
    private final List<Long> cycles = new ArrayList<>();
    /** Every cycle's start since the watcher opened, as {nanoTime, epoch ns}, by cycle number. */
    private long[] cycleNanos = new long[1024];
    private long[] cycleEpoch = new long[1024];
    private int cycleCount;
    private final List<ArpFrame> frames = new ArrayList<>();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Thread receiver;
    private Thread sender;
    private volatile boolean running = true;
    private volatile int fd = -1;
    private volatile int ifindex;
    private volatile byte[] mac;
    private volatile String ownMac;
    private volatile IOException failure;

    /** Add {@link ArpSenders} to the client first ({@link ArpSenders#addTo}). */
    ArpWatcher(String namespace, List<String> vips, int periodMillis, long boundNanos) throws IOException {
        pool = new java.util.HashMap<>();
        for (String v : vips) {
            InetAddress a = InetAddress.getByName(v);
            if (a instanceof Inet4Address) {
                pool.put(a, v);
            }
        }
        long end = System.nanoTime() + boundNanos;
        receiver = InNamespace.start(namespace, "arp-receive", () -> {
            try {
                open();
            } catch (IOException e) {
                failure = e;
                return;
            } finally {
                ready.countDown();
            }
            byte[] buf = new byte[1600];
            while (running && System.nanoTime() < end) {
                long n = libc.recv(fd, buf, buf.length, 0);
                if (n >= 42) {
                    long stamp = PacketCalls.stamp(fd);
                    long now = System.nanoTime();
                    // The kernel's receive time on the nanoTime clock (the reader may be late).
                    record(stamp < 0 ? now : now - Math.max(0, PacketCalls.now() - stamp), stamp, buf, n);
                }
            }
        });
        try {
            if (!ready.await(10, TimeUnit.SECONDS)) {
                throw new IOException("ARP socket not ready in 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (failure != null) {
            throw failure;
        }
        List<List<byte[]>> requests = new ArrayList<>();
        for (Inet4Address self : ArpSenders.ADDRESSES) {
            requests.add(pool.keySet().stream().map(v -> PacketCalls.Arp.request(mac, self.getAddress(), v.getAddress()))
                    .collect(Collectors.toList()));
        }
        byte[] ll = PacketCalls.linkLayer(ifindex, PacketCalls.ETH_P_ARP);
        // The socket is the client namespace's whichever thread sends on it.
        sender = new Thread(() -> {
            while (running && System.nanoTime() < end) {
                List<byte[]> cycle;
                synchronized (this) {
                    long t = System.nanoTime();
                    cycles.add(t);
                    if (cycleCount == cycleNanos.length) {
                        cycleNanos = java.util.Arrays.copyOf(cycleNanos, 2 * cycleCount);
                        cycleEpoch = java.util.Arrays.copyOf(cycleEpoch, 2 * cycleCount);
                    }
                    cycleNanos[cycleCount] = t;
                    cycleEpoch[cycleCount] = PacketCalls.now();
                    cycle = requests.get(cycleCount % requests.size());
                    cycleCount++;
                }
                for (byte[] r : cycle) {
                    libc.sendto(fd, r, r.length, 0, ll, ll.length);
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "arp-send");
        sender.setDaemon(true);
        sender.start();
    }

    private void open() throws IOException {
        NetworkInterface nic = NetworkInterface.getByName("veth0");
        if (nic == null) {
            throw new IOException("the client has no veth0");
        }
        ifindex = nic.getIndex();
        mac = nic.getHardwareAddress();
        ownMac = HexFormat.ofDelimiter(":").formatHex(mac);
        fd = PacketCalls.open(ifindex, PacketCalls.ETH_P_ARP);
    }

    /** The start (nanoTime) of the latest cycle sent from sender {@code index} before {@code stamp} (epoch ns), or -1. */
    private synchronized long cycleOf(int index, long stamp) {
        long found = -1;
        for (int k = index; k < cycleCount && cycleEpoch[k] <= stamp; k += ArpSenders.ADDRESSES.size()) {
            found = cycleNanos[k];
        }
        return found;
    }

    private void record(long nanos, long stamp, byte[] f, long length) {
        PacketCalls.Arp arp = PacketCalls.Arp.of(f, length);
        if (arp == null || arp.sha().equals(ownMac)) {
            return;
        }
        String vip;
        try {
            vip = pool.get(InetAddress.getByAddress(arp.spa()));
        } catch (IOException e) {
            return;
        }
        boolean gratuitous = arp.gratuitous();
        boolean reply = arp.op() == PacketCalls.Arp.REPLY;
        if (vip == null || (!reply && !gratuitous)) {
            return;
        }
        int sender = ArpSenders.indexOf(f, PacketCalls.Arp.TPA);
        if (reply && !gratuitous && sender >= 0 && stamp >= 0) {
            long cycle = cycleOf(sender, stamp);
            if (cycle >= 0) {
                nanos = cycle + 1; // exactly the cycle it answers (the judge takes the last cycle before a reply)
            }
        }
        synchronized (this) {
            frames.add(new ArpFrame(nanos, vip, arp.sha(), reply && !gratuitous));
        }
    }

    /** Cycles and frames up to now, forgotten here. */
    synchronized List<Long> takeCycles() {
        List<Long> out = List.copyOf(cycles);
        cycles.clear();
        return out;
    }

    synchronized List<ArpFrame> takeFrames() {
        List<ArpFrame> out = List.copyOf(frames);
        frames.clear();
        return out;
    }

    @Override
    public void close() {
        running = false;
        try {
            if (sender != null) {
                sender.join(2000);
            }
            receiver.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (fd >= 0) {
            libc.close(fd);
        }
    }
}
