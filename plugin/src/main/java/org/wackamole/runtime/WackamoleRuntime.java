package org.wackamole.runtime;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wackamole.cluster.ClusterListener;
import org.wackamole.cluster.ClusterMember;
import org.wackamole.cluster.JGroupsStacks;
import org.wackamole.config.ConfigException;
import org.wackamole.config.IniSettings;
import org.wackamole.config.Setting;
import org.wackamole.config.WackamoleConfig;
import org.wackamole.hooks.HookCounters;
import org.wackamole.hooks.Hooks;
import org.wackamole.hooks.WackamoleListener;
import org.wackamole.management.WackamoleMBeans;
import org.wackamole.management.WackamoleMXBean;
import org.wackamole.metrics.MetricsServer;
import org.wackamole.network.NetworkLog;
import org.wackamole.network.VipNetwork;
import org.wackamole.network.VipNetworks;
import org.wackamole.network.linux.CleanupBatch;
import org.wackamole.network.linux.CleanupFile;

/**
 * One server's Wackamole, independent of the server: settings → configuration → network → cluster
 * member, the JMX contract, health gating and the drain reasons. A server adapter maps its own
 * lifecycle onto four calls:
 * <ol>
 * <li>{@link #start} while the server starts, before its connectors accept: validates everything
 * (a bad setting throws, naming the key, and nothing is touched), joins the cluster and claims
 * nothing ({@link DrainReason#STARTING});</li>
 * <li>{@link #serving()} once the connectors accept: the member takes its share;</li>
 * <li>{@link #stopping()} (or {@link #handOver()}) as soon as the server starts stopping, while the
 * connectors still serve: the VIPs go to peers and the member leaves;</li>
 * <li>{@link #stop()} last: releases whatever is left and unregisters the MBean.</li>
 * </ol>
 * Settings are plain {@code wackamole.*} keys; a start with a server that fails claims nothing.
 */
