package org.wackamole.runtime;

import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wackamole.cluster.ClusterMember;
import org.wackamole.cluster.MemberState;
import org.wackamole.cluster.MemberStatus;
import org.wackamole.config.WackamoleConfig;
import org.wackamole.management.WackamoleMXBean;

/** {@link WackamoleMXBean} over one runtime: reads the member's latest status snapshot, never blocks. */
final class MemberManagement implements WackamoleMXBean {
    private static final Logger LOG = LoggerFactory.getLogger(MemberManagement.class);
    private static final String[] NONE = new String[0];
    static final String SECURITY_ON = "encrypted+authenticated";
    static final String SECURITY_NONE = "none";

    private final WackamoleRuntime runtime;

    MemberManagement(WackamoleRuntime runtime) {
        this.runtime = runtime;
    }

    private MemberStatus status() {
        ClusterMember m = runtime.member();
        return m == null ? null : m.status();
    }

    @Override
    public String getCluster() {
        return runtime.clusterName();
    }

    @Override
    public String getNode() {
        return runtime.node();
    }

    @Override
    public String getState() {
        MemberStatus s = status();
        if (s == null || !runtime.isRunning()) {
            return MemberState.STOPPED.name();
        }
        return visibleState(s.state(), runtime.drainReasons().contains(DrainReason.STARTING)).name();
    }

    /** The state shown in JMX and given to hooks: while the server is not serving yet, JOINING. */
    static MemberState visibleState(MemberState member, boolean serverStarting) {
        return serverStarting && member != MemberState.STOPPED ? MemberState.JOINING : member; // in the cluster, waiting for the server
    }

    @Override
    public String[] getDrainReasons() {
        return runtime.drainReasons().stream().map(Enum::name).toArray(String[]::new);
    }

    @Override
    public String[] getMembers() {
        MemberStatus s = status();
        return s == null ? NONE : s.members().toArray(NONE);
    }

    @Override
    public String getCoordinator() {
        MemberStatus s = status();
        return s == null ? null : s.coordinator();
    }

    @Override
    public String getViewId() {
        MemberStatus s = status();
        return s == null ? null : s.viewId();
    }

    @Override
    public String[] getHeldVips() {
        MemberStatus s = status();
        return s == null ? NONE : s.held().stream().sorted().toArray(String[]::new);
    }

    @Override
    public String[] getSilentMembers() {
        MemberStatus s = status();
        return s == null ? NONE : s.silentMembers().toArray(NONE);
    }

    @Override
    public String[] getConfigDifferences() {
        MemberStatus s = status();
        return s == null ? NONE : s.configDifferences().toArray(NONE);
    }

    @Override
    public String[] getAllocation() {
        MemberStatus s = status();
        if (s == null) {
            return NONE;
        }
        return s.allocation().entrySet().stream()
                .map(e -> e.getKey() + "=" + (e.getValue() == null ? "" : e.getValue())).toArray(String[]::new);
    }

    @Override
    public String[] getPreferred() {
        ClusterMember m = runtime.member();
        if (m != null) {
            return m.preferredNow().toArray(NONE); // with the groups an operator moved here
        }
        WackamoleConfig c = runtime.config();
        return c == null ? NONE : c.preferred().toArray(NONE);
    }

    @Override
    public String[] getSettings() {
        return runtime.givenSettings().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    @Override
    public boolean isDrained() {
        return runtime.drainReasons().contains(DrainReason.OPERATOR);
    }

    @Override
    public boolean isHealthy() {
        return runtime.healthy();
    }

    @Override
    public String[] getHealthChecks() {
        return runtime.healthChecks().stream().map(HealthCheck::describe).toArray(String[]::new);
    }

    @Override
    public long getAcquisitions() {
        return counter(MemberStatus.Counters::acquisitions, 0);
    }

    @Override
    public long getReleases() {
        return counter(MemberStatus.Counters::releases, 0);
    }

    @Override
    public long getAnnouncements() {
        return counter(MemberStatus.Counters::announcements, 0);
    }

    @Override
    public long getFailovers() {
        return counter(MemberStatus.Counters::failovers, 0);
    }

    @Override
    public long getLastFailoverMillis() {
        return counter(MemberStatus.Counters::lastFailoverMillis, -1);
    }

    @Override
    public long getDroppedMessages() {
        return counter(MemberStatus.Counters::droppedMessages, 0);
    }

    @Override
    public long getRejectedMessages() {
        return counter(MemberStatus.Counters::rejectedMessages, 0);
    }

    @Override
    public String getSecurity() {
        WackamoleConfig c = runtime.config();
        if (c == null) {
            return ""; // never started: the settings are not validated yet
        }
        return c.security().required() ? SECURITY_ON : SECURITY_NONE;
    }

    @Override
    public long getRounds() {
        return counter(MemberStatus.Counters::rounds, 0);
    }

    @Override
    public long getPauses() {
        return counter(MemberStatus.Counters::pauses, 0);
    }

    @Override
    public long getConflicts() {
        return counter(MemberStatus.Counters::conflicts, 0);
    }

    @Override
    public long getHookRuns() {
        return runtime.hookCounters().runs();
    }

    @Override
    public long getHookFailures() {
        return runtime.hookCounters().failures();
    }

    @Override
    public long getHookTimeouts() {
        return runtime.hookCounters().timeouts();
    }

    @Override
    public long getHookDropped() {
        return runtime.hookCounters().dropped();
    }

    @Override
    public String getHandoverMode() {
        MemberStatus s = status();
        return s == null || s.handoverMode() == null ? "" : s.handoverMode().name();
    }

    @Override
    public String getLastConflict() {
        MemberStatus s = status();
        return s == null || s.lastConflict() == null ? "" : s.lastConflict();
    }

    private long counter(ToLongFunction<MemberStatus.Counters> which, long whenStopped) {
        MemberStatus s = status();
        return s == null ? whenStopped : which.applyAsLong(s.counters());
    }

    @Override
    public void drain() {
        LOG.info("Drained by an operator");
        runtime.drain(DrainReason.OPERATOR);
    }

    @Override
    public void resume() {
        LOG.info("Resumed by an operator");
        runtime.lift(DrainReason.OPERATOR);
        ClusterMember m = runtime.member();
        if (m != null && runtime.isRunning()) {
            m.takeBack(); // groups moved away by release() may come back too
        }
    }

    @Override
    public void release(String identity) {
        ClusterMember m = runtime.member();
        if (m == null || !runtime.isRunning()) {
            throw new IllegalStateException("Wackamole is not running");
        }
        m.moveAway(identity);
    }

    @Override
    public void take(String identity) {
        ClusterMember m = runtime.member();
        if (m == null || !runtime.isRunning()) {
            throw new IllegalStateException("Wackamole is not running");
        }
        LOG.info("{} moved here by an operator", identity);
        m.take(identity);
    }

    @Override
    public void rebalance() {
        ClusterMember m = runtime.member();
        if (m != null && runtime.isRunning()) {
            m.rebalance();
        }
    }
}
