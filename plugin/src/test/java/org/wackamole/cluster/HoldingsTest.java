package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.wackamole.config.WackamoleConfig;
import org.wackamole.network.InMemoryNetwork;
import org.wackamole.network.NetworkLog;

/** The applier on the in-memory network: what it holds follows what the network did, counted and told once. */
class HoldingsTest {
    private static final String V1 = "198.51.100.10";
    private static final String V2 = "198.51.100.11";
    private final WackamoleConfig config = WackamoleConfig.parse(Map.of("wackamole.vips", V1 + "," + V2,
            "wackamole.interface", "eth0", "wackamole.security", "none"), () -> "n");
    private final NetworkLog log = new NetworkLog();
    private final List<String> told = new ArrayList<>();
    private final List<ClusterListener> listeners = List.of(new ClusterListener() {
        @Override
        public void acquired(String group) {
            told.add("+" + group);
        }

        @Override
        public void released(String group) {
            told.add("-" + group);
        }
    });

    private Holdings holdings(boolean handsOver) {
        return new Holdings(config, new InMemoryNetwork("n", log, handsOver), listeners, LoggerFactory.getLogger(HoldingsTest.class));
    }

    @Test
    void acquireReleaseAndAnnounceAreCountedAndTold() {
        Holdings h = holdings(false);
        assertThat(h.acquire(V1)).isNull();
        assertThat(h.acquire(V2)).isNull();
        assertThat(h.held()).containsExactly(V1, V2);
        h.announce(V1);
        h.restored();
        assertThat(h.release(V1)).isTrue();
        assertThat(h.held()).containsExactly(V2);
        assertThat(told).containsExactly("+" + V1, "+" + V2, "-" + V1);
        assertThat(h.acquisitions()).isEqualTo(2);
        assertThat(h.releases()).isEqualTo(1);
        assertThat(h.announcements()).as("two acquisitions, one announcement, one restored address").isEqualTo(4);
        assertThat(log.events()).extracting(NetworkLog.Event::kind)
                .containsExactly(NetworkLog.Kind.ACQUIRE, NetworkLog.Kind.ACQUIRE, NetworkLog.Kind.ANNOUNCE, NetworkLog.Kind.RELEASE);
    }

    @Test
    void aHostNotSetUpForHandOversPreparesNothing() {
        Holdings h = holdings(false);
        Holdings.Preparation p = h.prepare(List.of(V1));
        assertThat(p.groups()).isEmpty();
        assertThat(p.macs()).isEmpty();
        assertThat(h.prepared()).isEmpty();
    }

    @Test
    void aPreparedGroupIsHeldOnceAcquiredOrGoneOnceUnprepared() {
        Holdings h = holdings(true);
        Holdings.Preparation p = h.prepare(List.of(V1, V2));
        assertThat(p.groups()).containsExactly(V1, V2);
        assertThat(p.macs()).as("one per address, in order").containsExactly("n", "n");
        assertThat(h.prepared()).containsExactly(V1, V2);
        assertThat(h.acquire(V1)).isNull();
        assertThat(h.prepared()).containsExactly(V2);
        assertThat(h.held()).containsExactly(V1);
        h.unprepare(V2);
        assertThat(h.prepared()).isEmpty();
        assertThat(log.events()).extracting(NetworkLog.Event::kind).containsExactly(NetworkLog.Kind.PREPARE, NetworkLog.Kind.PREPARE,
                NetworkLog.Kind.ACQUIRE, NetworkLog.Kind.UNPREPARE);
        assertThat(told).containsExactly("+" + V1);
    }

    @Test
    void aHandOverPointsNeighboursAtTheNewOwnerThenReleases() {
        Holdings h = holdings(true);
        h.acquire(V1);
        assertThat(h.handOver(V1, List.of("02:00:00:00:00:0b"))).isTrue();
        assertThat(h.held()).isEmpty();
        assertThat(h.releases()).isEqualTo(1);
        assertThat(told).containsExactly("+" + V1, "-" + V1);
        assertThat(log.events()).extracting(e -> e.kind() + " " + e.subject())
                .containsExactly("ACQUIRE " + V1, "HANDOVER " + V1 + ">02:00:00:00:00:0b", "RELEASE " + V1);
    }

    @Test
    void theViewsAreReadOnly() {
        Holdings h = holdings(true);
        h.acquire(V1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.held().clear()).isInstanceOf(UnsupportedOperationException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.prepared().add(V2)).isInstanceOf(UnsupportedOperationException.class);
    }
}
