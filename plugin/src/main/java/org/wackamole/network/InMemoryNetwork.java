package org.wackamole.network;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.wackamole.config.VipAddress;
import org.wackamole.config.VipGroup;

/**
 * A network that only records: for in-JVM farms (tests, the demo without root, a dry run of the
 * Jetty module). Every change goes to a shared {@link NetworkLog} with a timestamp.
 */
public final class InMemoryNetwork implements VipNetwork {
    private final String member;
    private final NetworkLog log;
    private final Set<String> held = new LinkedHashSet<>();
    private volatile boolean crashed;

    public InMemoryNetwork(String member, NetworkLog log) {
        this.member = member;
        this.log = log;
    }

    @Override
    public synchronized void acquire(VipGroup group) {
        if (!crashed && held.add(group.identity())) {
            log.add(member, NetworkLog.Kind.ACQUIRE, group.identity());
        }
    }

    @Override
    public synchronized void release(VipGroup group) {
        if (!crashed && held.remove(group.identity())) {
            log.add(member, NetworkLog.Kind.RELEASE, group.identity());
        }
    }

    @Override
    public synchronized void announce(VipGroup group) {
        if (!crashed && held.contains(group.identity())) {
            log.add(member, NetworkLog.Kind.ANNOUNCE, group.identity());
        }
    }

    @Override
    public synchronized List<VipAddress> removeStale(Collection<VipGroup> pool) {
        List<VipAddress> removed = new ArrayList<>();
        for (VipGroup g : pool) {
            if (held.remove(g.identity())) {
                log.add(member, NetworkLog.Kind.RELEASE, g.identity());
                removed.addAll(g.addresses());
            }
        }
        return removed;
    }

    /** The host died: from now on its addresses answer nobody and later calls change nothing. */
    public synchronized void crash() {
        if (!crashed) {
            crashed = true;
            held.clear();
            log.add(member, NetworkLog.Kind.CRASH, null);
        }
    }

    public synchronized Set<String> held() {
        return Set.copyOf(held);
    }
}
