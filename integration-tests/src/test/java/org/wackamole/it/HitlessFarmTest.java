package org.wackamole.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wackamole.network.linux.ArpResponders;

/**
 * Planned moves on the real farm with hosts set up for make-before-break ({@code arp_ignore=1},
 * {@code arp_announce=2} in each host's namespace): h3 is stopped with SIGTERM (its preferred VIP
 * moves to a peer), then started again (it takes the VIP back). A client opens a new connection to
 * the VIP every 10 ms (100 ms timeout) and asks who answers ARP for it every 2 ms. CI runs two
 * cycles (four moves); {@code -Dwackamole.hitless.cycles=10} makes the 20 moves of a by-hand run.
 * Root only.
 */
@Timeout(600)
class HitlessFarmTest {
    private static final String VIP = "198.51.100.102";

    /**
     * @param failed new connection attempts that failed (connect timeout, refused): what the goal counts
     * @param slow   connections accepted whose answer took over 100 ms (a freshly started JVM's first
     *               requests; the connection itself did not fail), or that the new holder reset: a
     *               request in flight on the old holder at the switch may be reset at once (issue 10:
     *               "either completes or is reset at once; it never hangs")
     */
    record Move(String kind, long failed, long slow, int maxResponders, long handOverMillis, String report) {
    }

    @Test
    void plannedMovesLoseNoConnectionAndKeepOneArpResponder() throws Exception {
        String why = JettyFarm.whyUnavailable();
        assumeTrue(why == null, why);
        int cycles = Integer.getInteger("wackamole.hitless.cycles", 2);
        Path work = Files.createTempDirectory("wackamole-hitless");
        List<Move> moves = new ArrayList<>();
        try (JettyFarm farm = new JettyFarm(work, "wackamole-udp.xml")) {
            for (String host : JettyFarm.HOSTS) {
                farm.network().exec(host, "sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=1");
                farm.network().exec(host, "sysctl", "-q", "-w", "net.ipv4.conf.all.arp_announce=2");
                farm.start(host);
            }
            awaitHolder(farm, "h3");
            assertThat(farm.log("h3")).contains("MAKE_BEFORE_BREAK");
            for (int i = 0; i < cycles; i++) {
                moves.add(move(farm, "graceful stop", () -> farm.stop("h3"), "h3"));
                moves.add(move(farm, "take-back", () -> farm.start("h3"), null));
                awaitHolder(farm, "h3");
            }
        }
        moves.forEach(m -> System.out.printf("hitless %-13s failed connections %d, slow answers %d, max ARP responders %d, hand-over %d ms (%s)%n",
                m.kind(), m.failed(), m.slow(), m.maxResponders(), m.handOverMillis(), m.report()));
        long clean = moves.stream().filter(m -> m.failed() == 0).count();
        System.out.printf("hitless: %d of %d moves without a failed connection; max ARP responders %d; longest hand-over %d ms%n",
                clean, moves.size(), moves.stream().mapToInt(Move::maxResponders).max().orElse(0),
                moves.stream().mapToLong(Move::handOverMillis).max().orElse(0));
        assertThat(moves).allSatisfy(m -> assertThat(m.maxResponders()).as("hosts answering one ARP question, %s", m).isEqualTo(1));
        // The goal: 0 failed in at least 19 of 20 moves; with a handful of moves, none may fail.
        assertThat(moves.size() - clean).as("moves with failed connections: %s", moves).isLessThanOrEqualTo(moves.size() / 20);
    }

    private interface Step {
        void run() throws Exception;
    }

    /** One move of the VIP, watched from the client: the prober's failures and the ARP responders. */
    private static Move move(JettyFarm farm, String kind, Step step, String from) throws Exception {
        ArpResponders responders = farm.network().inNamespace("c",
                () -> new ArpResponders("veth0", (Inet4Address) InetAddress.getByName(VIP)));
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> asking = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 30_000 && !stop.get(); i++) {
                try {
                    responders.ask();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
            }
        });
        Prober prober = Prober.start(farm.network(), VIP, 10, 100);
        try {
            Thread.sleep(300);
            String before = prober.lastAnswer();
            step.run();
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> prober.lastAnswer() != null && !prober.lastAnswer().equals(before));
            Thread.sleep(500);
            String after = prober.lastAnswer();
            Prober.Report report = prober.stop();
            long released = farm.logged(before, "released", VIP);
            long acquired = farm.logged(after, "Acquired", VIP);
            long slow = report.probes().stream().filter(p -> p.node() == null
                    && (p.error().contains("Read timed out") || p.error().contains("Connection reset"))).count();
            return new Move(kind, report.failures() - slow, slow, responders.maxPerQuestion(),
                    released < 0 || acquired < 0 ? -1 : acquired - released, before + " -> " + after + ": " + report);
        } finally {
            stop.set(true);
            prober.stop();
            asking.get();
            responders.close();
        }
    }

    private static void awaitHolder(JettyFarm farm, String host) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> host.equals(farm.answers().get(VIP)));
    }
}
