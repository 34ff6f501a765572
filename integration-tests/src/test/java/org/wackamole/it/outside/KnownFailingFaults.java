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
 * When an item lands, move its test into the CI subset ({@link FaultSubset}). Here: what both stacks
 * still miss; {@link KnownFailingTcpFaultsTest} adds what only the TCP stack misses.
 */
@Tag("known-failing")
@Timeout(300)
abstract class KnownFailingFaults extends FarmFaults {

    @Test
    @DisplayName("kill -9, host alive: stale address gone ≤ 1 s with the clean-up (2.4)")
    void killStaleGoneWithinOneSecond() throws Exception {
        assertTargets(inflict(new FaultPlan(FaultPlan.Kind.KILL, "h3", 0)));
    }
}
