package org.wackamole.network.linux;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wackamole.config.NetworkSettings;
import org.wackamole.config.VipAddress;
import org.wackamole.config.VipGroup;
import org.wackamole.network.HandoverMode;
import org.wackamole.network.NetworkException;
import org.wackamole.network.NetworkListener;
import org.wackamole.network.VipNetwork;

/**
 * Holding VIPs on Linux for real: addresses through rtnetlink, announcements by gratuitous ARP and
 * unsolicited neighbour advertisements, repeated on a schedule, Wackamole's notify list, and a
 * watchdog that puts back a held address someone else removed.
 *
 * <p>All sockets are opened by {@link #open}, in the network namespace of the calling thread.
 * The first announcement of a VIP is sent by the caller at once; repeats, refreshes, notify ARPs
 * and the backstop poll run on this network's own scheduler thread, so the cluster's thread never
 * sleeps. Kernel notifications (RTM_DELADDR, RTM_NEWLINK, RTM_DELLINK) are read on a thread of their
 * own: a held address removed behind our back is put back within a millisecond or so, and an
 * interface of the pool that goes away or comes back is reported to the {@link NetworkListener}.
 * The poll, every {@code wackamole.watchdog.interval}, catches what a lost notification would miss.
 */
public final class LinuxNetwork implements VipNetwork {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxNetwork.class);
    private static final long NOTIFY_TICK_MS = 100;
    private static final String LOOPBACK = "lo";
    /** How long a read of notifications waits, so that {@link #close} never waits longer for the reader. */
    private static final int EVENT_WAIT_MS = 200;
    /**
     * How long an acquisition waits for answers to its ARP probes. A live kernel on the LAN answers
     * in well under a millisecond (measured: 0.27 ms on a loaded 2-core machine); this is what a
     * failover pays per group, so it stays short, at the price of missing a host slower than that.
     */
    static final long PROBE_WAIT_NANOS = 2_000_000;
    /**
     * Taken from a host that answered the probe (a killed member's kernel, or a live member on the other
     * side of a split), a group is announced {@link #CONTESTED_REPEATS} more times, the first
     * {@link #CONTESTED_FIRST_MS} after the first announcement and each gap twice the one before (20, 60,
     * 140, 300 ms): a live holder lets go when it hears us, and with one lost announcement it would
     * otherwise keep the address, beside ours, for a whole announce interval (seen on the TCP soak under
     * 20 % loss); widening gaps outlast a burst of loss too.
     */
    static final int CONTESTED_REPEATS = 4;
    static final long CONTESTED_FIRST_MS = 20;
    /** At most one defending announcement per address this often, while another host claims it. */
    private static final long DEFEND_INTERVAL_NANOS = 500_000_000;
    /**
     * A member's announcement read this soon after we added the address may have been sent before (the
     * watch reads its queue late): it is defended against, as before, rather than taken for a taking.
     */
    static final long TAKEN_AFTER_NANOS = 20_000_000;
    /** A conflict with the same host for the same address is logged again after this long. */
    private static final long CONFLICT_LOG_NANOS = 10_000_000_000L;

    private final NetworkSettings settings;
    private final Rtnetlink netlink;
    private final ArpAnnouncer arp;
    private final NeighbourAdvertiser ndisc;
    private final RtnetlinkEvents events;
    private final ArpWatch arpWatch;
    private final NeighbourWatch neighbourWatch;
    /** Our interfaces' MACs: the watches see our own frames too. */
    private final Set<String> ownMacs = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile Map<String, String> memberMacs = Map.of();
    /**
     * Held address to its group and when it was added here (to tell a member's announcement sent
     * before that from a taking), for the watches' threads.
     */
    private final Map<InetAddress, HeldAddress> heldAddresses = new java.util.concurrent.ConcurrentHashMap<>();

    private record HeldAddress(VipGroup group, long sinceNanos) {
    }
    private final Map<InetAddress, Long> lastDefence = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Long> lastConflictLog = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong conflicts = new AtomicLong();
    private final Thread eventReader;
    private final ScheduledExecutorService scheduler;
    private final boolean restoring;
    /** Interfaces by name as last seen; requests use their index, which changes when an interface is recreated. */
    private final Map<String, Rtnetlink.Link> links = new HashMap<>();
    /** Interfaces of the pool: their loss and return are reported. */
    private final Set<String> watched = new HashSet<>();
    /** Watched interfaces reported lost and not yet back. */
    private final Set<String> lost = new HashSet<>();
    /** Groups held, by identity; only these are announced, refreshed and watched. */
    private final Map<String, VipGroup> held = new LinkedHashMap<>();
    /** Held groups on an interface that was lost: left alone until the cluster acquires or releases them again. */
    private final Set<String> suspended = new HashSet<>();
    /** Groups made local on {@code lo} for a hand-over, answering no ARP, not yet acquired. */
    private final Map<String, VipGroup> prepared = new LinkedHashMap<>();
    /**
     * Groups let go of here (handed over or released), kept on lo (local, answering no ARP) for
     * {@link #LINGER_MS} so that requests accepted before can still be answered: a socket cannot
     * send from an address the host no longer has. Removed when the group comes back, at close, or then.
     */
    private final Map<String, Linger> lingering = new LinkedHashMap<>();
    private long lingers;

    /** {@code timer} null: none could be scheduled (closing); {@code id} tells a timer its own stay from a later one. */
    private record Linger(VipGroup group, ScheduledFuture<?> timer, long id) {
    }
    /** Longer than Jetty's default graceful stop timeout (5 s): what a stopping server still answers. */
    static final long LINGER_MS = 10_000;
    private volatile long lingerMs = LINGER_MS;
    private volatile boolean handsOver;
    private final Map<String, List<ScheduledFuture<?>>> schedules = new HashMap<>();
    private final Queue<Runnable> notifyQueue = new ArrayDeque<>();
    private final AtomicLong announcements = new AtomicLong();
    private final AtomicLong restored = new AtomicLong();
    private volatile NetworkListener listener = NetworkListener.NONE;
    private volatile boolean closed;

    private LinuxNetwork(NetworkSettings settings, Rtnetlink netlink, ArpAnnouncer arp, NeighbourAdvertiser ndisc,
                         RtnetlinkEvents events, ArpWatch.Opener watch) throws NetworkException {
        this.arpWatch = watch.open(ownMacs::contains, this::onClaim);
        try {
            this.neighbourWatch = new NeighbourWatch(ownMacs::contains, this::onClaim);
        } catch (NetworkException | RuntimeException e) {
            arpWatch.close();
            throw e;
        }
        this.settings = settings;
        this.netlink = netlink;
        this.arp = arp;
        this.ndisc = ndisc;
        this.events = events;
        this.restoring = !settings.watchdogInterval().isZero();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wackamole-network");
            t.setDaemon(true);
            return t;
        });
        if (!settings.notifyTargets().isEmpty()) {
            scheduler.scheduleWithFixedDelay(this::drainNotifyQueue, NOTIFY_TICK_MS, NOTIFY_TICK_MS, TimeUnit.MILLISECONDS);
        }
        long watchdog = settings.watchdogInterval().toMillis();
        if (watchdog > 0) {
            scheduler.scheduleWithFixedDelay(this::poll, watchdog, watchdog, TimeUnit.MILLISECONDS);
        }
        // The socket was opened in open(), in the caller's namespace; this thread only reads it
        // (a new thread would not inherit a setns the caller made).
        eventReader = events == null ? null : new Thread(this::readEvents, "wackamole-netlink-events");
        if (eventReader != null) {
            eventReader.setDaemon(true);
            eventReader.start();
        }
    }

    /**
     * Checks the capabilities, then opens the sockets in the calling thread's network namespace.
     *
     * @throws NetworkException naming the missing capability, or the socket that could not be opened
     */
    public static LinuxNetwork open(NetworkSettings settings) throws NetworkException {
        return open(settings, true);
    }

    /** As {@link #open(NetworkSettings)}; without {@code notifications} only the poll watches (to test it alone). */
    static LinuxNetwork open(NetworkSettings settings, boolean notifications) throws NetworkException {
        Capabilities.require();
        Rtnetlink netlink = new Rtnetlink();
        ArpAnnouncer arp = null;
        NeighbourAdvertiser ndisc = null;
        try {
            arp = new ArpAnnouncer();
            ndisc = new NeighbourAdvertiser();
            RtnetlinkEvents events = notifications ? new RtnetlinkEvents(EVENT_WAIT_MS) : null;
            return new LinuxNetwork(settings, netlink, arp, ndisc, events, ArpWatch::new);
        } catch (NetworkException | RuntimeException e) {
            netlink.close();
            if (arp != null) {
                arp.close();
            }
            if (ndisc != null) {
                ndisc.close();
            }
            throw e;
        }
    }

    /** Checks that every interface the pool names exists, so a typo fails at start and not at the first failover. */
    public synchronized void checkInterfaces(Collection<VipGroup> pool) throws NetworkException {
        for (VipGroup g : pool) {
            for (VipAddress a : g.addresses()) {
                watched.add(a.interfaceName());
                link(a.interfaceName());
            }
        }
    }

    /**
     * Make before break when every pool interface with IPv4 addresses has {@code arp_ignore >= 1}
     * and {@code arp_announce = 2} (see {@link HandoverSetup}) and {@code lo} is up; otherwise
     * release before acquire, said once in the log with the settings that are missing.
     */
    @Override
    public synchronized HandoverMode handoverMode(Collection<VipGroup> pool) {
        Set<String> v4 = new java.util.TreeSet<>();
        pool.forEach(g -> g.addresses().stream().filter(VipAddress::isIpv4).forEach(a -> v4.add(a.interfaceName())));
        List<String> missing = new ArrayList<>(HandoverSetup.missing(v4, HandoverSetup::procSys));
        try {
            if (!lookup(LOOPBACK).up()) {
                missing.add("interface lo is down");
            }
        } catch (NetworkException e) {
            missing.add(e.getMessage());
        }
        handsOver = missing.isEmpty();
        if (handsOver) {
            LOG.info("Planned moves hand over make-before-break (the new holder first takes the address on lo)");
            return HandoverMode.MAKE_BEFORE_BREAK;
        }
        LOG.warn("Planned moves release before acquiring, which loses the connection attempts of a few milliseconds: {}. "
                + "Set net.ipv4.conf.all.arp_ignore=1 and net.ipv4.conf.all.arp_announce=2 (as root; the systemd unit does) "
                + "for hand-overs without a gap", String.join("; ", missing));
        return HandoverMode.RELEASE_BEFORE_ACQUIRE;
    }

    /**
     * Puts the group's addresses on {@code lo} (host prefix): local, so the host accepts traffic for
     * them from the moment a neighbour is pointed here, but answering no ARP ({@code arp_ignore})
     * and no neighbour solicitation, so the holder stays the only one that answers.
     *
     * @return the MAC of each address's interface, in the group's order
     */
    @Override
    public synchronized List<String> prepare(VipGroup group) throws NetworkException {
        if (!handsOver) {
            throw new NetworkException("this host is not set up for hand-overs (see the warning at start): cannot prepare " + group);
        }
        if (held.containsKey(group.identity())) {
            throw new NetworkException(group + " is held here already");
        }
        Rtnetlink.Link lo = lookup(LOOPBACK);
        endLinger(group, false); // coming back before its copy on lo went: that copy is the prepared one
        List<String> macs = new ArrayList<>();
        List<VipAddress> added = new ArrayList<>();
        try {
            for (VipAddress a : group.addresses()) {
                Rtnetlink.Link link = link(a.interfaceName());
                if (link.mac() == null || link.mac().length != 6) {
                    throw new NetworkException("interface " + a.interfaceName() + " has no Ethernet address: cannot hand "
                            + a + " over to it");
                }
                macs.add(java.util.HexFormat.ofDelimiter(":").formatHex(link.mac()));
                netlink.add(lo, onLoopback(a));
                added.add(a);
            }
        } catch (NetworkException e) {
            for (VipAddress a : added) {
                try {
                    netlink.delete(lo, onLoopback(a));
                } catch (NetworkException undo) {
                    e.addSuppressed(undo);
                }
            }
            throw e;
        }
        prepared.put(group.identity(), group);
        return macs;
    }

    /**
     * Points neighbours at the new holder (a gratuitous ARP or an unsolicited neighbour advertisement
     * per address, naming its MAC), then removes the addresses as {@link #release} does, keeping a
     * copy on lo for requests in flight. Our own watch must not take the pointing for a foreign
     * claim: the group stops being ours before it goes out.
     */
    @Override
    public synchronized void handOver(VipGroup group, List<String> macs) throws NetworkException {
        boolean ours = held.containsKey(group.identity());
        redirect(group, macs);
        letGo(group, ours);
    }

    /**
     * Whether a group let go of keeps a copy on lo for requests in flight: only one that was held
     * here (its connections may still be open), only while the network is open (the server runs),
     * and only on a host set up for hand-overs, where an address on lo answers no ARP; elsewhere the
     * copy would make this host a second responder.
     */
    static boolean keepsCopyOnLo(boolean wasHeld, boolean handsOver, boolean closed) {
        return wasHeld && handsOver && !closed;
    }

    /**
     * Takes the group's addresses off their interfaces. One that was held is first put on lo (see
     * {@link #keepsCopyOnLo}), then removed from the interface, so the host never lacks the address:
     * a response to a request accepted before still goes out (its peer's next packets reach the new
     * holder, which resets the connection: reset at once, never left hanging). The copy stays
     * {@link #LINGER_MS}, until the group comes back here, or until {@link #close}.
     */
    private void letGo(VipGroup group, boolean wasHeld) throws NetworkException {
        forget(group);
        unprepare(group);
        endLinger(group, true);
        boolean kept = false;
        if (keepsCopyOnLo(wasHeld, handsOver, closed)) {
            for (VipAddress a : group.addresses()) {
                try {
                    netlink.add(lookup(LOOPBACK), onLoopback(a));
                    kept = true;
                } catch (NetworkException e) {
                    LOG.warn("Could not keep {} on lo for requests in flight: {}", a.address().getHostAddress(), e.getMessage());
                }
            }
        }
        if (kept) {
            long id = ++lingers;
            ScheduledFuture<?> gone = null;
            try {
                gone = scheduler.schedule(() -> {
                    synchronized (this) {
                        Linger current = lingering.get(group.identity());
                        if (!closed && current != null && current.id() == id) {
                            endLinger(group, true);
                        }
                    }
                }, lingerMs, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // close() has begun (it stops the scheduler first): the server no longer serves.
            }
            lingering.put(group.identity(), new Linger(group, gone, id));
            if (gone == null) {
                endLinger(group, true);
            }
        }
        NetworkException first = null;
        for (VipAddress a : group.addresses()) {
            try {
                netlink.delete(link(a.interfaceName()), a);
            } catch (MissingInterface gone) {
                LOG.debug("{}: {}; nothing to remove", a, gone.getMessage());
            } catch (NetworkException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** For tests: how long a copy on lo stays after the group was let go of (from the next release on). */
    void lingerFor(long millis) {
        lingerMs = millis;
    }

    /** Ends the group's stay on lo after it was let go of; {@code remove}: its copy on lo goes (else it is taken over as prepared). */
    private void endLinger(VipGroup group, boolean remove) {
        Linger linger = lingering.remove(group.identity());
        if (linger == null) {
            return;
        }
        if (linger.timer() != null) {
            linger.timer().cancel(false);
        }
        if (remove) {
            for (VipAddress a : group.addresses()) {
                try {
                    netlink.delete(lookup(LOOPBACK), onLoopback(a));
                } catch (NetworkException e) {
                    LOG.warn("Could not remove {} from lo: {}", a.address().getHostAddress(), e.getMessage());
                }
            }
        }
    }

    /** The first half of {@link #handOver}: the group is no longer ours, neighbours go to {@code macs}; the addresses stay. */
    synchronized void redirect(VipGroup group, List<String> macs) throws NetworkException {
        if (macs.size() != group.addresses().size()) {
            throw new NetworkException(macs.size() + " hardware addresses for the " + group.addresses().size()
                    + " addresses of " + group);
        }
        boolean ours = held.containsKey(group.identity()) && !suspended.contains(group.identity());
        forget(group);
        if (!ours) {
            return;
        }
        for (int i = 0; i < macs.size(); i++) {
            VipAddress a = group.addresses().get(i);
            byte[] mac;
            try {
                mac = java.util.HexFormat.ofDelimiter(":").parseHex(macs.get(i));
            } catch (IllegalArgumentException e) {
                throw new NetworkException("not a hardware address: '" + macs.get(i) + "'", e);
            }
            try {
                Rtnetlink.Link link = link(a.interfaceName());
                if (a.address() instanceof Inet4Address v4) {
                    arp.announceFor(link, v4, mac);
                } else {
                    ndisc.announce(link, (Inet6Address) a.address(), mac);
                }
                announcements.incrementAndGet();
            } catch (NetworkException e) {
                LOG.warn("Could not point neighbours of {} at {}: {}", a, macs.get(i), e.getMessage());
            }
        }
    }

    private static VipAddress onLoopback(VipAddress a) {
        return new VipAddress(LOOPBACK, a.address(), a.isIpv4() ? 32 : 128);
    }

    @Override
    public void setListener(NetworkListener listener) {
        this.listener = listener == null ? NetworkListener.NONE : listener;
    }

    /**
     * Adds every address and announces the group.
     *
     * @throws NetworkException naming the interface when one is missing or administratively down;
     *                          then nothing of the group was added
     */
    @Override
    public synchronized void acquire(VipGroup group) throws NetworkException {
        // A prepared group comes from a member that pointed its neighbours here: nobody else answers.
        boolean contested = false;
        if (!held.containsKey(group.identity()) && !prepared.containsKey(group.identity())) {
            contested = probe(group);
        }
        List<VipAddress> added = new ArrayList<>();
        try {
            for (VipAddress a : group.addresses()) {
                watched.add(a.interfaceName());
                addOnUsable(a);
                added.add(a);
            }
        } catch (NetworkException e) {
            // Nothing half-applied: a group is all there or not at all.
            for (VipAddress a : added) {
                try {
                    netlink.delete(link(a.interfaceName()), a);
                } catch (NetworkException undo) {
                    e.addSuppressed(undo);
                }
            }
            throw e;
        }
        held.put(group.identity(), group);
        long now = System.nanoTime();
        for (VipAddress a : group.addresses()) {
            heldAddresses.put(a.address(), new HeldAddress(group, now));
        }
        // On the interface now (the copy on lo answered nothing, the one on the interface answers):
        // the copy on lo can go.
        unprepare(group);
        endLinger(group, true);
        suspended.remove(group.identity());
        // Acquiring a group held already (e.g. after its interface came back) restarts its announcements.
        cancelSchedules(group.identity());
        announceAndSchedule(group, contested);
    }

    /**
     * Removes every address, a prepared copy on lo too; one on an interface that no longer exists is
     * gone already. A group held here keeps a copy on lo for requests in flight, as after a
     * hand-over (see {@link #letGo}).
     */
    @Override
    public synchronized void release(VipGroup group) throws NetworkException {
        letGo(group, held.containsKey(group.identity()));
    }

    /** Out of held first: the notifications of our own deletes must not bring the addresses back. */
    private void forget(VipGroup group) {
        cancelSchedules(group.identity());
        held.remove(group.identity());
        group.addresses().forEach(a -> heldAddresses.remove(a.address()));
        suspended.remove(group.identity());
    }

    private void unprepare(VipGroup group) {
        if (prepared.remove(group.identity()) == null) {
            return;
        }
        for (VipAddress a : group.addresses()) {
            try {
                netlink.delete(lookup(LOOPBACK), onLoopback(a));
            } catch (NetworkException e) {
                LOG.warn("Could not remove {} from lo: {}", a.address().getHostAddress(), e.getMessage());
            }
        }
    }

    @Override
    public synchronized void announce(VipGroup group) throws NetworkException {
        // A group on a lost interface cannot be heard; the cluster acquires it again once it is back.
        if (held.containsKey(group.identity()) && !suspended.contains(group.identity())) {
            cancelSchedules(group.identity());
            announceAndSchedule(group, false);
        }
    }

    @Override
    public synchronized List<VipAddress> removeStale(Collection<VipGroup> pool) throws NetworkException {
        List<VipGroup> notHeld = pool.stream().filter(g -> !held.containsKey(g.identity())).toList();
        Set<InetAddress> present = present(notHeld);
        List<VipAddress> removed = new ArrayList<>();
        for (VipGroup g : notHeld) {
            for (VipAddress a : g.addresses()) {
                if (present.contains(a.address())) {
                    netlink.delete(link(a.interfaceName()), a);
                    removed.add(a);
                }
            }
        }
        // Copies on lo prepared by a run killed in the middle of a hand-over.
        List<VipGroup> notPrepared = notHeld.stream().filter(g -> !prepared.containsKey(g.identity())).toList();
        if (!notPrepared.isEmpty()) {
            Rtnetlink.Link lo = lookup(LOOPBACK);
            Set<InetAddress> onLo = new java.util.HashSet<>();
            netlink.addresses(lo).forEach(p -> onLo.add(p.address()));
            for (VipGroup g : notPrepared) {
                for (VipAddress a : g.addresses()) {
                    if (onLo.contains(a.address())) {
                        netlink.delete(lo, onLoopback(a));
                        removed.add(onLoopback(a));
                    }
                }
            }
        }
        return removed;
    }

    /** The pool addresses present on their interfaces right now (for tests and the watchdog). */
    public synchronized Set<InetAddress> present(Collection<VipGroup> pool) throws NetworkException {
        Set<InetAddress> result = new LinkedHashSet<>();
        Map<String, List<Rtnetlink.Present>> byLink = new HashMap<>();
        for (VipGroup g : pool) {
            for (VipAddress a : g.addresses()) {
                List<Rtnetlink.Present> onLink = byLink.get(a.interfaceName());
                if (onLink == null) {
                    onLink = netlink.addresses(link(a.interfaceName()));
                    byLink.put(a.interfaceName(), onLink);
                }
                if (onLink.stream().anyMatch(p -> p.address().equals(a.address()))) {
                    result.add(a.address());
                }
            }
        }
        return result;
    }

    /** Announcements sent so far (gratuitous ARPs and neighbour advertisements, one per address). */
    public long announcements() {
        return announcements.get();
    }

    /** Held addresses the watchdog found missing and put back. */
    public long restored() {
        return restored.get();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            // The server has stopped serving: what it kept on lo for requests in flight goes now.
            for (Linger l : List.copyOf(lingering.values())) {
                endLinger(l.group(), true);
            }
            netlink.close();
            arp.close();
            ndisc.close();
        }
        arpWatch.close();
        neighbourWatch.close();
        // The reader closes its socket itself when it stops (at most one read timeout from now): closing
        // it under a blocked recv could hand the number to a new socket the reader would then read.
        if (eventReader != null && Thread.currentThread() != eventReader) {
            try {
                eventReader.join(2L * EVENT_WAIT_MS + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void announceAndSchedule(VipGroup group, boolean contested) {
        sendAnnouncements(group);
        List<ScheduledFuture<?>> futures = new ArrayList<>();
        for (int i = 1; contested && i <= CONTESTED_REPEATS; i++) {
            futures.add(scheduler.schedule(() -> repeat(group), contestedRepeatMs(i), TimeUnit.MILLISECONDS));
        }
        long interval = settings.announceInterval().toMillis();
        for (int i = 1; i < settings.announceCount(); i++) {
            futures.add(scheduler.schedule(() -> repeat(group), i * interval, TimeUnit.MILLISECONDS));
        }
        long refresh = settings.announceRefresh().toMillis();
        if (refresh > 0) {
            futures.add(scheduler.scheduleWithFixedDelay(() -> repeat(group), refresh, refresh, TimeUnit.MILLISECONDS));
        }
        schedules.put(group.identity(), futures);
    }

    /** When the i-th extra announcement of a contested acquisition goes out, 1-based. */
    static long contestedRepeatMs(int i) {
        return CONTESTED_FIRST_MS * ((1L << i) - 1);
    }

    private synchronized void repeat(VipGroup group) {
        if (!closed && held.containsKey(group.identity()) && !suspended.contains(group.identity())) {
            sendAnnouncements(group);
        }
    }

    /** One announcement per address; a failure is logged, not thrown: the address is held all the same. */
    private void sendAnnouncements(VipGroup group) {
        for (VipAddress a : group.addresses()) {
            try {
                Rtnetlink.Link link = link(a.interfaceName());
                if (a.address() instanceof Inet4Address v4) {
                    arp.announce(link, v4);
                    for (InetAddress target : settings.notifyTargets()) {
                        queueNotify(link, v4, (Inet4Address) target);
                    }
                } else {
                    ndisc.announce(link, (Inet6Address) a.address());
                }
                announcements.incrementAndGet();
            } catch (NetworkException e) {
                LOG.warn("Could not announce {}: {}", a, e.getMessage());
            }
        }
    }

    private void queueNotify(Rtnetlink.Link link, Inet4Address vip, Inet4Address target) {
        synchronized (notifyQueue) {
            // Bounded: one pass of the list per address; older passes are superseded anyway.
            if (notifyQueue.size() < 16 * Math.max(1, settings.notifyTargets().size())) {
                notifyQueue.add(() -> {
                    try {
                        arp.notify(link, vip, target);
                    } catch (NetworkException e) {
                        LOG.debug("Notify ARP to {} failed: {}", target.getHostAddress(), e.getMessage());
                    }
                });
            }
        }
    }

    private void drainNotifyQueue() {
        int budget = Math.max(1, (int) (settings.notifyRate() * NOTIFY_TICK_MS / 1000));
        for (int i = 0; i < budget; i++) {
            Runnable next;
            synchronized (notifyQueue) {
                next = notifyQueue.poll();
            }
            if (next == null) {
                return;
            }
            next.run();
        }
    }

    /** The notification reader: runs until {@link #close}, then closes its socket. */
    private void readEvents() {
        try {
            while (!closed) {
                List<RtnetlinkEvents.Event> batch;
                try {
                    batch = events.receive();
                } catch (RtnetlinkEvents.Overrun e) {
                    LOG.warn("{}; checking every held address and interface now", e.getMessage());
                    try {
                        scheduler.execute(this::poll);
                    } catch (java.util.concurrent.RejectedExecutionException closing) {
                        return; // closed meanwhile
                    }
                    continue;
                } catch (NetworkException e) {
                    LOG.warn("{}; the watchdog poll still runs", e.getMessage());
                    sleepQuietly(EVENT_WAIT_MS);
                    continue;
                }
                if (!batch.isEmpty()) {
                    List<Runnable> news = new ArrayList<>();
                    handle(batch, news);
                    tell(news);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("The rtnetlink notification reader stopped; only the watchdog poll remains", e);
        } finally {
            events.close();
        }
    }

    private synchronized void handle(List<RtnetlinkEvents.Event> batch, List<Runnable> news) {
        for (RtnetlinkEvents.Event e : batch) {
            if (closed) {
                return;
            }
            if (e instanceof RtnetlinkEvents.LinkEvent l) {
                onLink(l.link(), l.deleted(), news);
            } else if (e instanceof RtnetlinkEvents.AddressEvent a && a.deleted() && restoring) {
                onAddressRemoved(a.index(), a.address(), news);
            }
        }
    }

    private void onLink(Rtnetlink.Link link, boolean deleted, List<Runnable> news) {
        String name = link.name();
        if (name == null) {
            return; // the kernel always names the link; nothing to match otherwise
        }
        // A cached name with this index that is not the name now: the interface was renamed.
        for (Map.Entry<String, Rtnetlink.Link> cached : List.copyOf(links.entrySet())) {
            if (cached.getValue().index() == link.index() && !cached.getKey().equals(name)) {
                links.remove(cached.getKey());
                linkState(cached.getKey(), null, news);
            }
        }
        if (deleted) {
            Rtnetlink.Link cached = links.get(name);
            if (cached != null && cached.index() == link.index()) {
                links.remove(name);
            }
            linkState(name, null, news);
        } else if (watched.contains(name) || links.containsKey(name)) {
            links.put(name, link);
            linkState(name, link, news);
        }
    }

    private void onAddressRemoved(int index, InetAddress address, List<Runnable> news) {
        for (VipGroup g : List.copyOf(held.values())) {
            for (VipAddress a : g.addresses()) {
                Rtnetlink.Link cached = links.get(a.interfaceName());
                if (a.address().equals(address) && cached != null && cached.index() == index) {
                    restore(g, a, news);
                }
            }
        }
    }

    /**
     * Puts a held address back if the kernel no longer has it, unless its interface is gone or down
     * (then the interface is reported lost instead). The link is read afresh: the notification that
     * removed the address may be the first sign that the interface is going away.
     */
    private void restore(VipGroup group, VipAddress a, List<Runnable> news) {
        if (suspended.contains(group.identity()) || !held.containsKey(group.identity())) {
            return;
        }
        String name = a.interfaceName();
        Rtnetlink.Link link;
        try {
            link = lookup(name);
        } catch (MissingInterface e) {
            linkState(name, null, news);
            return;
        } catch (NetworkException e) {
            LOG.warn("Watchdog could not look up {}: {}", name, e.getMessage());
            return;
        }
        linkState(name, link, news);
        if (suspended.contains(group.identity())) {
            return;
        }
        try {
            if (netlink.add(link, a)) {
                LOG.warn("{} was removed from {} by someone else while we hold it; added it again", a, name);
                restored.incrementAndGet();
                cancelSchedules(group.identity());
                announceAndSchedule(group, false);
                NetworkListener l = listener;
                news.add(() -> l.addressRestored(a));
            }
        } catch (NetworkException e) {
            LOG.warn("Watchdog could not put back {}: {}", a, e.getMessage());
        }
    }

    /** Notes whether a watched interface is usable ({@code link} null: it does not exist) and reports a change. */
    private void linkState(String name, Rtnetlink.Link link, List<Runnable> news) {
        if (!watched.contains(name)) {
            return;
        }
        NetworkListener l = listener;
        if ((link == null || !link.usable()) && lost.add(name)) {
            LOG.warn("Interface {} is {}; VIPs held on it are no longer put back", name, link == null ? "gone" : link.state());
            for (VipGroup g : held.values()) {
                if (g.addresses().stream().anyMatch(a -> a.interfaceName().equals(name))) {
                    suspended.add(g.identity());
                }
            }
            news.add(() -> l.interfaceLost(name));
        } else if (link != null && link.usable() && lost.remove(name)) {
            LOG.info("Interface {} is back (index {})", name, link.index());
            resumeIntact(name);
            news.add(() -> l.interfaceBack(name));
        }
    }

    /**
     * Watches again the suspended groups on an interface that is back whose addresses are all still
     * there (IPv4 addresses survive a link down, every address a carrier loss); those missing any
     * wait for the cluster to acquire or release them.
     */
    private void resumeIntact(String name) {
        for (String identity : List.copyOf(suspended)) {
            VipGroup g = held.get(identity);
            if (g == null || g.addresses().stream().noneMatch(a -> a.interfaceName().equals(name))) {
                continue;
            }
            try {
                boolean intact = true;
                for (VipAddress a : g.addresses()) {
                    Rtnetlink.Link link = links.get(a.interfaceName());
                    intact &= link != null && !lost.contains(a.interfaceName())
                            && netlink.addresses(link).stream().anyMatch(p -> p.address().equals(a.address()));
                }
                if (intact) {
                    suspended.remove(identity);
                }
            } catch (NetworkException e) {
                LOG.warn("Could not check {} on {}: {}", g, name, e.getMessage());
            }
        }
    }

    /** The backstop: every watched interface read afresh, every held address checked; on the scheduler thread. */
    private void poll() {
        List<Runnable> news = new ArrayList<>();
        pollLocked(news);
        tell(news);
    }

    private synchronized void pollLocked(List<Runnable> news) {
        if (closed) {
            return;
        }
        for (String name : List.copyOf(watched)) {
            try {
                linkState(name, lookup(name), news);
            } catch (MissingInterface e) {
                linkState(name, null, news);
            } catch (NetworkException e) {
                LOG.warn("Watchdog could not look up {}: {}", name, e.getMessage());
            }
        }
        if (!restoring) {
            return;
        }
        Map<String, List<Rtnetlink.Present>> byLink = new HashMap<>();
        for (VipGroup group : List.copyOf(held.values())) {
            for (VipAddress a : group.addresses()) {
                String name = a.interfaceName();
                if (lost.contains(name) || suspended.contains(group.identity())) {
                    continue;
                }
                try {
                    List<Rtnetlink.Present> present = byLink.get(name);
                    if (present == null) {
                        present = netlink.addresses(link(name));
                        byLink.put(name, present);
                    }
                    if (present.stream().noneMatch(p -> p.address().equals(a.address()))) {
                        restore(group, a, news);
                    }
                } catch (NetworkException e) {
                    LOG.warn("Watchdog could not check {}: {}", a, e.getMessage());
                }
            }
        }
    }

    /** Runs the listener calls gathered under the lock, outside it; a failing listener does not stop the others. */
    private static void tell(List<Runnable> news) {
        for (Runnable r : news) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("Network listener failed", e);
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void cancelSchedules(String identity) {
        List<ScheduledFuture<?>> futures = schedules.remove(identity);
        if (futures != null) {
            futures.forEach(f -> f.cancel(false));
        }
    }

    /**
     * Adds the address on its interface, which must exist and be up; a cached index gone stale is
     * refreshed once. An interface up without carrier is accepted: the address answers as soon as
     * the carrier is back, and refusing would make a member cut off from its peers fail every
     * acquire its singleton view asks for (the listener has been told the interface is lost).
     */
    private void addOnUsable(VipAddress a) throws NetworkException {
        String name = a.interfaceName();
        Rtnetlink.Link link = links.get(name);
        if (link == null || !link.up()) {
            link = lookup(name);
        }
        for (int attempt = 0; ; attempt++) {
            if (!link.up()) {
                throw new NetworkException("cannot add " + a + ": interface " + name + " is " + link.state());
            }
            try {
                netlink.add(link, a);
                return;
            } catch (Rtnetlink.KernelError e) {
                if (e.errno != Errno.ENODEV || attempt > 0) {
                    throw e;
                }
                link = lookup(name); // recreated under the same name: a new index
            }
        }
    }

    /**
     * Asks the segment who answers for the group's addresses before we add them (RFC 5227's
     * probe, without its seconds of waiting). A host that ran a member of this cluster is a stale
     * holder (its JVM died, its kernel answers): we take over and out-announce it. Any other host is
     * a conflict: we do not take the group. IPv6 addresses are asked about with a neighbour
     * solicitation in the same short wait; their holder's kernel answers with a solicited advertisement.
     *
     * @return whether a former member's host answered (the group is then announced more often)
     */
    private boolean probe(VipGroup group) throws NetworkException {
        List<ArpWatch.Probe> probes = probesFor(List.of(group));
        for (ArpWatch.Probe p : probes) {
            arpWatch.watch(p.address());
            remember(p.link());
        }
        long deadline = System.nanoTime() + PROBE_WAIT_NANOS;
        // Both families wait together: the solicitations go out first, their answers are read after the ARP probe's.
        List<NeighbourWatch.Probe> solicited = neighbourWatch.solicit(solicitationsFor(group));
        if (probes.isEmpty() && solicited.isEmpty()) {
            return false;
        }
        Map<InetAddress, String> answers = new LinkedHashMap<>();
        if (!probes.isEmpty()) {
            answers.putAll(arpWatch.probe(probes, PROBE_WAIT_NANOS));
        }
        if (!solicited.isEmpty()) {
            answers.putAll(neighbourWatch.answers(solicited, deadline));
        }
        for (Map.Entry<InetAddress, String> answer : answers.entrySet()) {
            InetAddress address = answer.getKey();
            String mac = answer.getValue();
            VipAddress a = group.addresses().stream().filter(x -> x.address().equals(address)).findFirst().orElseThrow();
            String member = memberMacs.get(mac);
            conflicts.incrementAndGet();
            tellConflict(a, mac, member, true);
            if (member == null) {
                throw new NetworkException(address.getHostAddress() + " is answered by " + mac
                        + ", a host that is no member of this cluster (another cluster or a static address?): not taking "
                        + group);
            }
            LOG.warn("{} is still answered by {}, the host of former member {} (its JVM died, its kernel did not): "
                    + "taking it over and out-announcing it", a, mac, member);
        }
        return !answers.isEmpty();
    }

    /** One probe per IPv6 address of the group whose interface is usable. */
    private List<NeighbourWatch.Probe> solicitationsFor(VipGroup group) throws NetworkException {
        List<NeighbourWatch.Probe> probes = new ArrayList<>();
        for (VipAddress a : group.addresses()) {
            if (a.address() instanceof Inet6Address v6) {
                Rtnetlink.Link link = link(a.interfaceName());
                if (link.usable()) {
                    probes.add(new NeighbourWatch.Probe(link, v6));
                }
            }
        }
        return probes;
    }

    @Override
    public synchronized Set<String> answering(Collection<VipGroup> groups) throws NetworkException {
        List<ArpWatch.Probe> probes = probesFor(groups);
        return probes.isEmpty() ? Set.of() : Set.copyOf(arpWatch.probe(probes, PROBE_WAIT_NANOS).values());
    }

    /** One probe per IPv4 address of the groups whose interface is usable, asked on that interface. */
    private List<ArpWatch.Probe> probesFor(Collection<VipGroup> groups) throws NetworkException {
        List<ArpWatch.Probe> probes = new ArrayList<>();
        for (VipGroup group : groups) {
            for (VipAddress a : group.addresses()) {
                if (a.address() instanceof Inet4Address v4) {
                    Rtnetlink.Link link = link(a.interfaceName());
                    if (link.usable()) {
                        probes.add(new ArpWatch.Probe(link, v4));
                    }
                }
            }
        }
        return probes;
    }

    /** From a watch's thread (ARP or neighbour advertisements): another host claims an address. */
    private void onClaim(ArpWatch.Claim c) {
        HeldAddress held = heldAddresses.get(c.address());
        if (held == null || closed) {
            return;
        }
        if (c.probeAnswer() && c.nanos() - held.sinceNanos() <= TAKEN_AFTER_NANOS) {
            return; // the answer to the probe we made just before adding it, read late: the probe reported it
        }
        VipGroup group = held.group();
        conflicts.incrementAndGet();
        VipAddress a = group.addresses().stream().filter(x -> x.address().equals(c.address())).findFirst().orElse(null);
        if (a == null) {
            return;
        }
        String member = memberMacs.get(c.mac());
        if (member != null && c.gratuitous() && c.nanos() - held.sinceNanos() > TAKEN_AFTER_NANOS) {
            // A live member took it: defending would make clients flip between two holders.
            tellTaken(a, c.mac(), member);
            return;
        }
        tellConflict(a, c.mac(), member, false);
        long now = System.nanoTime();
        Long last = lastDefence.get(c.address());
        if (last == null || now - last > DEFEND_INTERVAL_NANOS) {
            lastDefence.put(c.address(), now);
            scheduler.execute(() -> repeat(group));
        }
    }

    private void tellTaken(VipAddress a, String mac, String member) {
        NetworkListener l = listener;
        try {
            l.taken(a, mac, member);
        } catch (RuntimeException e) {
            LOG.warn("Conflict listener failed", e);
        }
    }

    private void tellConflict(VipAddress a, String mac, String member, boolean probing) {
        String key = a.address().getHostAddress() + " " + mac;
        long now = System.nanoTime();
        Long last = lastConflictLog.get(key);
        if (last == null || now - last > CONFLICT_LOG_NANOS) {
            lastConflictLog.put(key, now);
            if (!probing) {
                LOG.warn("{} is claimed by {} ({}) while we hold it: announcing it again", a, mac,
                        member == null ? "no member of this cluster" : "host of former member " + member);
            }
            if (lastConflictLog.size() > 4096) {
                lastConflictLog.clear();
            }
        }
        NetworkListener l = listener;
        try {
            l.conflict(a, mac, member, probing);
        } catch (RuntimeException e) {
            LOG.warn("Conflict listener failed", e);
        }
    }

    private void remember(Rtnetlink.Link link) {
        if (link.mac() != null && link.mac().length == 6) {
            ownMacs.add(java.util.HexFormat.ofDelimiter(":").formatHex(link.mac()));
        }
    }

    @Override
    public void knownMembers(Map<String, String> macToNode) {
        memberMacs = Map.copyOf(macToNode);
    }

    @Override
    public synchronized List<String> hardwareAddresses() {
        Set<String> macs = new java.util.LinkedHashSet<>();
        for (Rtnetlink.Link link : links.values()) {
            if (link.mac() != null && link.mac().length == 6) {
                macs.add(java.util.HexFormat.ofDelimiter(":").formatHex(link.mac()));
            }
        }
        return List.copyOf(macs);
    }

    /** Foreign claims of our addresses seen, by the probe or while holding. */
    public long conflicts() {
        return conflicts.get();
    }

    /** The interface as cached, or read from the kernel the first time. */
    private Rtnetlink.Link link(String name) throws NetworkException {
        Rtnetlink.Link link = links.get(name);
        return link != null ? link : lookup(name);
    }

    /** The interface read from the kernel now (and cached). */
    private Rtnetlink.Link lookup(String name) throws NetworkException {
        try {
            Rtnetlink.Link link = netlink.link(name);
            links.put(name, link);
            remember(link);
            return link;
        } catch (Rtnetlink.KernelError e) {
            if (e.errno == Errno.ENODEV) {
                links.remove(name);
                throw new MissingInterface("interface " + name + " does not exist: " + LibC.describe(e.errno), e);
            }
            throw e;
        }
    }

    /** The interface named does not exist (ENODEV). */
    private static final class MissingInterface extends NetworkException {
        private static final long serialVersionUID = 1L;

        MissingInterface(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
