package org.wackamole.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wackamole.config.HookSettings;
import org.wackamole.config.VipAddress;
import org.wackamole.config.VipGroup;

@Timeout(30)
class HooksTest {
    private static final VipGroup GROUP = new VipGroup(List.of(
            new VipAddress("eth0", address("198.51.100.10"), 32), new VipAddress("eth1", address("2001:db8::10"), 128)));

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theEnvironmentOfEachKind() {
        assertThat(HookEnvironment.of(WackamoleEvent.acquired("farm", "web1", GROUP)))
                .containsEntry("WACKAMOLE_EVENT", "acquire").containsEntry("WACKAMOLE_VIP", "198.51.100.10")
                .containsEntry("WACKAMOLE_PREFIX", "32").containsEntry("WACKAMOLE_INTERFACE", "eth0")
                .containsEntry("WACKAMOLE_GROUP", "eth0:198.51.100.10/32+eth1:[2001:db8::10]/128")
                .containsEntry("WACKAMOLE_NODE", "web1").containsEntry("WACKAMOLE_CLUSTER", "farm")
                .containsKey("WACKAMOLE_TIME").doesNotContainKey("WACKAMOLE_STATE");
        assertThat(HookEnvironment.of(WackamoleEvent.released("farm", "web1", GROUP))).containsEntry("WACKAMOLE_EVENT", "release");
        assertThat(HookEnvironment.of(WackamoleEvent.stateChanged("farm", "web1", null, "JOINING")))
                .containsEntry("WACKAMOLE_EVENT", "state").containsEntry("WACKAMOLE_STATE", "JOINING")
                .containsEntry("WACKAMOLE_PREVIOUS_STATE", "").doesNotContainKey("WACKAMOLE_VIP");
        assertThat(HookEnvironment.of(WackamoleEvent.conflict("farm", "web1", GROUP, "198.51.100.10", "02:00:00:00:00:09", null)))
                .containsEntry("WACKAMOLE_EVENT", "conflict").containsEntry("WACKAMOLE_CONFLICT_MAC", "02:00:00:00:00:09")
                .containsEntry("WACKAMOLE_FORMER_MEMBER", "");
    }

    /** A listener that cannot keep up loses events, counted, and never makes the publisher wait. */
    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
        CountDownLatch inListener = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        WackamoleListener stuck = new WackamoleListener() {
            @Override
            public void acquired(WackamoleEvent event) {
                inListener.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Hooks hooks = new Hooks(new HookSettings(null, null, null, Duration.ofSeconds(1)), List.of(stuck), "t", 2);
        try {
            hooks.publish(WackamoleEvent.acquired("farm", "web1", GROUP));
            assertThat(inListener.await(5, TimeUnit.SECONDS)).isTrue(); // the first is being delivered, the queue is empty
            long t0 = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                hooks.publish(WackamoleEvent.acquired("farm", "web1", GROUP));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
            assertThat(hooks.counters().dropped()).isEqualTo(3); // 2 queued, 3 dropped
        } finally {
            release.countDown();
            hooks.close();
        }
    }
}
