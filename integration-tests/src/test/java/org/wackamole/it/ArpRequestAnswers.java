package org.wackamole.it;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.wackamole.network.linux.LibC;

/**
 * Who answers each ARP request for one address, exactly, from a client's namespace. Every request
 * has a sender address of its own, cycled through a block of addresses the client has and no host
 * uses ({@link ArpSenders}): a host's reply is addressed to the sender of the request it answers, so
 * its target address names that request, whenever the reply is sent, read or scheduled. A reply
 * goes to the latest request with that sender sent before the kernel received the reply (the
 * receive time is the kernel's, {@code SIOCGSTAMPNS}, not the reader thread's); a sender is used
 * again only {@code ArpSenders.ADDRESSES.size()} requests later (200 ms at one request every 2 ms), and a reply
 * later than half that is counted as ambiguous instead of being guessed. The socket's own drop
 * count is read, so a verdict says whether it saw every reply.
 *
 * <p>Gratuitous ARPs for the VIP are noted too (the first naming each MAC): when the client was
 * pointed at a host, the moment a hand-over switches the traffic.
 *
 * <p>Unlike an RFC 5227 probe (sender 0.0.0.0, what {@code ArpResponders} asks), these requests
 * teach each answering host the client's MAC for the sender address, which is the client's own:
 * nothing false is learnt. Open it on a thread in the client's namespace; ask from any thread.
 */
final class ArpRequestAnswers implements AutoCloseable {
    /** One reply: the request's sender index, the answering MAC, the kernel's receive time (epoch ns). */
    private record Reply(int sender, String mac, long stamp) {
    }

