package org.wackamole.it.outside;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.wackamole.it.JettyFarm;
import org.wackamole.it.outside.FaultInjector.Outcome;

/**
 * The deterministic subset of the fault soak that CI runs: a fixed-seed sequence restricted to the
 * faults today's product survives with every target met, each judged from outside. The rest of the
 * classes are in {@link KnownFailingFaults} until the issue 9 items that fix them land; the full
 * random sequence is {@link Soak}.
 *
 * <p>Both stacks' subsets run in CI ({@link UdpFaultSubsetTest}, {@link TcpFaultSubsetTest}).
 * The seeded part keeps away from h1, the first member started and so JGroups' coordinator (its
 * host's death split the survivors on the TCP stack); the UDP subset adds that death explicitly.
 */
@Timeout(300)
abstract class FaultSubset extends FarmFaults {
    static final long SEED = 9;

    /** The first {@code count} faults of the seeded sequence whose class is in {@code kinds}, on any host but h1. */
    static Stream<FaultPlan> plans(Set<FaultPlan.Kind> kinds, int count) {
        return FaultPlan.sequence(SEED, 200).stream().filter(p -> kinds.contains(p.kind()) && !p.host().equals("h1")).limit(count);
    }

    void check(FaultPlan plan) throws Exception {
        Outcome o = inflict(plan);
        if (plan.kind() == FaultPlan.Kind.KILL) {
            // The clean-up command, exactly as the unit runs it (ip -batch, no JVM), removes the
            // stale address, the double holding ends with it, and both within the 1 s target.
            assertTargets(o);
            // Within one sample of the clean-up's end: the watcher's resolution is what it measured.
            double resolution = o.recording().sampleGap().get(plan.host()) / 1e6 + Observers.ADDRESS_PERIOD_MILLIS;
            assertThat(o.figures().get("staleGone")).as("stale address gone by the clean-up's end: %s", o)
                    .isLessThanOrEqualTo(o.figures().get("cleanupRun") + resolution);
            assertThat(o.doubleMillis()).as("double holding bounded by the stale address: %s", o)
                    .isLessThanOrEqualTo(o.figures().get("staleGone") + resolution);
            assertThat(o.figures().get("takeover")).as("its VIP answered by a survivor: %s", o).isNotNaN();
        } else {
            assertTargets(o);
        }
        assertThat(o.verdicts().keySet()).containsExactlyElementsOf(JettyFarm.VIPS);
    }
}
