package org.wackamole.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every kind of planned move on the real farm with hosts set up for make-before-break
 * ({@link PlannedMoves}): graceful stop, take-back on rejoin, balance when a member joins, operator
 * drain, health drain, operator move, and the take-backs after resume and recovery. A client opens
 * a new connection to the VIP every 10 ms (100 ms timeout) and asks who answers ARP for it every
 * 2 ms, each request from a sender address of its own, so that each reply names the request it
 * answers ({@link ArpRequestAnswers}). CI makes one cycle of each (about 15 moves); {@code -Dwackamole.hitless.cycles=N} makes N
 * (and N balance joins). The measured run of 20 and more per kind is {@link FailoverBenchmark}'s
 * planned mode. Root only.
 */
@Timeout(900)
class HitlessFarmTest {
    @Test
    void plannedMovesLoseNoConnectionAndKeepOneArpResponder() throws Exception {
        String why = JettyFarm.whyUnavailable();
        assumeTrue(why == null, why);
        int cycles = Integer.getInteger("wackamole.hitless.cycles", 1);
        Path work = Files.createTempDirectory("wackamole-hitless");
        List<PlannedMoves.Move> moves;
        try (PlannedMoves farm = new PlannedMoves(work, "wackamole-udp.xml", m -> System.out.println("hitless " + m))) {
            assertThat(farm.farm().log("h3")).contains("MAKE_BEFORE_BREAK");
            farm.operatorCycles(cycles);
            farm.balanceJoins(cycles);
            moves = farm.moves();
            // Jetty's stop order: the VIP is handed over first, then the connectors stop accepting and
            // the request accepted before the stop is answered by the old holder within the graceful stop timeout.
            assertThat(farm.inFlight()).isNotEmpty().allSatisfy(r -> {
                assertThat(r.answer()).as("the slow request in flight at SIGTERM, %s", r).isEqualTo("h3");
                assertThat(r.millis()).as("answered within the graceful stop timeout, %s", r).isLessThan(r.slowMillis() + 5000);
            });
            farm.saveLogs(Path.of("target", "hitless-logs"));
        }
        System.out.println(PlannedMoves.header());
        PlannedMoves.table("wackamole-udp.xml", moves).forEach(System.out::println);
        assertThat(moves.stream().map(PlannedMoves.Move::kind)).as("every kind of planned move ran").containsAll(List.of(PlannedMoves.Kind.values()));
        List<PlannedMoves.Move> whole = moves.stream().filter(PlannedMoves.Move::whole).toList();
        // A move during which a JVM was unscheduled past the failure detector's bound (it then drops its
        // VIPs at once) or a false suspicion split the farm, on a loaded machine, is a failover, not a
        // planned move: printed, not judged here.
        System.out.printf("hitless: %d of %d moves in one view throughout%n", whole.size(), moves.size());
        assertThat(whole.size()).as("moves not disturbed by a split or a pause: %s", moves).isGreaterThanOrEqualTo(moves.size() / 2);
        assertThat(whole).allSatisfy(m -> {
            // Exact: each reply names the request it answers; every reply seen, none left in doubt.
            assertThat(m.arp().exact()).as("every ARP reply seen and attributed to its request, %s", m).isTrue();
            assertThat(m.maxResponders()).as("hosts answering one ARP request, %s", m).isEqualTo(1);
            assertThat(m.to()).as("the new holder, %s", m).isNotEqualTo(m.from());
        });
        // The goal: 0 failed in at least 19 of 20 moves; with a handful of moves, none may fail, but for one
        // handshake per run that straddled the switch (SYN answered by the old holder, ACK reset by the new one:
        // the race the README names; 2 in 222 moves once, 0 in 402 since, once in a CI run of this test).
        long clean = whole.stream().filter(m -> m.failed() - m.straddled() == 0).count();
        assertThat(whole.size() - clean).as("moves with failed connections: %s", whole).isLessThanOrEqualTo(whole.size() / 20);
        assertThat(whole.stream().mapToLong(PlannedMoves.Move::straddled).sum())
                .as("handshakes that straddled the switch: %s", whole).isLessThanOrEqualTo(1);
    }
}
