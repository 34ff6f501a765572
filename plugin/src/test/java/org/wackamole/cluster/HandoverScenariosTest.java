package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wackamole.network.HandoverMode;
import org.wackamole.network.NetworkLog;
import org.wackamole.network.NetworkLog.Kind;

/**
 * Planned moves on real JGroups in one JVM, judged from the hosts' recorded addresses: with hosts
 * set up for it a moved group is answered at every instant (held by a live host, or prepared on the
 * live host its former holder pointed neighbours at) and only ever held by one host; without, the
 * move releases before it acquires, as before; and a new owner that dies in the middle of a
 * hand-over leaves nothing stuck.
 */
@Timeout(120)
class HandoverScenariosTest {
    private static final Logger LOG = LoggerFactory.getLogger(HandoverScenariosTest.class);
    private static final Duration SETTLE = Duration.ofSeconds(15);

    private static InvariantChecker.Report assertNoViolations(InJvmFarm farm, long maxGapMillis) {
        InvariantChecker.Report report = InvariantChecker.check(farm.log.events(),
                new InvariantChecker.Bounds(ClusterScenariosTest.MERGE_BOUND_MS, maxGapMillis, ClusterScenariosTest.STALE_AFTER_KILL_MS),
                System.nanoTime());
        if (!report.violations().isEmpty()) {
            farm.log.events().forEach(e -> LOG.info("log {}", e));
        }
        assertThat(report.violations()).as("invariant violations").isEmpty();
        return report;
    }

