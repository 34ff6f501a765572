package org.wackamole.hooks;

import java.util.LinkedHashMap;
import java.util.Map;
import org.wackamole.config.VipAddress;

/** The environment variables a hook executable gets for an event. */
public final class HookEnvironment {
    private HookEnvironment() {
    }

    /**
     * {@code WACKAMOLE_EVENT} (acquire, release, state, conflict), {@code WACKAMOLE_CLUSTER},
     * {@code WACKAMOLE_NODE}, {@code WACKAMOLE_TIME} (ISO-8601, UTC); for VIP events
     * {@code WACKAMOLE_VIP} (the group's first address, e.g. 198.51.100.10), {@code WACKAMOLE_PREFIX}
     * (its prefix length), {@code WACKAMOLE_INTERFACE} (its interface), {@code WACKAMOLE_GROUP} (the whole
     * group as in {@code wackamole.vips}, e.g. {@code eth0:198.51.100.10/32+eth1:203.0.113.10/32}); for a
     * state change {@code WACKAMOLE_STATE} and {@code WACKAMOLE_PREVIOUS_STATE} (empty at first).
     */
    public static Map<String, String> of(WackamoleEvent event) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("WACKAMOLE_EVENT", event.kind().word());
        env.put("WACKAMOLE_CLUSTER", nonNull(event.cluster()));
        env.put("WACKAMOLE_NODE", nonNull(event.node()));
        env.put("WACKAMOLE_TIME", event.time().toString());
        if (event.group() != null) {
            VipAddress first = event.group().addresses().get(0);
            env.put("WACKAMOLE_VIP", first.addressText());
            env.put("WACKAMOLE_PREFIX", String.valueOf(first.prefixLength()));
            env.put("WACKAMOLE_INTERFACE", first.interfaceName());
            env.put("WACKAMOLE_GROUP", event.group().toString());
        }
        if (event.kind() == WackamoleEvent.Kind.STATE) {
            env.put("WACKAMOLE_STATE", nonNull(event.state()));
            env.put("WACKAMOLE_PREVIOUS_STATE", nonNull(event.previousState()));
        }
        if (event.kind() == WackamoleEvent.Kind.CONFLICT) {
            env.put("WACKAMOLE_CONFLICT_ADDRESS", nonNull(event.conflictAddress()));
            env.put("WACKAMOLE_CONFLICT_MAC", nonNull(event.conflictMac()));
            env.put("WACKAMOLE_FORMER_MEMBER", nonNull(event.formerMember()));
        }
        return env;
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
