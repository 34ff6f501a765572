package org.wackamole.it.outside;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults today's product fails, each checked against its issue 9 target, so that the fix is
 * proven by this test turning green. Tagged {@code known-failing}, which CI excludes (the pom's
 * {@code excludedGroups}); run them with
 * {@code mvn -B verify -pl plugin,sample-webapp,integration-tests -Dtest='KnownFailing*' -Dsurefire.failIfNoSpecifiedTests=false -DexcludedGroups=none}.
 * When an item lands, move its test into the CI subset ({@link FaultSubset}; the kill -9 clean-up's
 * ≤ 1 s (2.4) went there once the unit's clean-up stopped starting a JVM). Here: what both stacks
 * still miss; {@link KnownFailingTcpFaultsTest} adds what only the TCP stack misses.
 */
@Tag("known-failing")
@Timeout(300)
abstract class KnownFailingFaults extends FarmFaults {

    @Test
    @DisplayName("host death of the coordinator: one holder among the survivors (2.2; on UDP: 4 of 5 by hand, then 7.6 s of two views in a loaded full CI run)")
    void coordinatorHostDeath() throws Exception {
        assertTargets(inflict(new FaultPlan(FaultPlan.Kind.HOST_DEATH, "h1", 1000)));
    }
}
