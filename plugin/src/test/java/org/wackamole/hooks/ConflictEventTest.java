package org.wackamole.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wackamole.config.NetworkSettings;
import org.wackamole.config.VipGroup;
import org.wackamole.config.WackamoleConfig;
import org.wackamole.management.WackamoleMXBean;
import org.wackamole.network.linux.LinuxNetwork;
import org.wackamole.network.linux.TestNetwork;
import org.wackamole.runtime.Scheduler;
import org.wackamole.runtime.WackamoleRuntime;

/**
 * A conflict reaches a listener the way an acquisition does: a real member on the Linux network in
 * namespace b finds its VIP answered by a host outside its cluster (namespace a) when it probes, refuses
 * it, counts it in JMX, and its listeners get a conflict event naming the address and the foreign MAC.
 * Root only.
 */
@Timeout(60)
class ConflictEventTest {

    @Test
    void aForeignHolderFoundByTheProbeIsAConflictEvent() throws Exception {
        String why = TestNetwork.whyUnavailable();
        assumeTrue(why == null, why);
        VipGroup group = WackamoleConfig.parse(Map.of("wackamole.interface", "veth0", "wackamole.vips", "198.51.100.10/32"),
                () -> "test").groups().get(0);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (TestNetwork net = new TestNetwork("a", "b")) {
            String macA = net.mac("a");
            LinuxNetwork foreign = net.inNamespace("a", () -> LinuxNetwork.open(NetworkSettings.defaults()));
            WackamoleRuntime r = new WackamoleRuntime();
            try {
                foreign.acquire(group);
                r.set("wackamole.cluster", "conflict-" + ProcessHandle.current().pid());
                r.set("wackamole.node", "b1");
                r.set("wackamole.interface", "veth0");
                r.set("wackamole.vips", "198.51.100.10/32");
                r.set("wackamole.mature", "0s");
                r.set("wackamole.jgroups.config", "wackamole-loopback.xml");
                org.wackamole.security.TestKeys.farm().forEach(r::set);
                List<WackamoleEvent> events = new CopyOnWriteArrayList<>();
                r.addListener(new WackamoleListener() {
                    @Override
                    public void conflict(WackamoleEvent event) {
                        events.add(event);
                    }
                });
                // Threads inherit the namespace of the thread that starts them: the member's are all in b.
                net.inNamespace("b", () -> {
                    r.start(Scheduler.of(timer), List.of());
                    r.serving();
                    return null;
                });
                WackamoleMXBean mx = r.management();
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !events.isEmpty());
                WackamoleEvent e = events.get(0);
                assertThat(e.kind()).isEqualTo(WackamoleEvent.Kind.CONFLICT);
                assertThat(e.identity()).isEqualTo("198.51.100.10");
                assertThat(e.conflictAddress()).isEqualTo("198.51.100.10");
                assertThat(e.conflictMac()).isEqualToIgnoringCase(macA);
                assertThat(e.formerMember()).as("a host outside the cluster").isNull();
                assertThat(mx.getConflicts()).isGreaterThanOrEqualTo(1);
                assertThat(mx.getHeldVips()).isEmpty();
                assertThat(net.exec("b", "ip", "-o", "addr", "show", "dev", "veth0")).doesNotContain("198.51.100.10/32");
            } finally {
                r.stop();
                foreign.close();
                timer.shutdownNow();
            }
        }
    }
}
