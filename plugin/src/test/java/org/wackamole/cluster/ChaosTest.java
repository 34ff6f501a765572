package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wackamole.testing.TestSeeds;

/**
 * Random faults on a six-member farm: kill -9 with the host alive and host death (the coordinator
 * among the victims), graceful leaves,
 * restarts, drains and resumes, partitions and heals. The fault sequence comes from a fixed seed in
 * CI, a fresh one with {@code -Dwackamole.explore=true}, and is replayed with
 * {@code -Dwackamole.chaos.seed=N} (the timing of JGroups' threads is not seeded); every ten faults the farm must settle, and at the end the
 * whole recording must be free of invariant violations.
 */
class ChaosTest {
    private static final Logger LOG = LoggerFactory.getLogger(ChaosTest.class);

    @Test
    @Timeout(300)
    void randomFaults() throws Exception {
        long seed = TestSeeds.seed("wackamole.chaos.seed", 20261125L);
        int faults = Integer.getInteger("wackamole.chaos.faults", 200);
        Random random = new Random(seed);
        List<String> names = List.of("n0", "n1", "n2", "n3", "n4", "n5");
        int done = 0;
        try (InJvmFarm farm = new InJvmFarm(16)) {
            for (int i = 0; i < names.size(); i++) {
                start(farm, names.get(i));
            }
            farm.awaitSettled(Duration.ofSeconds(20));
            boolean partitioned = false;
            List<String> drained = new ArrayList<>();
            while (done < faults) {
                List<String> live = farm.live().stream().map(n -> n.name).toList();
                List<String> down = names.stream().filter(n -> !live.contains(n)).toList();
                int kind = random.nextInt(8);
                String fault;
                if (kind <= 1 && live.size() > 3) {
                    String victim;
                    if (kind == 0) {
                        victim = live.get(random.nextInt(live.size()));
                    } else {
                        String coordinator = farm.nodes.get(live.get(0)).member.status().coordinator();
                        victim = live.contains(coordinator) ? coordinator : live.get(0);
                    }
                    // kill -9 (host alive, addresses stay until the 1 s clean-up) or host death.
                    boolean hostDies = random.nextBoolean();
                    if (hostDies) {
                        farm.killHost(victim);
                    } else {
                        farm.kill(victim);
                    }
                    drained.remove(victim);
                    fault = (hostDies ? "host death of " : "kill ") + (kind == 1 ? "coordinator " : "") + victim;
                } else if (kind == 2 && live.size() > 3) {
                    String victim = live.get(random.nextInt(live.size()));
                    farm.leave(victim);
                    drained.remove(victim);
                    fault = "leave " + victim;
                } else if (kind <= 3 && !down.isEmpty()) {
                    String back = down.get(random.nextInt(down.size()));
                    if (partitioned) {
                        farm.heal();
                        partitioned = false;
                    }
                    start(farm, back);
                    fault = "restart " + back;
                } else if (kind == 4 && drained.isEmpty()) {
                    String victim = live.get(random.nextInt(live.size()));
                    farm.nodes.get(victim).member.drain();
                    drained.add(victim);
                    fault = "drain " + victim;
                } else if (kind == 5 && !drained.isEmpty()) {
                    String back = drained.remove(0);
                    farm.nodes.get(back).member.resume();
                    fault = "resume " + back;
                } else if (kind == 6 && !partitioned && live.size() >= 2) {
                    List<String> shuffled = new ArrayList<>(live);
                    Collections.shuffle(shuffled, random);
                    int cut = 1 + random.nextInt(shuffled.size() - 1);
                    farm.partition(List.of(shuffled.subList(0, cut), shuffled.subList(cut, shuffled.size())));
                    partitioned = true;
                    fault = "partition " + shuffled.subList(0, cut) + " | " + shuffled.subList(cut, shuffled.size());
                } else if (partitioned) {
                    farm.heal();
                    partitioned = false;
                    fault = "heal";
                } else {
                    continue;
                }
                done++;
                LOG.info("chaos fault {}: {}", done, fault);
                Thread.sleep(random.nextInt(250));
                if (done % 10 == 0) {
                    if (partitioned) {
                        farm.heal();
                        partitioned = false;
                    }
                    farm.awaitSettled(Duration.ofSeconds(30));
                }
            }
            farm.heal();
            farm.awaitSettled(Duration.ofSeconds(30));
            // Faults here come 0-250 ms apart, often several within one detection period (a heal, a join
            // and a coordinator crash inside two seconds): then JGroups itself needs seconds to agree on a
            // view again (7.4 s seen once in 20 runs), and no round can complete before it does. Single
            // faults are held to 2 s by ClusterScenariosTest; here the bound is JGroups' convergence.
            InvariantChecker.Report report = InvariantChecker.check(farm.log.events(),
                    new InvariantChecker.Bounds(10_000, 10_000, ClusterScenariosTest.STALE_AFTER_KILL_MS), System.nanoTime());
            LOG.info("seed {}: {}", seed, report.figures());
            if (!report.violations().isEmpty()) {
                farm.log.events().forEach(e -> LOG.info("log {}", e));
            }
            assertThat(report.violations()).as("seed %d", seed).isEmpty();
        }
        assertThat(done).isGreaterThanOrEqualTo(faults);
    }

    private static void start(InJvmFarm farm, String name) throws Exception {
        int index = Integer.parseInt(name.substring(1));
        if (index < 3) {
            farm.start(name, "wackamole.prefer", farm.pool.get(index));
        } else {
            farm.start(name);
        }
    }
}
