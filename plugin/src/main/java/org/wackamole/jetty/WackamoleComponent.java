package org.wackamole.jetty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import javax.management.MBeanNotificationInfo;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.eclipse.jetty.util.annotation.ManagedOperation;
import org.eclipse.jetty.util.annotation.Name;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.component.Graceful;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wackamole.cluster.ClusterListener;
import org.wackamole.cluster.ClusterMember;
import org.wackamole.cluster.JGroupsStacks;
import org.wackamole.cluster.MemberState;
import org.wackamole.cluster.MemberStatus;
import org.wackamole.config.Setting;
import org.wackamole.config.WackamoleConfig;
import org.wackamole.network.NetworkLog;
import org.wackamole.network.VipNetwork;
import org.wackamole.network.VipNetworks;

/**
 * Wackamole inside Jetty: a bean of the {@link Server} that owns this server's cluster member.
 *
 * <p>It joins the cluster when it starts (before the connectors accept) but claims VIPs only once
 * the whole server has started, so no VIP is held while nothing listens; if the server fails to
 * start, nothing is ever claimed. It holds VIPs only while it is healthy ({@link HealthCheck} child
 * beans) and not drained by an operator. On a graceful stop ({@link Graceful}, run while connectors
 * still serve in-flight requests) it hands its VIPs over to peers and leaves; {@link #doStop()} does
 * the same when the server stops without a stop timeout. The hand-over starts as soon as the
 * server starts stopping, before connectors stop accepting.
 *
 * <p>Configured by setters (one per {@code wackamole.*} key, from {@code etc/wackamole.xml} or a
 * jetty.xml) or {@link #setSetting}; everything is validated at start by {@link WackamoleConfig}.
 */
@ManagedObject("Wackamole: this server's share of the farm's virtual IP addresses")
public class WackamoleComponent extends ContainerLifeCycle implements Graceful {
    public static final String NOTIFICATION_ACQUIRED = "org.wackamole.vip.acquired";
    public static final String NOTIFICATION_RELEASED = "org.wackamole.vip.released";
    public static final String NOTIFICATION_CONFLICT = "org.wackamole.vip.conflict";
    private static final Logger LOG = LoggerFactory.getLogger(WackamoleComponent.class);

    private final Server server;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final NetworkLog dryRunLog = new NetworkLog();
    private final NotificationBroadcasterSupport notifications = new NotificationBroadcasterSupport(
            new MBeanNotificationInfo(new String[] {NOTIFICATION_ACQUIRED, NOTIFICATION_RELEASED, NOTIFICATION_CONFLICT},
                    Notification.class.getName(), "A VIP group was acquired or released by this member, or another host answers for it"));
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicReference<CompletableFuture<Void>> shutdown = new AtomicReference<>();
    private final LifeCycle.Listener serverEvents = new LifeCycle.Listener() {
        @Override
        public void lifeCycleStarted(LifeCycle event) {
            started = true;
            LOG.info("Server started: Wackamole may claim VIPs");
            updateEligibility();
        }

        /**
         * The earliest moment of a stop: before any Graceful bean runs. Connectors are Graceful too
         * and stop accepting in that phase; handing the VIPs over first means no client is refused
         * by a closing connector while we still hold its VIP.
         */
        @Override
        public void lifeCycleStopping(LifeCycle event) {
            try {
                shutdown().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Hand-over before stopping did not complete: {}", e.toString());
            }
        }
    };

    private volatile WackamoleConfig config;
    private volatile ClusterMember member;
    private volatile VipNetwork network;
    private volatile boolean started;
    private volatile boolean healthy = true;
    private volatile boolean operatorDrained;
    private ScheduledExecutorService healthThread;
    private int healthFailures;

    public WackamoleComponent(Server server) {
        this.server = server;
    }

    // ------------------------------------------------------------------ configuration

    /** Sets any {@code wackamole.*} key; validated at start. */
    public void setSetting(String key, String value) {
        if (isStarted()) {
            throw new IllegalStateException("Wackamole settings cannot change while it runs: " + key);
        }
        if (value == null || value.isBlank()) {
            settings.remove(key);
        } else {
            settings.put(key, value.trim());
        }
    }

    private void set(Setting s, Object value) {
        setSetting(s.key(), value == null ? null : value.toString());
    }

    public void setCluster(String v) {
        set(Setting.CLUSTER, v);
    }

    public void setNode(String v) {
        set(Setting.NODE, v);
    }

    public void setInterface(String v) {
        set(Setting.INTERFACE, v);
    }

    public void setVips(String v) {
        set(Setting.VIPS, v);
    }

