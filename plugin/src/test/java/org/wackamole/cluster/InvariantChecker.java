package org.wackamole.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.wackamole.network.NetworkLog;

/**
 * Replays a farm's log and judges it from outside, as a client on the wire would: who has which
 * address, which hosts can reach each other. What members believe (their JGroups views) plays no
 * part. Every address on a host that is up counts, whether its process is in a view, killed, or
 * not yet joined; two hosts holding one group are a conflict when they are in one connected segment,
 * and the segments are those the fault injector made ({@link NetworkLog.Kind#SEGMENTS}).
 *
 * <p>Violations:
 * <ul>
 *   <li>a host acquires a group that another live host of its segment holds, more than
 *       {@link Bounds#maxDuplicateMillis} after segments last joined (long enough for a merge);</li>
 *   <li>two live hosts of one segment hold a group together for longer than
 *       {@link Bounds#maxDuplicateMillis}: after a heal the two sides of a partition each cover every
 *       group (the documented {@code partition=all} policy), and the merge must resolve that in time;</li>
 *   <li>a group no live process holds for longer than {@link Bounds#maxGapMillis} once it was first held
 *       (a killed process's addresses still answer, but nothing serves behind them);</li>
 *   <li>a <em>stale holder after kill</em>: a killed process's host, still up, keeps a group's address
 *       while another host of its segment holds the group, for longer than
 *       {@link Bounds#maxStaleAfterKillMillis}. Each such episode is also listed in
 *       {@link Report#staleAfterKill()}, whatever its length: it is a real double holder.</li>
 * </ul>
 */
final class InvariantChecker {
    private InvariantChecker() {
    }

    /** The limits a test states. */
    record Bounds(long maxDuplicateMillis, long maxGapMillis, long maxStaleAfterKillMillis) {
    }

    /**
     * @param violations     what broke a bound
     * @param staleAfterKill every episode of a killed process's address beside another holder, with its length
     * @param longestStaleAfterKillMillis the longest such episode
     * @param longestDuplicateMillis      the longest time two live hosts of one segment held a group
     */
    record Report(List<String> violations, List<String> staleAfterKill, long longestStaleAfterKillMillis,
                  long longestDuplicateMillis) {
        String figures() {
            return staleAfterKill.size() + " stale-holder-after-kill episodes, longest " + longestStaleAfterKillMillis
                    + " ms; longest duplicate between live hosts of one segment " + longestDuplicateMillis + " ms";
        }
    }

    static Report check(List<NetworkLog.Event> events, Bounds bounds, long endNanos) {
        return new Replay(bounds).run(events, endNanos);
    }

    private static final class Replay {
        private final Bounds bounds;
        private final List<String> violations = new ArrayList<>();
        private final List<String> stale = new ArrayList<>();
        private long longestStale;
        private long longestDuplicate;

        /** The addresses on each host that is up. */
        private final Map<String, Set<String>> holding = new HashMap<>();
        /** Hosts whose process was killed while the host stayed up (until a new process starts). */
        private final Set<String> killed = new HashSet<>();
        /** Each host's segment; a host in none reaches every segment. */
        private Map<String, Integer> segmentOf = Map.of();
        /**
         * When segments last joined (a heal). Until a merge, a healed segment holds several JGroups
         * clusters, and a process started then may join either: the grace runs for the whole segment.
         */
        private Long lastJoin;
        private final Set<String> hosts = new LinkedHashSet<>();

        private final Set<String> everHeld = new LinkedHashSet<>();
        private final Map<String, Long> uncoveredSince = new HashMap<>();
        private final Map<String, Long> duplicateSince = new HashMap<>();
        private final Map<String, String> duplicateWho = new HashMap<>();
        private final Map<String, Long> staleSince = new HashMap<>();
        private final Map<String, String> staleWho = new HashMap<>();

        Replay(Bounds bounds) {
            this.bounds = bounds;
        }

        Report run(List<NetworkLog.Event> events, long endNanos) {
            for (NetworkLog.Event e : events) {
                apply(e);
                judge(e.nanos(), "#" + e.seq());
            }
            for (String g : List.copyOf(duplicateSince.keySet())) {
                endDuplicate(g, endNanos, "at the end");
            }
            for (String g : List.copyOf(staleSince.keySet())) {
                endStale(g, endNanos, "at the end");
            }
            for (Map.Entry<String, Long> u : uncoveredSince.entrySet()) {
                if (endNanos - u.getValue() > bounds.maxGapMillis() * 1_000_000) {
                    violations.add(u.getKey() + " uncovered at the end for " + millis(endNanos - u.getValue()) + " ms");
                }
            }
            return new Report(List.copyOf(violations), List.copyOf(stale), longestStale, longestDuplicate);
        }

