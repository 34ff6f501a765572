package org.wackamole.it.outside;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.wackamole.it.Prober.Probe;
import org.wackamole.it.outside.Recording.ArpFrame;
import org.wackamole.it.outside.Recording.HostSample;
import org.wackamole.it.outside.Recording.Partition;

/** The judge on hand-written recordings (ms on a 0–1000 window): any user, no network. */
class JudgeTest {
    private static final String V = "198.51.100.100";
    private static final long MS = 1_000_000L;

    private final Map<String, List<HostSample>> samples = new LinkedHashMap<>();
    private final List<Partition> partitions = new ArrayList<>(List.of(new Partition(0, List.of())));
    private final List<Long> cycles = new ArrayList<>();
    private final List<ArpFrame> arp = new ArrayList<>();
    private final List<Probe> probes = new ArrayList<>();

    private void at(String host, long ms, boolean up, String... vips) {
        samples.computeIfAbsent(host, k -> new ArrayList<>()).add(new HostSample(ms * MS, up, Set.of(vips)));
    }

    private Judge.VipVerdict verdict() {
        Recording r = new Recording(0, 1000 * MS, samples, Map.of(), cycles, arp, Map.of(V, probes), partitions,
                Map.of("aa", "h1", "bb", "h2"), List.of());
        return Judge.judge(r, List.of(V)).get(V);
    }

    @Test
    void twoHostsOfOneSegmentWithTheAddressAreDoubleHolders() {
        at("h1", 0, true, V);
        at("h1", 600, true);
        at("h2", 0, true);
        at("h2", 200, true, V);
        Judge.VipVerdict v = verdict();
        assertThat(v.doubleNanos()).isEqualTo(400 * MS);
        assertThat(v.doubles()).containsExactly(new Judge.Span(200 * MS, 600 * MS));
        assertThat(v.doubleEndAfter(300 * MS)).isEqualTo(600 * MS);
        assertThat(v.uncovered()).isEmpty();
    }

    @Test
    void aHostWithoutItsLinkIsASegmentOfItsOwnAndCoversNothing() {
        at("h1", 0, true, V);
        at("h1", 100, false, V);
        at("h2", 0, true);
        at("h2", 300, true, V);
        Judge.VipVerdict v = verdict();
        assertThat(v.doubleNanos()).isZero();
        assertThat(v.uncovered()).containsExactly(new Judge.Span(100 * MS, 300 * MS));
        assertThat(v.longestUncoveredNanos()).isEqualTo(200 * MS);
    }

    @Test
    void partitionedGroupsAreSeparateSegmentsUntilHealed() {
        at("h1", 0, true, V);
        at("h2", 0, true, V);
        partitions.set(0, new Partition(0, List.of(Set.of("h1"), Set.of("h2"))));
        partitions.add(new Partition(700 * MS, List.of()));
        assertThat(verdict().doubles()).containsExactly(new Judge.Span(700 * MS, 1000 * MS));
    }

    @Test
    void theClientSeesBothSidesOfAPartitionButNotACutLink() {
        at("h1", 0, true, V);
        at("h2", 0, true, V);
        at("h2", 300, false, V);
        at("h2", 500, true, V);
        at("h2", 800, true);
        partitions.set(0, new Partition(0, List.of(Set.of("h1"), Set.of("h2"))));
        Recording r = new Recording(0, 1000 * MS, samples, Map.of(), cycles, arp, Map.of(V, probes), partitions, Map.of(), List.of());
        assertThat(verdict().doubles()).isEmpty();
        assertThat(Judge.reachableDoubles(r, List.of(V)).get(V))
                .containsExactly(new Judge.Span(0, 300 * MS), new Judge.Span(500 * MS, 800 * MS));
    }

    @Test
    void twoMacsReplyingInOneCycleAreCountedPerSegment() {
        at("h1", 0, true, V);
        at("h2", 0, true);
        cycles.addAll(List.of(0L, 20 * MS, 40 * MS));
        arp.add(new ArpFrame(1 * MS, V, "aa", true));
        arp.add(new ArpFrame(21 * MS, V, "aa", true));
        arp.add(new ArpFrame(22 * MS, V, "bb", true));
        arp.add(new ArpFrame(41 * MS, V, "bb", false)); // gratuitous: a claim, not an answer
        Judge.VipVerdict v = verdict();
        assertThat(v.maxResponders()).isEqualTo(2);
        assertThat(v.violatingCycles()).isEqualTo(1);
        assertThat(v.cycles()).isEqualTo(3);
    }

    @Test
    void outageRunsFromTheLastAnswerToTheNextAndFlapsAreAnswersGoingBack() {
        probes.addAll(List.of(new Probe(0, "h1", null), new Probe(10 * MS, null, "timeout"), new Probe(110 * MS, null, "timeout"),
                new Probe(210 * MS, "h2", null), new Probe(220 * MS, "h1", null), new Probe(230 * MS, "h2", null)));
        at("h1", 0, true, V);
        Judge.VipVerdict v = verdict();
        assertThat(v.outageNanos()).isEqualTo(210 * MS);
        assertThat(v.failedProbes()).isEqualTo(2);
        assertThat(v.flaps()).isEqualTo(2);
        assertThat(v.answeredBy()).containsEntry("h1", 2L).containsEntry("h2", 2L);
    }

    @Test
    void anOutageStillRunningAtTheEndLastsToTheEnd() {
        probes.addAll(List.of(new Probe(0, "h1", null), new Probe(500 * MS, null, "refused")));
        at("h1", 0, true, V);
        assertThat(verdict().outageNanos()).isEqualTo(1000 * MS);
    }
}
