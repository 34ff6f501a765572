package org.wackamole.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import org.wackamole.security.TestKeys;

/**
 * The settings of a member that touches no network: the in-memory network, the loopback-only JGroups
 * stack, no maturing wait and the test run's farm key. Tests of the runtime, hooks, metrics and the
 * Jetty component start such members by the dozen; what differs between them is only the cluster,
 * the node and the pool, so the rest lives here once.
 */
public final class DryRunSettings {
    private DryRunSettings() {
    }

    /** A mutable map, so that a test can add or override settings before applying it. */
    public static Map<String, String> of(String cluster, String node, String vips) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("wackamole.cluster", cluster);
        s.put("wackamole.node", node);
        s.put("wackamole.interface", "eth0");
        s.put("wackamole.vips", vips);
        s.put("wackamole.mature", "0s");
        s.put("wackamole.network", "memory");
        s.put("wackamole.jgroups.config", "wackamole-loopback.xml");
        s.putAll(TestKeys.farm()); // security is on by default: a farm key per test run
        return s;
    }

    /** {@link #of} with extra {@code key, value} pairs applied last. */
    public static Map<String, String> of(String cluster, String node, String vips, String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("key without value: " + keyValues[keyValues.length - 1]);
        }
        Map<String, String> s = of(cluster, node, vips);
        for (int i = 0; i < keyValues.length; i += 2) {
            s.put(keyValues[i], keyValues[i + 1]);
        }
        return s;
    }
}
