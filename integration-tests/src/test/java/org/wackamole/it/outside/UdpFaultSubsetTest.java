package org.wackamole.it.outside;

import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** CI's fault subset on the UDP stack: host death, kill -9 with the clean-up, restart storms, a 3 s pause, an address deleted. Root only. */
class UdpFaultSubsetTest extends FaultSubset {
    @Override
    String stack() {
        return "wackamole-udp.xml";
    }

    static Stream<FaultPlan> plans() {
        return Stream.concat(plans(Set.of(FaultPlan.Kind.HOST_DEATH, FaultPlan.Kind.KILL, FaultPlan.Kind.RESTART_STORM), 4),
                Stream.of(new FaultPlan(FaultPlan.Kind.PAUSE, "h2", 3000), new FaultPlan(FaultPlan.Kind.ADDRESS_DELETED, "h2", 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plans")
    void survives(FaultPlan plan) throws Exception {
        check(plan);
    }
}
