package org.wackamole.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** Entries of {@code wackamole.notify}: one IPv4 host, or a range {@code a.b.c.d/len} of at most 4,096 hosts. */
final class NotifyTargets {
    static final int MAX_HOSTS = 4096;

    private NotifyTargets() {
    }

    static List<InetAddress> parse(String key, String text) {
        String host = text;
        int prefix = 32;
        int slash = text.indexOf('/');
        if (slash >= 0) {
            host = text.substring(0, slash);
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new ConfigException(key, text, "prefix is not a number");
            }
            if (prefix < 20 || prefix > 32) {
                throw new ConfigException(key, text, "ranges must be /20 to /32 (at most " + MAX_HOSTS + " hosts)");
            }
        }
        InetAddress address = IpLiterals.parse(host);
        if (!(address instanceof Inet4Address)) {
            throw new ConfigException(key, text, "not an IPv4 address (ARP notification is IPv4 only)");
        }
        byte[] b = address.getAddress();
        int base = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        int size = 1 << (32 - prefix);
        base &= size == 1 ? -1 : ~(size - 1);
        List<InetAddress> hosts = new ArrayList<>();
        // For a real range, skip the network and broadcast addresses.
        int first = size > 2 ? 1 : 0;
        int last = size > 2 ? size - 2 : size - 1;
        for (int i = first; i <= last; i++) {
            int v = base + i;
            try {
                hosts.add(InetAddress.getByAddress(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v}));
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
        }
        return hosts;
    }
}
