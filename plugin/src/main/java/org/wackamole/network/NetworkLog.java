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
    private final Map<String, Neighbour> hosts = new HashMap<>();
    private String segments = "";

    public synchronized void add(String member, Kind kind, String subject) {
        events.add(new Event(events.size(), System.nanoTime(), member, kind, subject));
        if (kind == Kind.SEGMENTS) {
            segments = subject == null ? "" : subject;
        }
    }

    /** A host on the segment: its addresses, and where its current process hears others' announcements (group, host). */
    private record Neighbour(Supplier<Set<String>> addresses, java.util.function.BiConsumer<String, String> hears) {
    }

    /** An in-memory network's host, whose addresses answer its neighbours on the segment and which hears their announcements. */
    synchronized void host(String name, Supplier<Set<String>> addresses, java.util.function.BiConsumer<String, String> hears) {
        hosts.put(name, new Neighbour(addresses, hears));
    }

    /** {@code from} announced the group: every other host of its segment hears it. */
    void announced(String from, String group) {
        neighbours(from).values().forEach(n -> n.hears().accept(group, from));
    }

    /**
     * The other hosts that share a segment with {@code host}, by name, to be called outside this log's
     * lock: the hosts' own locks are taken outside this one (they add events under theirs).
     */
    private Map<String, Neighbour> neighbours(String host) {
        Map<String, Neighbour> all;
        String cut;
        synchronized (this) {
            all = Map.copyOf(hosts);
            cut = segments;
        }
        Map<String, Neighbour> found = new java.util.LinkedHashMap<>();
        all.forEach((name, n) -> {
            if (!name.equals(host) && connected(cut, host, name)) {
                found.put(name, n);
            }
        });
        return found;
    }

    /** The other hosts that hold the group and share a segment with {@code asker}: who answers its ARP. */
    Set<String> holders(String asker, String group) {
        Set<String> holders = new LinkedHashSet<>();
        neighbours(asker).forEach((name, n) -> {
            if (n.addresses().get().contains(group)) {
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
