package org.wackamole.it.outside;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.wackamole.it.Prober;
import org.wackamole.it.outside.Recording.ArpFrame;
import org.wackamole.it.outside.Recording.HostSample;
import org.wackamole.it.outside.Recording.Partition;

/**
 * Verdicts from a {@link Recording} alone, pure. The segment model: hosts whose interface is up and
 * that the injector has not partitioned from each other form one segment; a host whose link is cut
 * or whose interface is down is a segment of its own; a partitioned group is a segment. The client
 * is on the bridge, so it reaches every host whose link is up. A VIP is <em>double-held</em> while
 * two hosts of one segment have the address (whatever their JVMs are doing: a killed or paused
 * member's host still answers), and <em>uncovered</em> while no host the client reaches has it.
 */
public final class Judge {
    private Judge() {
    }

    /** A span of time, nanos. */
    public record Span(long from, long to) {
        public long nanos() {
            return to - from;
        }
    }

    /** Everything judged for one VIP in one window. */
    public record VipVerdict(String vip, List<Span> doubles, List<Span> uncovered, int maxResponders, int violatingCycles,
            int cycles, long outageNanos, long failedProbes, long probes, Map<String, Long> answeredBy, int flaps) {

        public long doubleNanos() {
            return doubles.stream().mapToLong(Span::nanos).sum();
        }

        public long longestUncoveredNanos() {
            return uncovered.stream().mapToLong(Span::nanos).max().orElse(0);
        }

        /** When the VIP last stopped being double-held at or after {@code t}; {@code t} itself if it was not then. */
        public long doubleEndAfter(long t) {
            long end = t;
            for (Span s : doubles) {
                if (s.to() > t) {
                    end = Math.max(end, s.to());
                }
            }
            return end;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "%s: double-held %.0f ms (%d spans), longest uncovered %.0f ms, ARP responders max %d (%d/%d cycles with two),"
                            + " client outage %.0f ms, %d/%d probes failed, answered by %s, %d flaps",
                    vip, doubleNanos() / 1e6, doubles.size(), longestUncoveredNanos() / 1e6, maxResponders, violatingCycles, cycles,
                    outageNanos / 1e6, failedProbes, probes, answeredBy, flaps);
        }
    }

    public static Map<String, VipVerdict> judge(Recording r, List<String> vips) {
        Map<String, VipVerdict> out = new LinkedHashMap<>();
        Map<String, List<Span>> doubles = new HashMap<>();
        Map<String, List<Span>> uncovered = new HashMap<>();
        sweep(r, vips, doubles, uncovered);
        for (String vip : vips) {
            int[] arp = arp(r, vip);
            List<Prober.Probe> probes = r.probes().getOrDefault(vip, List.of());
            Map<String, Long> by = new TreeMap<>();
            for (Prober.Probe p : probes) {
                if (p.node() != null) {
                    by.merge(p.node(), 1L, Long::sum);
                }
            }
            out.put(vip, new VipVerdict(vip, doubles.get(vip), uncovered.get(vip), arp[0], arp[1], arp[2],
                    outage(probes, r.to()), probes.stream().filter(p -> p.node() == null).count(), probes.size(), by,
                    flaps(unpartitioned(probes, r.partitions()))));
        }
        return out;
    }

    /**
     * Per VIP, the spans during which two hosts whose link is up had the address, partitioned from
     * each other or not: the client is on the bridge and reaches every side of a partition, so this
     * is the double holding it can see (the segment model above counts only hosts that can also
     * reach each other, which no member can resolve before they do).
     */
    public static Map<String, List<Span>> reachableDoubles(Recording r, List<String> vips) {
        Recording whole = new Recording(r.from(), r.to(), r.samples(), r.sampleGap(), r.arpCycles(), r.arp(), r.probes(),
                List.of(), r.macs(), r.faults());
        Map<String, List<Span>> doubles = new HashMap<>();
        sweep(whole, vips, doubles, new HashMap<>());
        return doubles;
    }

    /** Segment names per host at one instant. */
    static Map<String, String> segments(Map<String, HostSample> state, List<Set<String>> groups) {
        Map<String, String> seg = new HashMap<>();
        for (Map.Entry<String, HostSample> e : state.entrySet()) {
            String h = e.getKey();
            String s = "solo:" + h;
            if (e.getValue().linkUp()) {
                s = "lan";
                if (!groups.isEmpty()) {
                    s = "solo:" + h;
                    for (int i = 0; i < groups.size(); i++) {
                        if (groups.get(i).contains(h)) {
                            s = "group" + i;
                        }
                    }
                }
            }
            seg.put(h, s);
        }
        return seg;
    }

    private static void sweep(Recording r, List<String> vips, Map<String, List<Span>> doubles, Map<String, List<Span>> uncovered) {
        TreeSet<Long> points = new TreeSet<>();
        points.add(r.from());
        points.add(r.to());
        r.samples().values().forEach(l -> l.forEach(s -> {
            if (s.nanos() >= r.from() && s.nanos() <= r.to()) {
                points.add(s.nanos());
            }
        }));
        r.partitions().forEach(p -> {
            if (p.nanos() >= r.from() && p.nanos() <= r.to()) {
                points.add(p.nanos());
            }
        });
        Map<String, long[]> openDouble = new HashMap<>();
        Map<String, long[]> openUncovered = new HashMap<>();
        for (String vip : vips) {
            doubles.put(vip, new ArrayList<>());
            uncovered.put(vip, new ArrayList<>());
        }
        Long[] times = points.toArray(new Long[0]);
        for (int i = 0; i + 1 < times.length; i++) {
            long t = times[i];
            Map<String, HostSample> state = new HashMap<>();
            for (Map.Entry<String, List<HostSample>> e : r.samples().entrySet()) {
                HostSample at = null;
                for (HostSample s : e.getValue()) {
                    if (s.nanos() <= t) {
                        at = s;
                    }
                }
                if (at != null) {
                    state.put(e.getKey(), at);
                }
            }
            List<Set<String>> groups = List.of();
            for (Partition p : r.partitions()) {
                if (p.nanos() <= t) {
                    groups = p.groups();
                }
            }
            Map<String, String> seg = segments(state, groups);
            for (String vip : vips) {
                Map<String, Integer> perSegment = new HashMap<>();
                boolean covered = false;
                for (Map.Entry<String, HostSample> e : state.entrySet()) {
                    if (e.getValue().vips().contains(vip)) {
                        perSegment.merge(seg.get(e.getKey()), 1, Integer::sum);
                        covered |= e.getValue().linkUp();
                    }
                }
                boolean isDouble = perSegment.values().stream().anyMatch(n -> n >= 2);
                track(isDouble, vip, t, times[i + 1], openDouble, doubles);
                track(!covered, vip, t, times[i + 1], openUncovered, uncovered);
            }
        }
        close(openDouble, doubles);
        close(openUncovered, uncovered);
    }

    private static void track(boolean on, String vip, long from, long to, Map<String, long[]> open, Map<String, List<Span>> out) {
        long[] span = open.get(vip);
        if (on) {
            if (span == null) {
                open.put(vip, new long[] {from, to});
            } else {
                span[1] = to;
            }
        } else if (span != null) {
            out.get(vip).add(new Span(span[0], span[1]));
            open.remove(vip);
        }
    }

    private static void close(Map<String, long[]> open, Map<String, List<Span>> out) {
        open.forEach((vip, span) -> out.get(vip).add(new Span(span[0], span[1])));
    }

    /**
     * {max responders in one segment in one cycle, cycles with two or more, cycles}. A reply belongs
     * to the last cycle sent before it arrived; only replies count (a gratuitous ARP claims, it does
     * not answer).
     */
    private static int[] arp(Recording r, String vip) {
        List<Long> cycles = r.arpCycles();
        if (cycles.isEmpty()) {
            return new int[] {0, 0, 0};
        }
        Map<Integer, Map<String, Set<String>>> perCycle = new HashMap<>();
        for (ArpFrame f : r.arp()) {
            if (!f.reply() || !f.vip().equals(vip)) {
                continue;
            }
            int c = cycleOf(cycles, f.nanos());
            if (c < 0) {
                continue;
            }
            String host = r.macs().getOrDefault(f.mac(), "mac " + f.mac());
            String seg = segmentAt(r, host, f.nanos());
            perCycle.computeIfAbsent(c, k -> new HashMap<>()).computeIfAbsent(seg, k -> new HashSet<>()).add(host);
        }
        int max = 0;
        int violating = 0;
        for (Map<String, Set<String>> bySegment : perCycle.values()) {
            int m = bySegment.values().stream().mapToInt(Set::size).max().orElse(0);
            max = Math.max(max, m);
            if (m >= 2) {
                violating++;
            }
        }
        return new int[] {max, violating, cycles.size()};
    }

    private static int cycleOf(List<Long> cycles, long t) {
        int lo = 0;
        int hi = cycles.size() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (cycles.get(mid) <= t) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    private static String segmentAt(Recording r, String host, long t) {
        List<HostSample> samples = r.samples().get(host);
        if (samples == null) {
            return "other:" + host;
        }
        Map<String, HostSample> state = new HashMap<>();
        for (Map.Entry<String, List<HostSample>> e : r.samples().entrySet()) {
            for (HostSample s : e.getValue()) {
                if (s.nanos() <= t) {
                    state.put(e.getKey(), s);
                }
            }
        }
        if (!state.containsKey(host)) {
            return "other:" + host;
        }
        List<Set<String>> groups = List.of();
        for (Partition p : r.partitions()) {
            if (p.nanos() <= t) {
                groups = p.groups();
            }
        }
        return segments(state, groups).get(host);
    }

    /** The longest run of failed probes, from the last answer before it to the next answer (or the window's end). */
    static long outage(List<Prober.Probe> probes, long windowEnd) {
        long longest = 0;
        Long lastOk = null;
        Long runStart = null;
        for (Prober.Probe p : probes) {
            if (p.node() == null) {
                if (runStart == null) {
                    runStart = lastOk != null ? lastOk : p.nanos();
                }
            } else {
                if (runStart != null) {
                    longest = Math.max(longest, p.nanos() - runStart);
                    runStart = null;
                }
                lastOk = p.nanos();
            }
        }
        if (runStart != null) {
            longest = Math.max(longest, windowEnd - runStart);
        }
        return longest;
    }

    /** The probes sent while the hosts were one segment (the client reaches both sides of a partition, so answers alternate there by design). */
    static List<Prober.Probe> unpartitioned(List<Prober.Probe> probes, List<Partition> partitions) {
        List<Prober.Probe> out = new ArrayList<>();
        for (Prober.Probe p : probes) {
            List<Set<String>> groups = List.of();
            for (Partition part : partitions) {
                if (part.nanos() <= p.nanos()) {
                    groups = part.groups();
                }
            }
            if (groups.isEmpty()) {
                out.add(p);
            }
        }
        return out;
    }

    /** Answers that went back to a node the client had left within the last second: two hosts answering in turn. */
    static int flaps(List<Prober.Probe> probes) {
        int flaps = 0;
        String current = null;
        Map<String, Long> leftAt = new HashMap<>();
        for (Prober.Probe p : probes) {
            if (p.node() == null || p.node().equals(current)) {
                continue;
            }
            Long left = leftAt.get(p.node());
            if (left != null && p.nanos() - left < 1_000_000_000L) {
                flaps++;
            }
            if (current != null) {
                leftAt.put(current, p.nanos());
            }
            current = p.node();
        }
        return flaps;
    }
}
