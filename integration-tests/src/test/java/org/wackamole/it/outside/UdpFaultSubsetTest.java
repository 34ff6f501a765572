package org.wackamole.it.outside;

import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CI's fault subset on the UDP stack: host death of the coordinator and of another member, kill -9 with
 * the unit's clean-up (stale address gone ≤ 1 s), restart storms, a 3 s pause, an address deleted, 20 % loss for 4 s, the VIP
 * interface down for 3 s, and deleted and re-created. Root only.
 */
class UdpFaultSubsetTest extends FaultSubset {
    @Override
    String stack() {
        return "wackamole-udp.xml";
    }

    static Stream<FaultPlan> plans() {
        // First, while h1 (started first) is still JGroups' coordinator: its host's death.
        return Stream.concat(Stream.of(new FaultPlan(FaultPlan.Kind.HOST_DEATH, "h1", 1000)), udpPlans());
    }

    private static Stream<FaultPlan> udpPlans() {
        return Stream.concat(plans(Set.of(FaultPlan.Kind.HOST_DEATH, FaultPlan.Kind.KILL, FaultPlan.Kind.RESTART_STORM), 4),
                Stream.of(new FaultPlan(FaultPlan.Kind.PAUSE, "h2", 3000), new FaultPlan(FaultPlan.Kind.ADDRESS_DELETED, "h2", 0),
                        // Each passed 3 of 3 by hand on a shared, loaded machine before joining CI.
                        new FaultPlan(FaultPlan.Kind.LOSS, "h2", 4000),
                        new FaultPlan(FaultPlan.Kind.INTERFACE_DOWN, "h2", 3000), new FaultPlan(FaultPlan.Kind.INTERFACE_RECREATED, "h3", 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plans")
    void survives(FaultPlan plan) throws Exception {
        check(plan);
    }
}
