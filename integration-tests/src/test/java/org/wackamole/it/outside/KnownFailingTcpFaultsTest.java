package org.wackamole.it.outside;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link KnownFailingFaults} on the TCP stack, and the faults the UDP stack's CI subset
 * ({@link UdpFaultSubsetTest}) survives that this stack does not yet (issue 9, 2.2): the coordinator's host
 * death (9 of 10) and 20 % loss on one host. Root only; not run by CI.
 */
class KnownFailingTcpFaultsTest extends KnownFailingFaults {
    @Override
    String stack() {
        return "wackamole-tcp.xml";
    }

    @Test
    @DisplayName("host death of the coordinator: one holder among the survivors (2.2; 9 of 10 by hand: two survivors that "
            + "both stall for FD_ALL3's 250 ms + VERIFY_SUSPECT's 100 ms under load still split)")
    void coordinatorHostDeath() throws Exception {
        assertTargets(inflict(new FaultPlan(FaultPlan.Kind.HOST_DEATH, "h1", 1000)));
    }

    @Test
    @DisplayName("20 % loss on one host for 4 s: never two holders (2.1: an excluded member drops its VIPs)")
    void loss() throws Exception {
        assertTargets(inflict(new FaultPlan(FaultPlan.Kind.LOSS, "h2", 4000)));
    }
}
