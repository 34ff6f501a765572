package org.wackamole.network.linux;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wackamole.config.NetworkSettings;
import org.wackamole.config.VipAddress;
import org.wackamole.config.VipGroup;
import org.wackamole.network.NetworkException;
import org.wackamole.network.VipNetwork;

/**
 * Holding VIPs on Linux for real: addresses through rtnetlink, announcements by gratuitous ARP and
 * unsolicited neighbour advertisements, repeated on a schedule, Wackamole's notify list, and a
 * watchdog that puts back a held address someone else removed.
 *
 * <p>All sockets are opened by {@link #open}, in the network namespace of the calling thread.
 * The first announcement of a VIP is sent by the caller at once; repeats, refreshes, notify ARPs
 * and the watchdog run on this network's own scheduler thread, so the cluster's thread never sleeps.
 */
public final class LinuxNetwork implements VipNetwork {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxNetwork.class);
    private static final long NOTIFY_TICK_MS = 100;

    private final NetworkSettings settings;
    private final Rtnetlink netlink;
    private final ArpAnnouncer arp;
    private final NeighbourAdvertiser ndisc;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Rtnetlink.Link> links = new HashMap<>();
    /** Groups held, by identity; only these are announced, refreshed and watched. */
    private final Map<String, VipGroup> held = new LinkedHashMap<>();
    private final Map<String, List<ScheduledFuture<?>>> schedules = new HashMap<>();
    private final Queue<Runnable> notifyQueue = new ArrayDeque<>();
    private final AtomicLong announcements = new AtomicLong();
    private final AtomicLong restored = new AtomicLong();

    private LinuxNetwork(NetworkSettings settings, Rtnetlink netlink, ArpAnnouncer arp, NeighbourAdvertiser ndisc) {
        this.settings = settings;
        this.netlink = netlink;
        this.arp = arp;
        this.ndisc = ndisc;
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
            scheduler.scheduleWithFixedDelay(this::watch, watchdog, watchdog, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Checks the capabilities, then opens the sockets in the calling thread's network namespace.
     *
     * @throws NetworkException naming the missing capability, or the socket that could not be opened
     */
    public static LinuxNetwork open(NetworkSettings settings) throws NetworkException {
        Capabilities.require();
        Rtnetlink netlink = new Rtnetlink();
        ArpAnnouncer arp = null;
        try {
            arp = new ArpAnnouncer();
            NeighbourAdvertiser ndisc = new NeighbourAdvertiser();
            return new LinuxNetwork(settings, netlink, arp, ndisc);
        } catch (NetworkException | RuntimeException e) {
            netlink.close();
            if (arp != null) {
                arp.close();
            }
            throw e;
        }
    }

    /** Checks that every interface the pool names exists, so a typo fails at start and not at the first failover. */
    public synchronized void checkInterfaces(Collection<VipGroup> pool) throws NetworkException {
        for (VipGroup g : pool) {
            for (VipAddress a : g.addresses()) {
                link(a.interfaceName());
            }
        }
    }

    @Override
    public synchronized void acquire(VipGroup group) throws NetworkException {
        List<VipAddress> added = new ArrayList<>();
        try {
            for (VipAddress a : group.addresses()) {
                netlink.add(link(a.interfaceName()), a);
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
        announceAndSchedule(group);
    }

    @Override
    public synchronized void release(VipGroup group) throws NetworkException {
        cancelSchedules(group.identity());
        held.remove(group.identity());
        NetworkException first = null;
        for (VipAddress a : group.addresses()) {
            try {
                netlink.delete(link(a.interfaceName()), a);
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

    @Override
    public synchronized void announce(VipGroup group) throws NetworkException {
        if (held.containsKey(group.identity())) {
            cancelSchedules(group.identity());
            announceAndSchedule(group);
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
            netlink.close();
            arp.close();
            ndisc.close();
        }
    }

    private void announceAndSchedule(VipGroup group) {
        sendAnnouncements(group);
        List<ScheduledFuture<?>> futures = new ArrayList<>();
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

    private synchronized void repeat(VipGroup group) {
        if (held.containsKey(group.identity())) {
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

    private synchronized void watch() {
        for (VipGroup group : List.copyOf(held.values())) {
            for (VipAddress a : group.addresses()) {
                try {
                    Rtnetlink.Link link = link(a.interfaceName());
                    boolean there = netlink.addresses(link).stream().anyMatch(p -> p.address().equals(a.address()));
                    if (!there) {
                        LOG.warn("{} was removed from {} by someone else while we hold it; adding it again", a, link.name());
                        netlink.add(link, a);
                        restored.incrementAndGet();
                        cancelSchedules(group.identity());
                        announceAndSchedule(group);
                    }
                } catch (NetworkException e) {
                    LOG.warn("Watchdog could not check {}: {}", a, e.getMessage());
                }
            }
        }
    }

    private void cancelSchedules(String identity) {
        List<ScheduledFuture<?>> futures = schedules.remove(identity);
        if (futures != null) {
            futures.forEach(f -> f.cancel(false));
        }
    }

    private Rtnetlink.Link link(String name) throws NetworkException {
        Rtnetlink.Link link = links.get(name);
        if (link == null) {
            try {
                link = netlink.link(name);
            } catch (Rtnetlink.KernelError e) {
                if (e.errno == Errno.ENODEV) {
                    throw new NetworkException("interface " + name + " does not exist: " + LibC.describe(e.errno), e);
                }
                throw e;
            }
            links.put(name, link);
        }
        return link;
    }
}
