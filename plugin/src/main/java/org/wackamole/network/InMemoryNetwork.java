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
 *
 * <p>Built {@linkplain #InMemoryNetwork(String, NetworkLog, boolean) able to hand over}, it models a
 * host set up for make-before-break: a prepared group is local but answers no ARP (an address on
 * {@code lo} with {@code arp_ignore=1}), so it is no holder; its "hardware address" is the host's name.
 *
 * <p>Acquiring a group announces it to the other hosts of the segment, as a gratuitous ARP does: a
 * live process there that holds it is told the group was {@linkplain NetworkListener#taken taken}.
 */
public final class InMemoryNetwork implements VipNetwork {
    private final String member;
    private final NetworkLog log;
    private final Host host;
    private final boolean handsOver;
    /** This process was killed, or its host died: what it still calls changes nothing. */
    private boolean dead;
    private final java.util.Map<String, VipGroup> groups = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile NetworkListener listener = NetworkListener.NONE;

    /** The addresses on one host; successive processes on the host share them. */
    private static final class Host {
        final Set<String> held = new LinkedHashSet<>();
        final Set<String> prepared = new LinkedHashSet<>();
        boolean down;
    }

    public InMemoryNetwork(String member, NetworkLog log) {
        this(member, log, false);
    }

    /** @param handsOver whether the host is set up for make-before-break hand-overs */
    public InMemoryNetwork(String member, NetworkLog log, boolean handsOver) {
        this(member, log, new Host(), handsOver);
    }

    private InMemoryNetwork(String member, NetworkLog log, Host host, boolean handsOver) {
        this.member = member;
        this.log = log;
        this.host = host;
        this.handsOver = handsOver;
        log.host(member, this::held, this::heard);
    }

    @Override
    public void setListener(NetworkListener listener) {
        this.listener = listener;
    }

    @Override
    public void acquire(VipGroup group) {
        boolean added;
        synchronized (host) {
            added = !dead && host.held.add(group.identity());
            if (added) {
                log.add(member, NetworkLog.Kind.ACQUIRE, group.identity());
            }
            host.prepared.remove(group.identity());
        }
        groups.put(group.identity(), group);
        if (added) {
            log.announced(member, group.identity()); // outside our lock: the hearers take theirs
        }
    }

    /** Another host of the segment announced the group; a killed process hears nothing. */
    private void heard(String group, String from) {
        VipGroup g = groups.get(group);
        synchronized (host) {
            if (dead || g == null || !host.held.contains(group)) {
                return;
            }
        }
        listener.taken(g.addresses().get(0), from, from);
    }

    @Override
    public void release(VipGroup group) {
        synchronized (host) {
            if (dead) {
                return;
            }
            if (host.held.remove(group.identity())) {
                log.add(member, NetworkLog.Kind.RELEASE, group.identity());
            }
            if (host.prepared.remove(group.identity())) {
                log.add(member, NetworkLog.Kind.UNPREPARE, group.identity());
            }
        }
    }

    @Override
    public HandoverMode handoverMode(Collection<VipGroup> pool) {
        return handsOver ? HandoverMode.MAKE_BEFORE_BREAK : HandoverMode.RELEASE_BEFORE_ACQUIRE;
    }

    @Override
    public List<String> prepare(VipGroup group) throws NetworkException {
        if (!handsOver) {
            VipNetwork.super.prepare(group);
        }
        synchronized (host) {
            if (!dead && !host.held.contains(group.identity()) && host.prepared.add(group.identity())) {
                log.add(member, NetworkLog.Kind.PREPARE, group.identity());
            }
            return java.util.Collections.nCopies(group.addresses().size(), member);
        }
    }

    @Override
    public void handOver(VipGroup group, List<String> macs) {
        synchronized (host) {
            if (!dead && host.held.contains(group.identity()) && !macs.isEmpty()) {
                log.add(member, NetworkLog.Kind.HANDOVER, group.identity() + ">" + macs.get(0));
            }
        }
        release(group);
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
            boolean wasPrepared = host.prepared.remove(g.identity());
            if (host.held.remove(g.identity())) {
                log.add(member, NetworkLog.Kind.RELEASE, g.identity());
                removed.addAll(g.addresses());
            } else if (wasPrepared) {
                log.add(member, NetworkLog.Kind.UNPREPARE, g.identity());
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
                host.prepared.clear();
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
            InMemoryNetwork next = new InMemoryNetwork(member, log, host.down ? new Host() : host, handsOver);
            log.add(member, NetworkLog.Kind.START, null);
            return next;
        }
    }

    /** The host's "hardware address" is its name, as in {@link #prepare}. */
    @Override
    public List<String> hardwareAddresses() {
        return List.of(member);
    }

    /** The other hosts of this one's segment that hold any of the groups, by name; nothing once this process is dead. */
    @Override
    public Set<String> answering(Collection<VipGroup> groups) {
        synchronized (host) {
            if (dead) {
                return Set.of();
            }
        }
        Set<String> hosts = new LinkedHashSet<>();
        groups.forEach(g -> hosts.addAll(log.holders(member, g.identity())));
        return hosts;
    }

    /** The groups prepared on the host: local, answering no ARP (for a dead host: none). */
    public Set<String> prepared() {
        synchronized (host) {
            return Set.copyOf(host.prepared);
        }
    }

    /** The addresses on the host (for a dead host: none). */
    public Set<String> held() {
        synchronized (host) {
            return Set.copyOf(host.held);
        }
    }
}