    public void setPrefer(String v) {
        set(Setting.PREFER, v);
    }

    public void setMature(String v) {
        set(Setting.MATURE, v);
    }

    public void setBalanceInterval(String v) {
        set(Setting.BALANCE_INTERVAL, v);
    }

    public void setBalancePerRound(String v) {
        set(Setting.BALANCE_PER_ROUND, v);
    }

    public void setWeight(String v) {
        set(Setting.WEIGHT, v);
    }

    public void setPartition(String v) {
        set(Setting.PARTITION, v);
    }

    public void setQuorum(String v) {
        set(Setting.QUORUM, v);
    }

    public void setNetwork(String v) {
        set(Setting.NETWORK, v);
    }

    public void setAnnounceCount(String v) {
        set(Setting.ANNOUNCE_COUNT, v);
    }

    public void setAnnounceInterval(String v) {
        set(Setting.ANNOUNCE_INTERVAL, v);
    }

    public void setAnnounceRefresh(String v) {
        set(Setting.ANNOUNCE_REFRESH, v);
    }

    public void setNotify(String v) {
        set(Setting.NOTIFY, v);
    }

    public void setNotifyRate(String v) {
        set(Setting.NOTIFY_RATE, v);
    }

    public void setWatchdogInterval(String v) {
        set(Setting.WATCHDOG_INTERVAL, v);
    }

    public void setHealthUrl(String v) {
        set(Setting.HEALTH_URL, v);
    }

    public void setHealthInterval(String v) {
        set(Setting.HEALTH_INTERVAL, v);
    }

    public void setHealthThreshold(String v) {
        set(Setting.HEALTH_THRESHOLD, v);
    }

    public void setJgroupsConfig(String v) {
        set(Setting.JGROUPS_CONFIG, v);
    }

    public void setJgroupsBindAddress(String v) {
        set(Setting.JGROUPS_BIND_ADDRESS, v);
    }