    /**
     * What the requests got.
     *
     * @param requests       requests sent
     * @param maxPerRequest  the most distinct MACs that answered one request
     * @param doubles        each request answered by more than one MAC: its send time (epoch ms) and the MACs
     * @param macs           every MAC that answered
     * @param maxDelayMicros the longest time from a request to a reply attributed to it
     * @param ambiguous      replies later than half the reuse interval of their sender: not attributed
     * @param unattributed   replies whose target names no request sent before them
     * @param drops          frames the socket dropped (its buffer overflowed): then replies may be missing
     * @param stampless      replies read without a kernel time (the reader's time was used)
     */
    record Verdict(int requests, int replies, int maxPerRequest, List<String> doubles, Set<String> macs, long maxDelayMicros,
                   int ambiguous, int unattributed, long drops, int stampless) {
        /** Whether every reply was seen and attributed to its request. */
        boolean exact() {
            return ambiguous == 0 && unattributed == 0 && drops == 0 && stampless == 0;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d requests, %d replies, max %d MACs per request%s, slowest reply %d µs, "
                            + "ambiguous %d, unattributed %d, dropped %d, without kernel time %d",
                    requests, replies, maxPerRequest, doubles.isEmpty() ? "" : " " + doubles, maxDelayMicros, ambiguous,
                    unattributed, drops, stampless);
        }
    }

    private final LibC libc = LibC.get();
    private final int fd;
    private final int ifindex;
    private final byte[] mac;
    private final String ownMac;
    private final byte[] vip;
    private final List<byte[]> senders = new ArrayList<>();
    /** Send time (epoch ns) of request k; its sender is ArpSenders.ADDRESSES[k mod size]. */
    private final List<Long> sent = new ArrayList<>();
    private final List<Reply> replies = new ArrayList<>();
    /** The first gratuitous ARP naming each MAC for the VIP: kernel receive time, epoch ns. */
    private final Map<String, Long> pointed = new HashMap<>();
    private final Thread reader;
    private volatile boolean running = true;
    private int stampless;

    ArpRequestAnswers(String interfaceName, Inet4Address vip) throws IOException {
        NetworkInterface nic = NetworkInterface.getByName(interfaceName);
        if (nic == null) {
            throw new IOException("no interface " + interfaceName + " here");
        }
        this.ifindex = nic.getIndex();
        this.mac = nic.getHardwareAddress();
        this.ownMac = HexFormat.ofDelimiter(":").formatHex(mac);
        this.vip = vip.getAddress();
        for (Inet4Address a : ArpSenders.ADDRESSES) {
            senders.add(a.getAddress());
        }
        fd = PacketCalls.open(ifindex, PacketCalls.ETH_P_ARP);
        reader = new Thread(this::read, "arp-answers");
        reader.setDaemon(true);
        reader.start();
    }

    /** Sends the next request: "who has the VIP? tell (the next sender address)". */
    void ask() {
        byte[] frame;
        synchronized (this) {
            int k = sent.size();
            frame = PacketCalls.Arp.request(mac, senders.get(k % senders.size()), vip);
            sent.add(PacketCalls.now());
        }
        byte[] ll = PacketCalls.linkLayer(ifindex, PacketCalls.ETH_P_ARP);
        libc.sendto(fd, frame, frame.length, 0, ll, ll.length);
    }

    private void read() {
        byte[] buf = new byte[1600];
        while (running) {
            long n = libc.recv(fd, buf, buf.length, 0);
            PacketCalls.Arp arp = PacketCalls.Arp.of(buf, n);
            if (arp == null) {
                continue;
            }
            long stamp = PacketCalls.stamp(fd);
            String sha = arp.sha();
            if (sha.equals(ownMac) || !java.util.Arrays.equals(arp.spa(), vip)) {
                continue;
            }
            if (arp.op() == PacketCalls.Arp.REQUEST && arp.gratuitous()) {
                // A gratuitous ARP: who the VIP's neighbours are pointed at from now on (by whichever host sent it).
                synchronized (this) {
                    pointed.putIfAbsent(sha, stamp < 0 ? PacketCalls.now() : stamp);
                }
                continue;
            }
            if (arp.op() != PacketCalls.Arp.REPLY) {
                continue;
            }
            int sender = ArpSenders.indexOf(buf, PacketCalls.Arp.TPA);
            if (sender < 0) {
                continue; // a reply to someone else's request (a host's probe, the client's kernel)
            }
            synchronized (this) {
                if (stamp < 0) {
                    stampless++;
                    stamp = PacketCalls.now();
                }
                replies.add(new Reply(sender, sha, stamp));
            }
        }
    }

    /**
     * When the client first received a gratuitous ARP that names {@code mac} for the VIP, at or
     * after {@code fromEpochNanos} (epoch ns), or -1: from then on its neighbours send the VIP's
     * traffic to that host. Only the first per MAC is kept, so a later one is not seen.
     */
    synchronized long pointedAt(String mac, long fromEpochNanos) {
        Long t = pointed.get(mac.toLowerCase(Locale.ROOT));
        return t != null && t >= fromEpochNanos ? t : -1;
    }

    /** Requests sent so far. */
    synchronized int requests() {
        return sent.size();
    }

    /** The verdict on every request and reply so far. */
    synchronized Verdict verdict() {
        int n = senders.size();
        Map<Integer, Set<String>> byRequest = new TreeMap<>();
        Set<String> macs = new TreeSet<>();
        long maxDelay = 0;
        int ambiguous = 0;
        int unattributed = 0;
        for (Reply r : replies) {
            macs.add(r.mac());
            int k = -1;
            for (int j = r.sender(); j < sent.size() && sent.get(j) <= r.stamp(); j += n) {
                k = j;
            }
            if (k < 0) {
                unattributed++;
                continue;
            }
            long delay = r.stamp() - sent.get(k);
            if (k >= n && delay > (sent.get(k) - sent.get(k - n)) / 2) {
                ambiguous++; // as likely a very late answer to the same sender's request before
                continue;
            }
            maxDelay = Math.max(maxDelay, delay);
            byRequest.computeIfAbsent(k, x -> new TreeSet<>()).add(r.mac());
        }
        int max = 0;
        List<String> doubles = new ArrayList<>();
        for (Map.Entry<Integer, Set<String>> e : byRequest.entrySet()) {
            max = Math.max(max, e.getValue().size());
            if (e.getValue().size() > 1) {
                doubles.add("request " + e.getKey() + " at " + sent.get(e.getKey()) / 1_000_000 + " ms answered by " + e.getValue());
            }
        }
        long drops = PacketCalls.drops(fd);
        return new Verdict(sent.size(), replies.size(), max, doubles, macs, maxDelay / 1000, ambiguous, unattributed,
                drops, stampless);
    }

    @Override
    public void close() {
        running = false;
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        libc.close(fd);
    }
}
