package org.wackamole.it;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's extra addresses that its ARP requests are sent from, one per request (or cycle) in
 * turn: a host's reply is addressed to the sender of the request it answers, so the reply's target
 * address names that request, however late it is sent or read. 198.51.100.150-249: no host, VIP
 * or other test uses them.
 */
public final class ArpSenders {
    public static final List<Inet4Address> ADDRESSES;

    static {
        List<Inet4Address> s = new ArrayList<>();
        try {
            for (int i = 150; i < 250; i++) {
                s.add((Inet4Address) InetAddress.getByName("198.51.100." + i));
            }
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
        ADDRESSES = List.copyOf(s);
    }

    private ArpSenders() {
    }

    /** Index of {@code address} in {@link #ADDRESSES}, or -1 (target address bytes of an ARP reply). */
    public static int indexOf(byte[] frame, int offset) {
        if ((frame[offset] & 0xFF) != 198 || (frame[offset + 1] & 0xFF) != 51 || (frame[offset + 2] & 0xFF) != 100) {
            return -1;
        }
        int last = frame[offset + 3] & 0xFF;
        return last >= 150 && last < 250 ? last - 150 : -1;
    }

    /** Puts the addresses on the client's veth0 (/32 each: no route changes); again is harmless. */
    public static void addTo(JettyFarm farm) throws IOException {
        StringBuilder batch = new StringBuilder();
        for (Inet4Address a : ADDRESSES) {
            batch.append("address replace ").append(a.getHostAddress()).append("/32 dev veth0\n");
        }
        Path file = Files.createTempFile("arp-senders", ".batch");
        try {
            Files.writeString(file, batch);
            farm.network().exec("c", "ip", "-batch", file.toString());
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