    public void setJgroupsInitialHosts(String v) {
        set(Setting.JGROUPS_INITIAL_HOSTS, v);
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    protected void doStart() throws Exception {
        // A bad setting stops the server here, with the message naming the key.
        WackamoleConfig c = WackamoleConfig.parse(settings, WackamoleComponent::hostName);
        config = c;
        VipNetwork n = VipNetworks.create(c, dryRunLog);
        network = n;
        if (c.health().url() != null) {
            addBean(new HttpHealthCheck(c.health().url(), c.health().interval()));
        }
        ClusterMember m = new ClusterMember(c, n, JGroupsStacks.fromConfig(c));
        m.addListener(new ClusterListener() {
            @Override
            public void acquired(String group) {
                sendNotification(NOTIFICATION_ACQUIRED, group);
            }

            @Override
            public void conflict(String group, String address, String mac, String member) {
                sendNotification(NOTIFICATION_CONFLICT, group);
            }

            @Override
            public void released(String group) {
                sendNotification(NOTIFICATION_RELEASED, group);
            }
        });
        shutdown.set(null);
        started = false;
        healthy = true;
        healthFailures = 0;
        super.doStart();
        try {
            m.start(false);
        } catch (Exception e) {
            n.close();
            throw e;
        }
        member = m;
        server.addEventListener(serverEvents);
        if (server.isStarted()) {
            started = true; // added to a running server
        }
        List<HealthCheck> checks = new ArrayList<>(getBeans(HealthCheck.class));
        if (!checks.isEmpty()) {
            long interval = c.health().interval().toMillis();
            healthThread = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "wackamole-health");
                t.setDaemon(true);
                return t;
            });
            healthThread.scheduleWithFixedDelay(() -> checkHealth(checks), interval, interval, TimeUnit.MILLISECONDS);
        }
        updateEligibility();
    }

    /** Graceful stop: hand the VIPs over and leave while the connectors still serve. */
    @Override
    public CompletableFuture<Void> shutdown() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!shutdown.compareAndSet(null, done)) {
            return shutdown.get();
        }
        CompletableFuture.runAsync(this::leave).whenComplete((v, e) -> done.complete(null));
        return done;
    }

    @Override
    public boolean isShutdown() {
        return shutdown.get() != null;
    }

    @Override
    protected void doStop() throws Exception {
        if (healthThread != null) {
            healthThread.shutdownNow();
            healthThread = null;
        }
        server.removeEventListener(serverEvents);
        CompletableFuture<Void> graceful = shutdown.get();
        if (graceful != null) {
            graceful.get(10, TimeUnit.SECONDS);
        } else {
            leave();
        }
        VipNetwork n = network;
        if (n != null) {
            n.close();
        }
        getBeans(HealthCheck.class).forEach(this::removeBean);
        super.doStop();
    }

    private void leave() {
        ClusterMember m = member;
        if (m != null) {
            LOG.info("Stopping: handing VIPs over to peers and leaving the cluster");
            m.leave();
        }
    }

    private void checkHealth(List<HealthCheck> checks) {
        boolean ok = true;
        for (HealthCheck check : checks) {
            if (!check.healthy()) {
                ok = false;
                if (healthy) {
                    LOG.warn("Health check failed: {}", check.describe());
                }
            }
        }
        if (ok) {
            healthFailures = 0;
            if (!healthy) {
                LOG.info("Healthy again: taking a share of the VIPs back");
                healthy = true;
                updateEligibility();
            }
        } else if (++healthFailures >= config.health().threshold() && healthy) {
            LOG.warn("{} failed health checks in a row: draining", healthFailures);
            healthy = false;
            updateEligibility();
        }
    }

    private void updateEligibility() {
        ClusterMember m = member;
        if (m == null) {
            return;
        }
        if (started && healthy && !operatorDrained && !isShutdown()) {
            m.resume();
        } else {
            m.drain();
        }
    }

    private void sendNotification(String type, String group) {
        Notification n = new Notification(type, getObjectNameText(), sequence.incrementAndGet(), System.currentTimeMillis(),
                (NOTIFICATION_ACQUIRED.equals(type) ? "acquired " : "released ") + group);
        n.setUserData(group);
        notifications.sendNotification(n);
    }

    /** JMX notifications of this member (the companion MBean emits them). */
    public NotificationBroadcasterSupport getNotifications() {
        return notifications;
    }

    /** The stable JMX name: {@code org.wackamole:type=wackamole,node=NODE}. */
    public String getObjectNameText() {
        String node = getNode();
        boolean plain = node.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '-' || ch == '_' || ch == '.');
        return "org.wackamole:type=wackamole,node=" + (plain ? node : javax.management.ObjectName.quote(node));
    }

    // ------------------------------------------------------------------ JMX

    private MemberStatus status() {
        ClusterMember m = member;
        return m == null ? null : m.status();
    }

    @ManagedAttribute(value = "Name of the JGroups cluster", name = "Cluster", readonly = true)
    public String getCluster() {
        WackamoleConfig c = config;
        return c != null ? c.cluster() : settings.getOrDefault(Setting.CLUSTER.key(), Setting.CLUSTER.defaultValue());
    }

    @ManagedAttribute(value = "This member's name", name = "Node", readonly = true)
    public String getNode() {
        WackamoleConfig c = config;
        return c != null ? c.node() : settings.getOrDefault(Setting.NODE.key(), hostName());
    }

    @ManagedAttribute(value = "JOINING, MATURING, RUNNING, PAUSED, MINORITY, DRAINED or STOPPED", name = "State", readonly = true)
    public String getState() {
        MemberStatus s = status();
        if (s == null || !isStarted()) {
            return MemberState.STOPPED.name();
        }
        if (!started && s.state() != MemberState.STOPPED) {
            return MemberState.JOINING.name(); // in the cluster, waiting for the server to start
        }
        return s.state().name();
    }

    @ManagedAttribute(value = "Members of the current view, coordinator first", name = "Members", readonly = true)
    public String[] getMembers() {
        MemberStatus s = status();
        return s == null ? new String[0] : s.members().toArray(new String[0]);
    }

    @ManagedAttribute(value = "Coordinator of the current view", name = "Coordinator", readonly = true)
    public String getCoordinator() {
        MemberStatus s = status();
        return s == null ? null : s.coordinator();
    }

    @ManagedAttribute(value = "JGroups view id", name = "ViewId", readonly = true)
    public String getViewId() {
        MemberStatus s = status();
        return s == null ? null : s.viewId();
    }

    @ManagedAttribute(value = "Identities of the VIP groups held here", name = "HeldVips", readonly = true)
    public String[] getHeldVips() {
        MemberStatus s = status();
        return s == null ? new String[0] : s.held().stream().sorted().toArray(String[]::new);
    }

    @ManagedAttribute(value = "The whole pool as identity=member (member empty when nobody may hold it)", name = "Allocation", readonly = true)
    public String[] getAllocation() {
        MemberStatus s = status();
        if (s == null) {
            return new String[0];
        }
        return s.allocation().entrySet().stream()
                .map(e -> e.getKey() + "=" + (e.getValue() == null ? "" : e.getValue())).toArray(String[]::new);
    }

    @ManagedAttribute(value = "Identities of the VIP groups this member prefers", name = "Preferred", readonly = true)
    public String[] getPreferred() {
        WackamoleConfig c = config;
        return c == null ? new String[0] : c.preferred().toArray(new String[0]);
    }

    @ManagedAttribute(value = "Effective settings as key=value", name = "Settings", readonly = true)
    public String[] getSettings() {
        WackamoleConfig c = config;
        Map<String, String> s = c != null ? c.settings() : settings;
        return s.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    @ManagedAttribute(value = "Whether an operator drained this member", name = "Drained", readonly = true)
    public boolean isDrained() {
        return operatorDrained;
    }

    @ManagedAttribute(value = "Whether the health checks pass", name = "Healthy", readonly = true)
    public boolean isHealthy() {
        return healthy;
    }

    @ManagedAttribute(value = "VIP groups acquired since start", name = "Acquisitions", readonly = true)
    public long getAcquisitions() {
        return counter(MemberStatus.Counters::acquisitions, 0);
    }

    @ManagedAttribute(value = "VIP groups released since start", name = "Releases", readonly = true)
    public long getReleases() {
        return counter(MemberStatus.Counters::releases, 0);
    }

    @ManagedAttribute(value = "Announcements (gratuitous ARP / neighbour advertisement rounds) since start", name = "Announcements", readonly = true)
    public long getAnnouncements() {
        return counter(MemberStatus.Counters::announcements, 0);
    }

    @ManagedAttribute(value = "VIP groups taken over from a member that left or died", name = "Failovers", readonly = true)
    public long getFailovers() {
        return counter(MemberStatus.Counters::failovers, 0);
    }

    @ManagedAttribute(value = "Milliseconds from the view change to taking over, for the latest failover (-1: none yet)", name = "LastFailoverMillis", readonly = true)
    public long getLastFailoverMillis() {
        return counter(MemberStatus.Counters::lastFailoverMillis, -1);
    }

    @ManagedAttribute(value = "Malformed or stale cluster messages dropped", name = "DroppedMessages", readonly = true)
    public long getDroppedMessages() {
        return counter(MemberStatus.Counters::droppedMessages, 0);
    }

    @ManagedAttribute(value = "Times this process did not run for longer than peers tolerate, and so released its VIPs", name = "Pauses", readonly = true)
    public long getPauses() {
        return counter(MemberStatus.Counters::pauses, 0);
    }

    @ManagedAttribute(value = "Times another host was seen answering ARP for a pool address (probe before acquiring, or while held)", name = "Conflicts", readonly = true)
    public long getConflicts() {
        return counter(MemberStatus.Counters::conflicts, 0);
    }

    @ManagedAttribute(value = "The latest address conflict: when, which address, which MAC, stale member or foreign host", name = "LastConflict", readonly = true)
    public String getLastConflict() {
        MemberStatus s = status();
        return s == null ? null : s.lastConflict();
    }

    private long counter(java.util.function.ToLongFunction<MemberStatus.Counters> which, long whenStopped) {
        MemberStatus s = status();
        return s == null ? whenStopped : which.applyAsLong(s.counters());
    }

    @ManagedOperation(value = "Release every VIP and hold none until resume (stays in the cluster)", impact = "ACTION")
    public void drain() {
        operatorDrained = true;
        LOG.info("Drained by an operator");
        updateEligibility();
    }

    @ManagedOperation(value = "Move one VIP group to another member (planned: released here first); it stays away until resume", impact = "ACTION")
    public void release(@Name(value = "identity", description = "the group's identity (its first address)") String identity) {
        ClusterMember m = member;
        if (m == null) {
            throw new IllegalStateException("Wackamole is not running");
        }
        m.moveAway(identity);
    }

    @ManagedOperation(value = "Take a share of the VIPs again after drain or release", impact = "ACTION")
    public void resume() {
        operatorDrained = false;
        LOG.info("Resumed by an operator");
        updateEligibility();
        ClusterMember m = member;
        if (m != null) {
            m.takeBack(); // groups moved away by release() may come back too
        }
    }

    @ManagedOperation(value = "Rebalance the pool now instead of at the next interval", impact = "ACTION")
    public void rebalance() {
        ClusterMember m = member;
        if (m != null) {
            m.rebalance();
        }
    }

    /** The dry-run recording when {@code wackamole.network=memory}. */
    public NetworkLog getDryRunLog() {
        return dryRunLog;
    }

    static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException e2) {
                return "localhost";
            }
        }
    }

    @Override
    public String toString() {
        return String.format("%s@%x{%s,%s}", getClass().getSimpleName(), hashCode(), getNode(), getState());
    }
}
