package org.wackamole.it.outside;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A host cut off from its peers while the client still reaches it: a partition of one host from the
 * other two (the bridge forwards nothing between them; the client is on the bridge) and a link
 * that flaps. What may happen depends on {@code wackamole.partition}, which the subclass sets; the
 * bounds are in {@link Targets}. Root only.
 */
@Timeout(300)
abstract class PartitionFaults extends FarmFaults {

    @Test
    @DisplayName("partition of one host for 3 s, then healed")
    void partitionHeal() throws Exception {
        assertTargets(inflict(new FaultPlan(FaultPlan.Kind.PARTITION, "h3", 3000)));
    }

    @Test
    @DisplayName("link flap ×4 (300 ms down, 300 ms up)")
    void linkFlap() throws Exception {
        assertTargets(inflict(new FaultPlan(FaultPlan.Kind.LINK_FLAP, "h2", 4)));
    }
}
