package org.wackamole.it.outside;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link KnownFailingFaults} on the TCP stack: what the UDP stack's CI subset ({@link UdpFaultSubsetTest})
 * survives that this stack does not yet (issue 9, 2.2): 20 % loss on one host. Root only; not run by CI.
 */
class KnownFailingTcpFaultsTest extends KnownFailingFaults {
    @Override
    String stack() {
        return "wackamole-tcp.xml";
    }

    @Test
    @DisplayName("20 % loss on one host for 4 s: never two holders (the soak: about 2 in 5 runs pass; the larger side takes an excluded "
            + "member's VIPs when it excludes it, before that member, alone or told by MERGE3's INFO, lets go; 0.2-2 s double held)")
    void loss() throws Exception {
        assertTargets(inflict(new FaultPlan(FaultPlan.Kind.LOSS, "h2", 4000)));
    }
}
