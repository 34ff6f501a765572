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
 *
 * <p>It models one process on one host, and the two can die apart, as on a real farm. When the
 * process is killed ({@link #processKilled()}, kill -9) its host keeps the addresses and goes on
 * answering for them until something removes them: the next process started on the host
 * ({@link #nextProcess()}, whose {@link #removeStale} finds them) or a clean-up run from outside
 * ({@link #cleanUp}, what systemd's {@code ExecStopPost} does). When the host dies
 * ({@link #hostDied()}) its addresses answer nobody.
 */
public final class InMemoryNetwork implements VipNetwork {
    private final String member;
    private final NetworkLog log;
    private final Host host;
    /** This process was killed, or its host died: what it still calls changes nothing. */
    private boolean dead;

    /** The addresses on one host; successive processes on the host share them. */
    private static final class Host {
        final Set<String> held = new LinkedHashSet<>();
        boolean down;
    }

    public InMemoryNetwork(String member, NetworkLog log) {
        this(member, log, new Host());
    }

    private InMemoryNetwork(String member, NetworkLog log, Host host) {
        this.member = member;
        this.log = log;
        this.host = host;
    }

    @Override
    public void acquire(VipGroup group) {
        synchronized (host) {
            if (!dead && host.held.add(group.identity())) {
                log.add(member, NetworkLog.Kind.ACQUIRE, group.identity());
            }
        }
    }

    @Override
    public void release(VipGroup group) {
        synchronized (host) {
            if (!dead && host.held.remove(group.identity())) {
                log.add(member, NetworkLog.Kind.RELEASE, group.identity());
            }
        }
    }

    @Override
    public void announce(VipGroup group) {
        synchronized (host) {
            if (!dead && host.held.contains(group.identity())) {
                log.add(member, NetworkLog.Kind.ANNOUNCE, group.identity());
            }
        }
    }

    @Override
    public List<VipAddress> removeStale(Collection<VipGroup> pool) {
        synchronized (host) {
            return dead ? List.of() : remove(pool);
        }
    }

    /**
     * Removes the pool's addresses from the host on behalf of another process (systemd's
     * {@code ExecStopPost} clean-up after a kill): works whether this process is alive or not, but
     * not on a dead host.
     */
    public List<VipAddress> cleanUp(Collection<VipGroup> pool) {
        synchronized (host) {
            return host.down ? List.of() : remove(pool);
        }
    }

    private List<VipAddress> remove(Collection<VipGroup> pool) {
        List<VipAddress> removed = new ArrayList<>();
        for (VipGroup g : pool) {
            if (host.held.remove(g.identity())) {
                log.add(member, NetworkLog.Kind.RELEASE, g.identity());
                removed.addAll(g.addresses());
            }
        }
        return removed;
    }

    /** kill -9: the process is gone, nobody is told, and its addresses stay on the host, answering. */
    public void processKilled() {
        synchronized (host) {
            if (!dead) {
                dead = true;
                log.add(member, NetworkLog.Kind.KILL, null);
            }
        }
    }

    /** The host died (or its link was cut for good): its addresses answer nobody from now on. */
    public void hostDied() {
        synchronized (host) {
            dead = true;
            if (!host.down) {
                host.down = true;
                host.held.clear();
                log.add(member, NetworkLog.Kind.HOST_DOWN, null);
            }
        }
    }

    /**
     * A new process on this network's host, once this one is gone (killed or stopped): it finds the
     * addresses left behind, unless the host died, in which case it comes back with none.
     */
    public InMemoryNetwork nextProcess() {
        synchronized (host) {
            dead = true;
            InMemoryNetwork next = new InMemoryNetwork(member, log, host.down ? new Host() : host);
            log.add(member, NetworkLog.Kind.START, null);
            return next;
        }
    }

    /** The addresses on the host (for a dead host: none). */
    public Set<String> held() {
        synchronized (host) {
            return Set.copyOf(host.held);
        }
    }
}
