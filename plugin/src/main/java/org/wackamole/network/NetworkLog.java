package org.wackamole.network;

import java.util.ArrayList;
import java.util.List;

/**
 * A time-ordered record of what in-memory networks did, shared by all members of an in-JVM farm so
 * that an invariant checker can replay who held what at every instant.
 */
public final class NetworkLog {
    /** {@link #VIEW} is noted by whoever watches the cluster; the others by {@link InMemoryNetwork}. */
    public enum Kind { ACQUIRE, RELEASE, ANNOUNCE, CRASH, VIEW }

    /**
     * One entry. {@code subject} is the group for address changes, null for {@link Kind#CRASH}
     * (everything the member held is gone), and the comma-separated members for {@link Kind#VIEW}.
     */
    public record Event(long seq, long nanos, String member, Kind kind, String subject) {
    }

    private final List<Event> events = new ArrayList<>();

    public synchronized void add(String member, Kind kind, String subject) {
        events.add(new Event(events.size(), System.nanoTime(), member, kind, subject));
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    public synchronized int size() {
        return events.size();
    }
}