public final class WackamoleRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(WackamoleRuntime.class);
    /** Longer than the member's own hand-over bound: a stop waits for it, but never forever. */
    private static final long HANDOVER_WAIT_MS = 10_000;

    private final Map<String, String> settings = new LinkedHashMap<>();
    private final NetworkLog dryRunLog = new NetworkLog();
    private final NotificationBroadcasterSupport notifications = new NotificationBroadcasterSupport(WackamoleMBeans.notificationInfo());
    private final AtomicLong sequence = new AtomicLong();
    private final Set<DrainReason> reasons = EnumSet.of(DrainReason.STARTING);
    private final MemberManagement management = new MemberManagement(this);
    private final Set<WackamoleListener> listeners = new java.util.concurrent.CopyOnWriteArraySet<>();
    /** Mirrors whether {@link #reasons} holds STARTING, for the protocol thread, which must not take our lock. */
    private volatile boolean starting = true;

    private Path configFile;
    private volatile WackamoleConfig config;
    private volatile ClusterMember member;
    private volatile boolean running;
    private volatile List<HealthCheck> checks = List.of();
    private volatile HealthGate gate = new HealthGate(1);
    private VipNetwork network;
    private Scheduler scheduler;
    private Scheduler.Cancellable nextCheck;
    private CompletableFuture<Void> handOver;
    private volatile WackamoleMBeans.Registration registration;
    private volatile Hooks hooks = Hooks.none();
    private MetricsServer metrics;

    // ------------------------------------------------------------------ settings

    /** Sets a {@code wackamole.*} key (blank or null: unset); validated at {@link #start}. */
    public synchronized void set(String key, String value) {
        if (running) {
            throw new IllegalStateException("Wackamole settings cannot change while it runs: " + key);
        }
        if (value == null || value.isBlank()) {
            settings.remove(key);
        } else {
            settings.put(key, value.trim());
        }
    }

    public void set(Setting setting, String value) {
        set(setting.key(), value);
    }

    /**
     * A file of {@code wackamole.*=value} lines (ini syntax), read at {@link #start}; keys set with
     * {@link #set} win over the file's.
     */
    public synchronized void setConfigFile(Path file) {
        this.configFile = file;
    }

    /** The settings as given (file merged in once started), for JMX before and after start. */
    synchronized Map<String, String> givenSettings() {
        WackamoleConfig c = config;
        return c != null && running ? c.settings() : Map.copyOf(settings);
    }

    /**
     * A Java listener of this member's events, besides those {@link Hooks#discover found} through
     * {@code ServiceLoader} at start; takes effect at the next {@link #start}.
     */
    public void addListener(WackamoleListener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Validates the settings, opens the network, registers the MBean and joins the cluster without
     * claiming anything. Health checks ({@code wackamole.health.url} and {@code extraChecks}) will run
     * on {@code scheduler}, from {@link #serving()} on.
     *
     * @throws ConfigException naming the key when a setting is bad; nothing was touched then
     */
    public synchronized void start(Scheduler scheduler, Collection<? extends HealthCheck> extraChecks) throws Exception {
        if (running) {
            throw new IllegalStateException("Wackamole is running already");
        }
        WackamoleConfig c = WackamoleConfig.parse(effectiveSettings(), HostName::get);
        reasons.removeAll(EnumSet.of(DrainReason.UNHEALTHY, DrainReason.LEAVING)); // an operator's drain outlives a restart
        reasons.add(DrainReason.STARTING);
        starting = true;
        writeCleanupFile(c);
        try {
            startWith(c, scheduler, extraChecks);
        } catch (Exception | Error e) {
            deleteCleanupFile(c);
            throw e;
        }
    }

    private void startWith(WackamoleConfig c, Scheduler scheduler, Collection<? extends HealthCheck> extraChecks) throws Exception {
        MetricsServer ms = c.metricsAddress() == null ? null : MetricsServer.start(c, management); // a bad address touches nothing
        List<WackamoleListener> javaListeners = new ArrayList<>(listeners);
        javaListeners.addAll(Hooks.discover(listenerLoader()));
        Hooks h = new Hooks(c.hooks(), javaListeners, c.node());
        VipNetwork n;
        ClusterMember m;
        try {
            n = VipNetworks.create(c, dryRunLog);
            try {
                m = new ClusterMember(c, n, JGroupsStacks.fromConfig(c));
            } catch (RuntimeException e) {
                n.close();
                throw e;
            }
        } catch (Exception e) {
            h.close();
            if (ms != null) {
                ms.close();
            }
            throw e;
        }
        m.addListener(new HookFeed(c, h, () -> starting));
        m.addListener(new ClusterListener() {
            @Override
            public void acquired(String group) {
                sendNotification(WackamoleMXBean.NOTIFICATION_ACQUIRED, "acquired ", group);
            }

            @Override
            public void released(String group) {
                sendNotification(WackamoleMXBean.NOTIFICATION_RELEASED, "released ", group);
            }

            @Override
            public void conflict(String group, String address, String mac, String member) {
                sendNotification(WackamoleMXBean.NOTIFICATION_CONFLICT, address + " answered by " + mac + " ", group);
            }
        });
        List<HealthCheck> all = new ArrayList<>(extraChecks);
        if (c.health().url() != null) {
            all.add(new HttpHealthCheck(c.health().url(), c.health().interval()));
        }
        config = c;
        network = n;
        checks = List.copyOf(all);
        gate = new HealthGate(c.health().threshold());
        handOver = null;
        hooks = h;
        metrics = ms;
        try {
            m.start(false);
        } catch (Exception e) {
            n.close();
            h.close();
            if (ms != null) {
                ms.close();
            }
            metrics = null;
            throw e;
        }
        member = m;
        running = true;
        register(c.node());
        this.scheduler = scheduler;
    }

    /**
     * Before anything touches an address: the crash clean-up must know the whole pool even if this
     * JVM dies in the middle of its first acquisition. A dry run touches nothing, so its file says so.
     */
    private static void writeCleanupFile(WackamoleConfig c) {
        if (c.cleanupFile() != null) {
            CleanupFile.write(c.cleanupFile(), CleanupBatch.lines(c.network().real() ? c.groups() : List.of()));
        }
    }

    private static void deleteCleanupFile(WackamoleConfig c) {
        if (c != null && c.cleanupFile() != null) {
            CleanupFile.delete(c.cleanupFile());
        }
    }

    /**
     * The server serves (connectors accept): the member may claim its share, and the health checks
     * begin (they usually ask this server's own connector, and the lent scheduler may only run now).
     */
    public void serving() {
        synchronized (this) {
            if (!running || !reasons.contains(DrainReason.STARTING)) {
                return;
            }
            LOG.info("Server started: Wackamole may claim VIPs");
            lift(DrainReason.STARTING);
        }
        scheduleHealthCheck();
    }

    /**
     * Starts handing the VIPs over to peers and leaving the cluster, once; the future completes
     * when that is done (or given up after the member's own bound). Call it while connectors still serve.
     */
    public synchronized CompletableFuture<Void> handOver() {
        if (handOver == null) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            handOver = done;
            if (!running) {
                done.complete(null);
            } else {
                reasons.add(DrainReason.LEAVING); // the member's leave() drains by itself: nothing to apply
                Thread t = new Thread(() -> {
                    try {
                        leave();
                    } finally {
                        done.complete(null);
                    }
                }, "wackamole-handover");
                t.setDaemon(true);
                t.start();
            }
        }
        return handOver;
    }

    /** {@link #handOver()} and wait for it: the server is stopping. */
    public void stopping() {
        await(handOver());
    }

    /** Last step of the server's stop: leaves if not done yet, releases what is left, unregisters the MBean. */
    public void stop() {
        CompletableFuture<Void> leaving;
        synchronized (this) {
            if (!running) {
                return;
            }
            if (nextCheck != null) {
                nextCheck.cancel();
                nextCheck = null;
            }
            leaving = handOver();
        }
        await(leaving);
        MetricsServer ms;
        synchronized (this) {
            running = false;
            network.close();
            if (registration != null) {
                registration.close();
                registration = null;
            }
            ms = metrics;
            metrics = null;
        }
        if (ms != null) {
            ms.close();
        }
        deleteCleanupFile(config); // every address was released: nothing of this run is left to undo
        hooks.close(); // outside the lock: it lets the last release hooks run, up to the hook timeout
    }

    /** Where listeners are looked for: the class loader the server starts us with, else ours. */
    private static ClassLoader listenerLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : WackamoleRuntime.class.getClassLoader();
    }

    public boolean isRunning() {
        return running;
    }

    /** Whether {@link #handOver()} has begun. */
    public synchronized boolean isHandingOver() {
        return handOver != null;
    }

    private void leave() {
        ClusterMember m = member;
        if (m != null) {
            LOG.info("Stopping: handing VIPs over to peers and leaving the cluster");
            m.leave();
        }
    }

    private static void await(CompletableFuture<Void> f) {
        try {
            f.get(HANDOVER_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("Hand-over did not complete within {} ms", HANDOVER_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Hand-over failed: {}", e.toString());
        }
    }

    private Map<String, String> effectiveSettings() throws IOException {
        Map<String, String> merged = new LinkedHashMap<>();
        if (configFile != null) {
            String text;
            try {
                text = Files.readString(configFile);
            } catch (IOException e) {
                throw new IOException("Cannot read the Wackamole configuration file " + configFile + ": " + e, e);
            }
            merged.putAll(IniSettings.parse(text));
        }
        merged.putAll(settings);
        return merged;
    }

    // ------------------------------------------------------------------ drain reasons

    /** Adds a reason to hold nothing. */
    void drain(DrainReason reason) {
        change(reason, true);
    }

    /** Removes a reason to hold nothing; with none left the member takes its share. */
    void lift(DrainReason reason) {
        change(reason, false);
    }

    private synchronized void change(DrainReason reason, boolean add) {
        boolean changed = add ? reasons.add(reason) : reasons.remove(reason);
        starting = reasons.contains(DrainReason.STARTING);
        ClusterMember m = member;
        if (!changed || !running || m == null || reasons.contains(DrainReason.LEAVING)) {
            return;
        }
        if (reasons.isEmpty()) {
            m.resume();
        } else {
            m.drain();
        }
    }

    public synchronized Set<DrainReason> drainReasons() {
        return Collections.unmodifiableSet(EnumSet.copyOf(reasons));
    }

    // ------------------------------------------------------------------ health

    private synchronized void scheduleHealthCheck() {
        if (running && !checks.isEmpty() && handOver == null) {
            try {
                nextCheck = scheduler.schedule(this::checkHealth, config.health().interval());
            } catch (RejectedExecutionException e) {
                LOG.debug("The server's scheduler is shut down: no more health checks"); // the server is stopping
            }
        }
    }

    /** On the lent scheduler: starts the checks and returns; the verdict arrives on the checks' threads. */
    private void checkHealth() {
        List<HealthCheck> current = checks;
        List<CompletableFuture<Boolean>> results = current.stream().map(WackamoleRuntime::safely).toList();
        Duration bound = config.health().interval().multipliedBy(2);
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .orTimeout(bound.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((v, e) -> {
                    List<HealthCheck> failed = new ArrayList<>();
                    for (int i = 0; i < current.size(); i++) {
                        CompletableFuture<Boolean> r = results.get(i);
                        if (!r.isDone() || r.isCompletedExceptionally() || !r.join()) {
                            failed.add(current.get(i));
                        }
                    }
                    recordHealth(failed);
                    scheduleHealthCheck();
                });
    }

    private void recordHealth(List<HealthCheck> failed) {
        HealthGate g = gate;
        boolean wasHealthy = g.healthy();
        if (!failed.isEmpty() && wasHealthy) {
            failed.forEach(c -> LOG.warn("Health check failed: {}", c.describe()));
        }
        if (!g.record(failed.isEmpty())) {
            return;
        }
        if (g.healthy()) {
            LOG.info("Healthy again: taking a share of the VIPs back");
            lift(DrainReason.UNHEALTHY);
        } else {
            LOG.warn("{} failed health checks in a row: draining", g.failuresInARow());
            drain(DrainReason.UNHEALTHY);
        }
    }

    private static CompletableFuture<Boolean> safely(HealthCheck check) {
        try {
            return check.check();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    boolean healthy() {
        return gate.healthy();
    }

    List<HealthCheck> healthChecks() {
        return checks;
    }

    // ------------------------------------------------------------------ JMX

    /** What the hooks did since the latest start. */
    HookCounters hookCounters() {
        return hooks.counters();
    }

    /** Where {@code /metrics} is served while running (the real port when 0 was asked), else null. */
    public synchronized java.net.InetSocketAddress metricsAddress() {
        return metrics == null ? null : metrics.address();
    }

    /** The management contract of this member (also registered on the platform MBeanServer while running). */
    public WackamoleMXBean management() {
        return management;
    }

    /** The dry-run recording when {@code wackamole.network=memory}. */
    public NetworkLog dryRunLog() {
        return dryRunLog;
    }

    WackamoleConfig config() {
        return config;
    }

    ClusterMember member() {
        return member;
    }

    /** Before start: the name it will have (setting or host name). */
    String node() {
        WackamoleConfig c = config;
        if (c != null) {
            return c.node();
        }
        synchronized (this) {
            return settings.getOrDefault(Setting.NODE.key(), HostName.get());
        }
    }

    synchronized String clusterName() {
        WackamoleConfig c = config;
        return c != null ? c.cluster() : settings.getOrDefault(Setting.CLUSTER.key(), Setting.CLUSTER.defaultValue());
    }

    private void register(String node) {
        try {
            registration = WackamoleMBeans.register(ManagementFactory.getPlatformMBeanServer(), node, management, notifications);
        } catch (InstanceAlreadyExistsException e) {
            // Two members of one name in one JVM (tests, or two servers): the first keeps the name.
            LOG.warn("Another Wackamole member named '{}' is registered in this JVM: this one has no MBean", node);
        } catch (JMException e) {
            LOG.warn("Cannot register the Wackamole MBean: {}", e.toString());
        }
    }

    private void sendNotification(String type, String verb, String group) {
        WackamoleMBeans.Registration r = registration;
        Object source = r != null ? r.name() : this;
        Notification n = new Notification(type, source, sequence.incrementAndGet(), System.currentTimeMillis(), verb + group);
        n.setUserData(group);
        notifications.sendNotification(n);
    }

    @Override
    public String toString() {
        return String.format("%s{%s,%s}", getClass().getSimpleName(), node(), management.getState());
    }
}