    @Test
    void gracefulLeaveAndTakeBackHandOverWithoutAGap() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(6)) {
            farm.handsOver = name -> true;
            farm.start("a", "wackamole.prefer", farm.pool.get(0));
            farm.start("b");
            farm.start("c");
            farm.awaitSettled(SETTLE);
            assertThat(farm.nodes.get("a").member.status().handoverMode()).isEqualTo(HandoverMode.MAKE_BEFORE_BREAK);

            int before = farm.log.size();
            farm.leave("a");
            farm.awaitSettled(SETTLE);
            Moves leave = Moves.replay(farm.log.events(), before);
            LOG.info("leave: {}", leave);
            assertThat(leave.handOvers).as("a's groups handed over").hasSize(2).allMatch(h -> h.startsWith("a>"));
            assertThat(leave.unansweredMillis).as("time a moved group answered nobody").isEmpty();

            before = farm.log.size();
            farm.start("a", "wackamole.prefer", farm.pool.get(0)); // the next process on a's host
            farm.awaitSettled(SETTLE);
            assertThat(farm.nodes.get("a").network.held()).contains(farm.pool.get(0));
            Moves takeBack = Moves.replay(farm.log.events(), before);
            LOG.info("take-back: {}", takeBack);
            assertThat(takeBack.handOvers).as("moves to a, its preferred group among them").isNotEmpty()
                    .allMatch(h -> h.endsWith(">a"));
            assertThat(takeBack.unansweredMillis).isEmpty();
            assertNoViolations(farm, 500);
        }
    }

    /**
     * An operator's move to a named member (wackatrl move VIP NODE): the target takes the group, the
     * holder, which prefers it, lets it go; it lands on the target (not on the third member), as a
     * hand-over without a gap, and stays there until the operator lifts both.
     */
    @Test
    void anOperatorsMoveToANamedMemberHandsOverWithoutAGap() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(6)) {
            farm.handsOver = name -> true;
            String g = farm.pool.get(0);
            farm.start("a", "wackamole.prefer", g);
            farm.start("b");
            farm.start("c");
            farm.awaitSettled(SETTLE);
            assertThat(farm.nodes.get("a").network.held()).contains(g);

            int before = farm.log.size();
            farm.nodes.get("c").member.take(g);
            farm.nodes.get("a").member.moveAway(g); // a preferring holder is never displaced otherwise
            // awaitSettled would expect g on a, its configured preference: wait for the farm's own balance instead
            org.awaitility.Awaitility.await().atMost(SETTLE).until(() -> farm.nodes.get("c").network.held().contains(g)
                    && farm.nodes.values().stream().allMatch(n -> n.network.held().size() == 2));
            Moves move = Moves.replay(farm.log.events(), before);
            LOG.info("operator's move: {}", move);
            assertThat(move.handOvers).as("the moved group went from a to c, handed over").contains("a>c");
            assertThat(move.unansweredMillis).as("time a moved group answered nobody").isEmpty();
            assertThat(farm.nodes.get("c").member.preferredNow()).contains(g);

            farm.nodes.get("c").member.takeBack();
            farm.nodes.get("a").member.takeBack();
            org.awaitility.Awaitility.await().atMost(SETTLE).until(() -> farm.nodes.get("a").network.held().contains(g));
            assertThat(farm.nodes.get("c").member.preferredNow()).doesNotContain(g);
            assertNoViolations(farm, 500);
        }
    }

    @Test
    void hostsNotSetUpReleaseBeforeAcquiring() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(4)) {
            farm.handsOver = name -> !name.equals("b"); // one host without the sysctls is enough
            farm.start("a");
            farm.start("b");
            farm.awaitSettled(SETTLE);
            assertThat(farm.nodes.get("b").member.status().handoverMode()).isEqualTo(HandoverMode.RELEASE_BEFORE_ACQUIRE);
            assertThat(farm.nodes.get("a").member.status().handoverMode()).isEqualTo(HandoverMode.MAKE_BEFORE_BREAK);
            int before = farm.log.size();
            farm.leave("b");
            farm.awaitSettled(SETTLE);
            Moves leave = Moves.replay(farm.log.events(), before);
            LOG.info("leave without hand-over: {}", leave);
            assertThat(leave.handOvers).isEmpty();
            assertThat(farm.log.events().subList(before, farm.log.size())).noneMatch(e -> e.kind() == Kind.PREPARE);
            // Release before acquire: each of b's two groups answered nobody for a moment.
            assertThat(leave.unansweredMillis).hasSize(2);
            assertNoViolations(farm, 500);
        }
    }

    @Test
    void aNewOwnerDyingMidHandOverLeavesNothingStuck() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(2)) {
            farm.handsOver = name -> true;
            farm.start("a");
            farm.awaitSettled(SETTLE);
            AtomicBoolean armed = new AtomicBoolean(true);
            farm.afterPrepare = (name, group) -> {
                if (name.equals("b") && armed.compareAndSet(true, false)) {
                    // kill -9 right after the prepare: its PREPARED never goes out, its host keeps the copy on lo.
                    InJvmFarm.Node b = farm.nodes.get("b");
                    b.discard.discardAll(true);
                    b.network.processKilled();
                    new Thread(() -> farm.kill("b"), "kill-b").start();
                }
            };
            int before = farm.log.size();
            farm.start("b");
            org.awaitility.Awaitility.await().atMost(SETTLE).until(() -> !armed.get() && !farm.nodes.get("b").alive);
            farm.awaitSettled(SETTLE);
            assertThat(farm.nodes.get("a").network.held()).hasSize(2);
            Moves moves = Moves.replay(farm.log.events(), before);
            LOG.info("new owner died mid-hand-over: {}", moves);
            assertThat(moves.handOvers).isEmpty();
            // a either kept the group (the view without b came first) or released it after its bound
            // and took it back once b was gone: covered again within a second either way.
            assertNoViolations(farm, 1000);
        }
    }

    /** Hand-overs and gaps from the recorded addresses after a point in the log. */
    private record Moves(List<String> handOvers, List<Long> unansweredMillis) {

        static Moves replay(List<NetworkLog.Event> events, int from) {
            Map<String, Set<String>> holding = new HashMap<>();
            Map<String, Set<String>> prepared = new HashMap<>();
            Set<String> dead = new HashSet<>();
            Map<String, String> pointedAt = new HashMap<>();
            Map<String, Long> unansweredSince = new HashMap<>();
            List<String> handOvers = new ArrayList<>();
            List<Long> gaps = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                NetworkLog.Event e = events.get(i);
                String g = e.subject();
                switch (e.kind()) {
                    case ACQUIRE -> {
                        holding.computeIfAbsent(e.member(), k -> new HashSet<>()).add(g);
                        pointedAt.remove(g); // its announcement points neighbours at the acquirer
                    }
                    case RELEASE -> holding.getOrDefault(e.member(), new HashSet<>()).remove(g);
                    case PREPARE -> prepared.computeIfAbsent(e.member(), k -> new HashSet<>()).add(g);
                    case UNPREPARE -> prepared.getOrDefault(e.member(), new HashSet<>()).remove(g);
                    case HANDOVER -> {
                        String[] parts = g.split(">");
                        pointedAt.put(parts[0], parts[1]);
                        if (i >= from) {
                            handOvers.add(e.member() + ">" + parts[1]);
                        }
                    }
                    case KILL, HOST_DOWN -> dead.add(e.member());
                    case START -> dead.remove(e.member());
                    default -> {
                    }
                }
                if (i < from) {
                    continue;
                }
                Set<String> groups = new HashSet<>();
                holding.values().forEach(groups::addAll);
                groups.addAll(unansweredSince.keySet());
                if (e.kind() == Kind.RELEASE) {
                    groups.add(g);
                }
                for (String group : groups) {
                    boolean held = holding.entrySet().stream().anyMatch(h -> !dead.contains(h.getKey()) && h.getValue().contains(group));
                    String to = pointedAt.get(group);
                    boolean answered = held || (to != null && !dead.contains(to) && prepared.getOrDefault(to, Set.of()).contains(group));
                    if (!answered) {
                        unansweredSince.putIfAbsent(group, e.nanos());
                    } else {
                        Long since = unansweredSince.remove(group);
                        if (since != null) {
                            gaps.add((e.nanos() - since) / 1_000_000);
                        }
                    }
                }
            }
            return new Moves(handOvers, gaps);
        }
    }
}
