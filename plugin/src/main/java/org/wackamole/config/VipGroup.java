package org.wackamole.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Addresses that always move together. The first address names the group: that identity is what
 * {@code wackamole.prefer}, the allocation and JMX speak of.
 */
public record VipGroup(List<VipAddress> addresses) {

    public VipGroup {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("a VIP group needs at least one address");
        }
    }

    public String identity() {
        return addresses.get(0).addressText();
    }

    @Override
    public String toString() {
        return addresses.stream().map(VipAddress::toString).collect(Collectors.joining("+"));
    }
}
