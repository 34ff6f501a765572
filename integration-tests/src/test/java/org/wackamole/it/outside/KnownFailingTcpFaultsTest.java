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
    @DisplayName("20 % loss on one host for 4 s: never two holders (2 of 9 by hand at loads of 10-34: the larger side takes the "
            + "lossy host's VIPs when it excludes it, and the lossy host lets go only once it finds itself alone; 0.4-6.4 s double held)")
    void loss() throws Exception {
        assertTargets(inflict(new FaultPlan(FaultPlan.Kind.LOSS, "h2", 4000)));
    }
}
