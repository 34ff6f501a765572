package org.wackamole.it.outside;

import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** CI's fault subset on the UDP stack: host death, kill -9 with the clean-up, restart storms. Root only. */
class UdpFaultSubsetTest extends FaultSubset {
    @Override
    String stack() {
        return "wackamole-udp.xml";
    }

    static Stream<FaultPlan> plans() {
        return plans(Set.of(FaultPlan.Kind.HOST_DEATH, FaultPlan.Kind.KILL, FaultPlan.Kind.RESTART_STORM), 4);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plans")
    void survives(FaultPlan plan) throws Exception {
        check(plan);
    }
}
