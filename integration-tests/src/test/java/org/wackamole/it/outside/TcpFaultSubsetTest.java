package org.wackamole.it.outside;

import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CI's fault subset on the TCP stack: kill -9 with the clean-up, restart storms. Its host death is
 * in {@link KnownFailingTcpFaultsTest} (issue 9, item 2.2). Root only.
 */
class TcpFaultSubsetTest extends FaultSubset {
    @Override
    String stack() {
        return "wackamole-tcp.xml";
    }

    static Stream<FaultPlan> plans() {
        return plans(Set.of(FaultPlan.Kind.KILL, FaultPlan.Kind.RESTART_STORM), 2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plans")
    void survives(FaultPlan plan) throws Exception {
        check(plan);
    }
}
