package org.wackamole.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.wackamole.config.PartitionPolicy;
import org.wackamole.config.VipAddress;
import org.wackamole.config.VipGroup;
import org.wackamole.config.WackamoleConfig;

/**
 * The settings every member of a farm must share, summarised for its state message: the pool (its
 * groups and addresses in order, without interface names), the partition policy and quorum, and the
 * balance settings. Members whose digests differ would allocate different pools or under different
 * rules, so {@link ConfigAgreement} lets only one digest hold VIPs. The interface names of the pool
 * are summarised too, but only reported: hosts may name their NICs differently (the original
 * Wackamole allowed it), and where an address goes on a host is that host's business.
 *
 * @param digest  over every entry but {@link #INTERFACES}
 * @param entries {@code key=value}, in a fixed order
 */
record ConfigDigest(int digest, List<String> entries) {
    static final String VIPS = "vips";
    static final String INTERFACES = "interfaces";
    /** Entries that are reported when they differ but never make a member refuse. */
    static final Set<String> REPORTED_ONLY = Set.of(INTERFACES);

    ConfigDigest {
        entries = List.copyOf(entries);
    }

    static ConfigDigest of(WackamoleConfig config) {
        StringBuilder pool = new StringBuilder();
        Set<String> interfaces = new LinkedHashSet<>();
        for (VipGroup g : config.groups()) {
            for (VipAddress a : g.addresses()) {
                pool.append(a.addressText()).append('/').append(a.prefixLength()).append('+');
                interfaces.add(a.interfaceName());
            }
            pool.append(',');
        }
        List<String> entries = new ArrayList<>();
        entries.add(VIPS + "=" + config.groups().size() + " groups #" + sha256Prefix(pool.toString()));
        entries.add("partition=" + config.partitionPolicy().name().toLowerCase(java.util.Locale.ROOT));
        entries.add("quorum=" + (config.partitionPolicy() == PartitionPolicy.QUORUM ? config.quorum() : 0));
        entries.add("balance.perRound=" + (config.balancePerRound() == WackamoleConfig.ALL ? "all" : config.balancePerRound()));
        entries.add("balance.interval=" + config.balanceInterval().toMillis() + "ms");
        entries.add(INTERFACES + "=" + String.join(",", interfaces));
        return new ConfigDigest(digestOf(entries), entries);
    }

    /** The digest of a summary as a peer sent it (the strict entries only). */
    static int digestOf(List<String> entries) {
        StringBuilder sb = new StringBuilder();
        for (String e : entries) {
            if (!REPORTED_ONLY.contains(key(e))) {
                sb.append(e).append('\n');
            }
        }
        return sb.toString().hashCode();
    }

    static String key(String entry) {
        int eq = entry.indexOf('=');
        return eq < 0 ? entry : entry.substring(0, eq);
    }

    static Map<String, String> asMap(List<String> entries) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String e : entries) {
            int eq = e.indexOf('=');
            m.put(key(e), eq < 0 ? "" : e.substring(eq + 1));
        }
        return m;
    }

    private static String sha256Prefix(String text) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
