package org.wackamole.network;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A time-ordered record of what in-memory networks did, shared by all members of an in-JVM farm so
 * that an invariant checker can replay who held what at every instant.
 */
public final class NetworkLog {
    /**
     * {@link #ACQUIRE}, {@link #RELEASE}, {@link #ANNOUNCE}, {@link #KILL}, {@link #HOST_DOWN} and
     * {@link #START} are noted by {@link InMemoryNetwork}; {@link #SEGMENTS} by whoever cuts and heals
     * the network (a test farm's fault injector); {@link #VIEW} by whoever watches a member's view,
     * for information only: what a member believes is no verdict. {@link #PREPARE} (the group is
     * local on the host but answers no ARP: not a holder), {@link #UNPREPARE} (no longer) and
     * {@link #HANDOVER} (the host pointed neighbours at another host for a group it held, just before
     * releasing it; subject {@code group>host}) are noted by {@link InMemoryNetwork} too.
     */
    public enum Kind { ACQUIRE, RELEASE, ANNOUNCE, KILL, HOST_DOWN, START, SEGMENTS, VIEW, PREPARE, UNPREPARE, HANDOVER }

    /**
     * One entry. {@code member} names the host (null for {@link Kind#SEGMENTS}). {@code subject} is
     * the group for address changes; null for {@link Kind#KILL} (the process died, its addresses
     * stay), {@link Kind#HOST_DOWN} (every address of the host is unreachable) and {@link Kind#START}
     * (a new process on the host); for {@link Kind#SEGMENTS} the connected segments, hosts
     * comma-separated and segments separated by {@code |} (empty: one segment, everything connected;
     * a host named in no segment reaches them all); for {@link Kind#VIEW} the comma-separated members.
     */
    public record Event(long seq, long nanos, String member, Kind kind, String subject) {
    }

    private final List<Event> events = new ArrayList<>();
    /** What each host's addresses are, by host name: the in-memory networks' neighbours on the segment. */
    private final Map<String, Supplier<Set<String>>> hosts = new HashMap<>();
    private final Map<String, java.util.function.BiConsumer<String, String>> hearers = new HashMap<>();
    private String segments = "";

    public synchronized void add(String member, Kind kind, String subject) {
        events.add(new Event(events.size(), System.nanoTime(), member, kind, subject));
        if (kind == Kind.SEGMENTS) {
            segments = subject == null ? "" : subject;
        }
    }

    /** An in-memory network's host, whose addresses answer its neighbours on the segment. */
    synchronized void host(String name, Supplier<Set<String>> addresses) {
        hosts.put(name, addresses);
    }

    /** Where a host's current process hears the gratuitous ARP of others on its segment: (group, announcing host). */
    synchronized void hears(String name, java.util.function.BiConsumer<String, String> announcement) {
        hearers.put(name, announcement);
    }

    /** {@code from} announced the group: every other host of its segment hears it. */
    void announced(String from, String group) {
        Map<String, java.util.function.BiConsumer<String, String>> all;
        String cut;
        synchronized (this) {
            all = Map.copyOf(hearers);
            cut = segments;
        }
        all.forEach((name, hearer) -> {
            if (!name.equals(from) && connected(cut, from, name)) {
                hearer.accept(group, from);
            }
        });
    }

    /** The other hosts that hold the group and share a segment with {@code asker}: who answers its ARP. */
    Set<String> holders(String asker, String group) {
        Map<String, Supplier<Set<String>>> all;
        String cut;
        synchronized (this) { // the hosts' own locks are taken outside this one: they add events under theirs
            all = Map.copyOf(hosts);
            cut = segments;
        }
        Set<String> holders = new LinkedHashSet<>();
        all.forEach((name, addresses) -> {
            if (!name.equals(asker) && connected(cut, asker, name) && addresses.get().contains(group)) {
                holders.add(name);
            }
        });
        return holders;
    }

    /** Whether a and b share a segment; a host named in no segment reaches them all (see {@link Event}). */
    private static boolean connected(String segments, String a, String b) {
        List<String> ofA = null;
        List<String> ofB = null;
        for (String segment : segments.isEmpty() ? new String[0] : segments.split("\\|")) {
            List<String> hs = List.of(segment.split(","));
            ofA = hs.contains(a) ? hs : ofA;
            ofB = hs.contains(b) ? hs : ofB;
        }
        return ofA == null || ofB == null || ofA == ofB;
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    public synchronized int size() {
        return events.size();
    }
}
