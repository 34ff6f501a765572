package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.jgroups.JChannel;
import org.junit.jupiter.api.Test;

class PauseDetectorTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final PauseDetector detector = new PauseDetector(100, now::get);

    private void advance(long millis) {
        now.addAndGet(millis * 1_000_000);
    }

    @Test
    void regularTicksAreNoPause() {
        for (int i = 0; i < 50; i++) {
            advance(10);
            assertThat(detector.tick()).isFalse();
            assertThat(detector.takePause()).isZero();
        }
    }

    @Test
    void aGapNoticedByTheTickerIsReportedOnceToTheProtocolThread() {
        advance(10);
        detector.tick();
        advance(350);
        assertThat(detector.tick()).isTrue();
        assertThat(detector.takePause()).isEqualTo(350);
        assertThat(detector.takePause()).isZero();
        advance(10);
        assertThat(detector.tick()).isFalse();
        assertThat(detector.takePause()).isZero();
    }

    @Test
    void theProtocolThreadRunningFirstAfterThePauseSeesItAndTheTickerDoesNotReportItAgain() {
        advance(10);
        detector.tick();
        advance(500);
        assertThat(detector.takePause()).isEqualTo(500);
        // The ticker wakes next: the same pause must not be handled twice.
        assertThat(detector.tick()).isFalse();
        assertThat(detector.takePause()).isZero();
    }

    @Test
    void aGapAtTheThresholdIsNoPauseAndJustAboveItIs() {
        advance(100);
        assertThat(detector.tick()).isFalse();
        assertThat(detector.takePause()).isZero();
        advance(101);
        assertThat(detector.tick()).isTrue();
        assertThat(detector.takePause()).isEqualTo(101);
    }

    @Test
    void twoPausesAreTwoReports() {
        advance(300);
        assertThat(detector.takePause()).isEqualTo(300);
        detector.tick();
        advance(10);
        detector.tick();
        advance(400);
        assertThat(detector.tick()).isTrue();
        assertThat(detector.takePause()).isEqualTo(400);
    }

    @Test
    void thresholdIsTheShortestSilencePeersExcludeForLessAHeartbeatInTheShippedStacks() throws Exception {
        // FD_ALL3 timeout 150 - interval 25 + VERIFY_SUSPECT 75 = 200 ms of silence, less one interval: 175.
        try (JChannel ch = shipped("wackamole-udp.xml")) {
            assertThat(PauseDetector.thresholdFor(ch.getProtocolStack())).isEqualTo(175);
        }
        // 100 - 20 + 40 = 120 ms, less 20: 100.
        try (JChannel ch = shipped("wackamole-udp-fast.xml")) {
            assertThat(PauseDetector.thresholdFor(ch.getProtocolStack())).isEqualTo(100);
        }
    }

    /** The shipped stack as the plugin builds it (with a farm key: the stacks are encrypted). */
    private static JChannel shipped(String stack) throws Exception {
        java.util.Map<String, String> s = new java.util.HashMap<>(org.wackamole.security.TestKeys.farm());
        s.put("wackamole.interface", "eth0");
        s.put("wackamole.vips", "198.51.100.10");
        s.put("wackamole.jgroups.config", stack);
        return JGroupsStacks.create(org.wackamole.config.WackamoleConfig.parse(s, () -> "pause-test"));
    }

    @Test
    void aThresholdMustBePositive() {
        assertThatThrownBy(() -> new PauseDetector(0, now::get)).isInstanceOf(IllegalArgumentException.class);
    }
}
