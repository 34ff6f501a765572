package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kill -9 and an immediate restart (an operator's quick start after a crash, or a unit with
 * {@code RestartSec=0}): the unit's clean-up takes about 10 ms, so the next process of the same
 * node name can start before its peers have installed the view without the killed one. Judged
 * from the hosts' addresses by {@link InvariantChecker}: never two holders of a group beyond the
 * killed process's stale address, which the clean-up removes.
 */
class FastRestartTest {
    private static final Logger LOG = LoggerFactory.getLogger(FastRestartTest.class);
    private static final Duration SETTLE = Duration.ofSeconds(15);

    @Test
    void aKilledMemberRestartedAtOnceNeverDoubleHolds() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(6)) {
            farm.cleanupAfterKill = Duration.ofMillis(10); // the unit's ip -batch clean-up
            for (int i = 0; i < 3; i++) {
                String n = List.of("a", "b", "c").get(i);
                // each prefers one group: its restart moves that group back to it, a planned move
                farm.start(n, "wackamole.prefer", farm.pool.get(2 * i));
            }
            farm.awaitSettled(SETTLE);
            for (String victim : List.of("b", "a", "c", "b", "a", "c")) { // a is the first coordinator
                farm.kill(victim);
                farm.start(victim, "wackamole.prefer", farm.pool.get(2 * List.of("a", "b", "c").indexOf(victim)));
                farm.awaitSettled(SETTLE);
                LOG.info("after kill + restart of {}: {}", victim, farm.holdings());
            }
            InvariantChecker.Report report = ClusterScenariosTest.assertNoViolations(farm, 2000);
            assertThat(report.longestStaleAfterKillMillis()).isLessThanOrEqualTo(ClusterScenariosTest.STALE_AFTER_KILL_MS);
        }
    }
}