        private void apply(NetworkLog.Event e) {
            if (e.member() != null) {
                hosts.add(e.member());
            }
            switch (e.kind()) {
                case SEGMENTS -> resegment(e.nanos(), e.subject());
                case ACQUIRE -> {
                    String g = e.subject();
                    for (Map.Entry<String, Set<String>> other : holding.entrySet()) {
                        String y = other.getKey();
                        if (!y.equals(e.member()) && other.getValue().contains(g) && !killed.contains(y)
                                && connected(e.member(), y) && !mayStillMerge(e.nanos())) {
                            violations.add("#" + e.seq() + " " + e.member() + " acquired " + g + " while " + y
                                    + ", connected to it, held it");
                        }
                    }
                    holding.computeIfAbsent(e.member(), k -> new HashSet<>()).add(g);
                    everHeld.add(g);
                }
                case RELEASE -> holding.getOrDefault(e.member(), new HashSet<>()).remove(e.subject());
                case KILL -> killed.add(e.member());
                case HOST_DOWN -> {
                    holding.remove(e.member());
                    killed.remove(e.member());
                }
                case START -> killed.remove(e.member());
                // A prepared group is local on its host but answers no ARP (lo, arp_ignore=1): no holder.
                // Hand-overs are judged by the scenarios that make them (HandoverScenariosTest).
                case PREPARE, UNPREPARE, HANDOVER -> {
                }
                case ANNOUNCE, VIEW -> {
                }
            }
        }

        private void resegment(long nanos, String subject) {
            Map<String, Integer> next = new HashMap<>();
            if (subject != null && !subject.isEmpty()) {
                String[] segments = subject.split("\\|");
                for (int s = 0; s < segments.length; s++) {
                    for (String h : segments[s].split(",")) {
                        if (!h.isEmpty()) {
                            next.put(h, s);
                            hosts.add(h);
                        }
                    }
                }
            }
            Map<String, Integer> before = segmentOf;
            segmentOf = next;
            List<String> all = List.copyOf(hosts);
            for (int i = 0; i < all.size(); i++) {
                for (int j = i + 1; j < all.size(); j++) {
                    String a = all.get(i);
                    String b = all.get(j);
                    if (!connected(before, a, b) && connected(next, a, b)) {
                        lastJoin = nanos;
                    }
                }
            }
        }

        /** Coverage, duplicates and stale holders after every step. */
        private void judge(long now, String at) {
            for (String g : everHeld) {
                List<String> holders = new ArrayList<>();
                holding.forEach((h, gs) -> {
                    if (gs.contains(g)) {
                        holders.add(h);
                    }
                });
                List<String> live = holders.stream().filter(h -> !killed.contains(h)).toList();
                if (live.isEmpty()) {
                    uncoveredSince.putIfAbsent(g, now);
                } else {
                    Long since = uncoveredSince.remove(g);
                    if (since != null && now - since > bounds.maxGapMillis() * 1_000_000) {
                        violations.add(at + " " + g + " uncovered for " + millis(now - since) + " ms");
                    }
                }
                String duplicate = connectedPair(live, live);
                if (duplicate != null) {
                    duplicateSince.putIfAbsent(g, now);
                    duplicateWho.putIfAbsent(g, duplicate);
                } else {
                    endDuplicate(g, now, at);
                }
                String staleBeside = connectedPair(holders.stream().filter(killed::contains).toList(), holders);
                if (staleBeside != null) {
                    staleSince.putIfAbsent(g, now);
                    staleWho.putIfAbsent(g, staleBeside);
                } else {
                    endStale(g, now, at);
                }
            }
        }

        private void endDuplicate(String g, long now, String at) {
            Long since = duplicateSince.remove(g);
            String who = duplicateWho.remove(g);
            if (since == null) {
                return;
            }
            long ms = millis(now - since);
            longestDuplicate = Math.max(longestDuplicate, ms);
            if (ms > bounds.maxDuplicateMillis()) {
                violations.add(at + " " + g + " held twice in one segment for " + ms + " ms: " + who);
            }
        }

        private void endStale(String g, long now, String at) {
            Long since = staleSince.remove(g);
            String who = staleWho.remove(g);
            if (since == null) {
                return;
            }
            long ms = millis(now - since);
            longestStale = Math.max(longestStale, ms);
            String episode = "stale holder after kill: " + g + " on " + who + " for " + ms + " ms, until " + at;
            stale.add(episode);
            if (ms > bounds.maxStaleAfterKillMillis()) {
                violations.add(episode + " (bound " + bounds.maxStaleAfterKillMillis() + " ms)");
            }
        }

        /** A pair "a and b" with a from {@code first}, b from {@code second}, a != b, connected; or null. */
        private String connectedPair(List<String> first, List<String> second) {
            for (String a : first) {
                for (String b : second) {
                    if (!a.equals(b) && connected(a, b)) {
                        return a + (killed.contains(a) ? " (killed)" : "") + " and " + b + (killed.contains(b) ? " (killed)" : "");
                    }
                }
            }
            return null;
        }

        /** Segments joined less than a merge's time ago: clusters in one segment may not agree yet. */
        private boolean mayStillMerge(long now) {
            return lastJoin != null && now - lastJoin <= bounds.maxDuplicateMillis() * 1_000_000;
        }

        private boolean connected(String a, String b) {
            return connected(segmentOf, a, b);
        }

        private static boolean connected(Map<String, Integer> segments, String a, String b) {
            Integer sa = segments.get(a);
            Integer sb = segments.get(b);
            return sa == null || sb == null || sa.equals(sb);
        }

        private static long millis(long nanos) {
            return nanos / 1_000_000;
        }
    }
}
