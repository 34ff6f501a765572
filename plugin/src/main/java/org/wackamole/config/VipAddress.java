package org.wackamole.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/** One address of a VIP group: where it lives, what it is, and its prefix length. */
public record VipAddress(String interfaceName, InetAddress address, int prefixLength) {

    public VipAddress {
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(address, "address");
        int max = maxPrefix(address);
        if (prefixLength < 1 || prefixLength > max) {
            throw new IllegalArgumentException("prefix /" + prefixLength + " out of range 1.." + max);
        }
    }

    static int maxPrefix(InetAddress address) {
        return address instanceof Inet4Address ? 32 : 128;
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /** The canonical address text, which is also a group's identity when this is its first address. */
    public String addressText() {
        return IpLiterals.format(address);
    }

    @Override
    public String toString() {
        String text = addressText();
        return interfaceName + ":" + (isIpv4() ? text : "[" + text + "]") + "/" + prefixLength;
    }
}
