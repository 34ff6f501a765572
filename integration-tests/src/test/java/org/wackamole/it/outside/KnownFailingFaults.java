package org.wackamole.it.outside;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * Faults today's product fails, each checked against its issue 9 target, so that the fix is
 * proven by this test turning green. Tagged {@code known-failing}, which CI excludes (the pom's
 * {@code excludedGroups}); run them with
 * {@code mvn -B verify -pl integration-tests -am -Dtest='KnownFailing*' -Dsurefire.failIfNoSpecifiedTests=false -DexcludedGroups=none}.
 * When an item lands, move its test into the CI subset ({@link FaultSubset}). The kill -9 clean-up's
 * ≤ 1 s (2.4) went there once the unit's clean-up stopped starting a JVM, the coordinator's host death
 * on UDP (2.2) once a suspicion ended with any sign of life ({@code VerifySuspect}); no fault is left
 * that both stacks miss, and {@link KnownFailingTcpFaultsTest} holds what only the TCP stack misses.
 */
@Tag("known-failing")
@Timeout(300)
abstract class KnownFailingFaults extends FarmFaults {
}
