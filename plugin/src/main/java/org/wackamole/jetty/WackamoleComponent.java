package org.wackamole.jetty;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.component.Graceful;
import org.eclipse.jetty.util.component.LifeCycle;
import org.wackamole.config.Setting;
import org.wackamole.hooks.WackamoleListener;
import org.wackamole.runtime.HealthCheck;
import org.wackamole.runtime.Scheduler;
import org.wackamole.runtime.WackamoleRuntime;

/**
 * Wackamole inside Jetty: a bean of the {@link Server} that maps Jetty's lifecycle onto a
 * {@link WackamoleRuntime}. It joins when it starts (before the connectors accept) and claims VIPs
 * once the server has started; if the server fails to start nothing is claimed. As soon as the server
 * starts stopping, and again as a {@link Graceful} bean, the VIPs are handed over while the connectors
 * still serve. {@link HealthCheck} child beans gate the VIPs besides {@code wackamole.health.url}; checks
 * run on the server's scheduler; {@link WackamoleListener} child beans get the member's events. JMX: the runtime registers {@code org.wackamole:type=wackamole,node=NODE}
 * on the platform MBeanServer, with or without Jetty's {@code jmx} module.
 *
 * <p>Configured by one setter per {@code wackamole.*} key (from {@code etc/wackamole.xml} or a
 * jetty.xml) or {@link #setSetting}; everything is validated at start.
 */
public class WackamoleComponent extends ContainerLifeCycle implements Graceful {
    private final Server server;
    private final WackamoleRuntime runtime = new WackamoleRuntime();
    private final LifeCycle.Listener serverEvents = new LifeCycle.Listener() {
        @Override
        public void lifeCycleStarted(LifeCycle event) {
            runtime.serving();
        }

        /**
         * The earliest moment of a stop, before any Graceful bean runs: connectors are Graceful too
         * and stop accepting in that phase, so the VIPs go first.
         */
        @Override
        public void lifeCycleStopping(LifeCycle event) {
            runtime.stopping();
        }
    };

    public WackamoleComponent(Server server) {
        this.server = server;
    }

    /** Sets any {@code wackamole.*} key; validated at start. */
    public void setSetting(String key, String value) {
        if (isStarted()) {
            throw new IllegalStateException("Wackamole settings cannot change while it runs: " + key);
        }
        runtime.set(key, value);
    }

    private void set(Setting s, String value) {
        setSetting(s.key(), value);
    }

    // @formatter:off -- one setter per key, the names of the Jetty XML <Set> elements
    public void setCluster(String v) { set(Setting.CLUSTER, v); }
    public void setNode(String v) { set(Setting.NODE, v); }
    public void setInterface(String v) { set(Setting.INTERFACE, v); }
    public void setVips(String v) { set(Setting.VIPS, v); }
    public void setPrefer(String v) { set(Setting.PREFER, v); }
    public void setMature(String v) { set(Setting.MATURE, v); }
    public void setBalanceInterval(String v) { set(Setting.BALANCE_INTERVAL, v); }
    public void setBalancePerRound(String v) { set(Setting.BALANCE_PER_ROUND, v); }
    public void setWeight(String v) { set(Setting.WEIGHT, v); }
    public void setPartition(String v) { set(Setting.PARTITION, v); }
    public void setQuorum(String v) { set(Setting.QUORUM, v); }
    public void setNetwork(String v) { set(Setting.NETWORK, v); }
    public void setAnnounceCount(String v) { set(Setting.ANNOUNCE_COUNT, v); }
    public void setAnnounceInterval(String v) { set(Setting.ANNOUNCE_INTERVAL, v); }
    public void setAnnounceRefresh(String v) { set(Setting.ANNOUNCE_REFRESH, v); }
    public void setNotify(String v) { set(Setting.NOTIFY, v); }
    public void setNotifyRate(String v) { set(Setting.NOTIFY_RATE, v); }
    public void setWatchdogInterval(String v) { set(Setting.WATCHDOG_INTERVAL, v); }
    public void setHealthUrl(String v) { set(Setting.HEALTH_URL, v); }
    public void setHealthInterval(String v) { set(Setting.HEALTH_INTERVAL, v); }
    public void setHealthThreshold(String v) { set(Setting.HEALTH_THRESHOLD, v); }
    public void setJgroupsConfig(String v) { set(Setting.JGROUPS_CONFIG, v); }
    public void setJgroupsBindAddress(String v) { set(Setting.JGROUPS_BIND_ADDRESS, v); }
    public void setJgroupsInitialHosts(String v) { set(Setting.JGROUPS_INITIAL_HOSTS, v); }
    public void setSecurity(String v) { set(Setting.SECURITY, v); }
    public void setSecurityKeystore(String v) { set(Setting.SECURITY_KEYSTORE, v); }
    public void setSecurityPassword(String v) { set(Setting.SECURITY_PASSWORD, v); }
    public void setSecurityPasswordFile(String v) { set(Setting.SECURITY_PASSWORD_FILE, v); }
    public void setSecurityAlias(String v) { set(Setting.SECURITY_ALIAS, v); }
    public void setHookAcquire(String v) { set(Setting.HOOK_ACQUIRE, v); }
    public void setHookRelease(String v) { set(Setting.HOOK_RELEASE, v); }
    public void setHookState(String v) { set(Setting.HOOK_STATE, v); }
    public void setHookTimeout(String v) { set(Setting.HOOK_TIMEOUT, v); }
    public void setMetricsAddress(String v) { set(Setting.METRICS_ADDRESS, v); }
    public void setCleanupFile(String v) { set(Setting.CLEANUP_FILE, v); }
    // @formatter:on

    /** The runtime behind this bean: its {@code management()} is the JMX contract. */
    public WackamoleRuntime runtime() {
        return runtime;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart(); // child beans (custom health checks) first
        org.eclipse.jetty.util.thread.Scheduler jetty = server.getScheduler();
        Scheduler lent = (task, delay) -> jetty.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS)::cancel;
        getBeans(WackamoleListener.class).forEach(runtime::addListener); // besides those ServiceLoader finds
        runtime.start(lent, getBeans(HealthCheck.class)); // a bad setting stops the server here, naming the key
        server.addEventListener(serverEvents);
        if (server.isStarted()) {
            runtime.serving(); // added to a running server
        }
    }

    /** Graceful stop: hand the VIPs over and leave while the connectors still serve. */
    @Override
    public CompletableFuture<Void> shutdown() {
        return runtime.handOver();
    }

    @Override
    public boolean isShutdown() {
        return runtime.isHandingOver();
    }

    @Override
    protected void doStop() throws Exception {
        server.removeEventListener(serverEvents);
        runtime.stop();
        super.doStop();
    }

    @Override
    public String toString() {
        return String.format("%s@%x{%s}", getClass().getSimpleName(), hashCode(), runtime);
    }
}
