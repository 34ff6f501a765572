package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.wackamole.network.NetworkLog;
import org.wackamole.network.NetworkLog.Kind;

/** The checker on hand-written logs: it must see what it claims to see, from addresses and segments alone. */
class InvariantCheckerTest {
    private static final InvariantChecker.Bounds BOUNDS = new InvariantChecker.Bounds(1000, 5000, 1500);

    private final List<NetworkLog.Event> log = new ArrayList<>();

    private void at(long ms, String member, Kind kind, String subject) {
        log.add(new NetworkLog.Event(log.size(), ms * 1_000_000, member, kind, subject));
    }

    private InvariantChecker.Report check(long endMs) {
        return InvariantChecker.check(log, BOUNDS, endMs * 1_000_000);
    }

    @Test
    void twoHoldersInOneSegmentAreAViolationWhateverTheirViews() {
        at(0, "a", Kind.ACQUIRE, "g");
        at(0, "a", Kind.VIEW, "a"); // views are ignored: a and b are connected
        at(0, "b", Kind.VIEW, "b");
        at(10, "b", Kind.ACQUIRE, "g");
        assertThat(check(20).violations()).singleElement().asString().contains("b acquired g while a, connected to it, held it");
    }

    @Test
    void eachSideOfAPartitionMayHoldAndAfterTheHealTheDuplicateMustGoInTime() {
        at(0, "a", Kind.ACQUIRE, "g");
        at(10, null, Kind.SEGMENTS, "a|b");
        at(20, "b", Kind.ACQUIRE, "g");
        at(5000, null, Kind.SEGMENTS, "");
        at(5800, "b", Kind.RELEASE, "g");
        InvariantChecker.Report ok = check(6000);
        assertThat(ok.violations()).isEmpty();
        assertThat(ok.longestDuplicateMillis()).isEqualTo(800);

        log.clear();
        at(0, "a", Kind.ACQUIRE, "g");
        at(10, null, Kind.SEGMENTS, "a|b");
        at(20, "b", Kind.ACQUIRE, "g");
        at(5000, null, Kind.SEGMENTS, "");
        at(6500, "b", Kind.RELEASE, "g");
        assertThat(check(7000).violations()).singleElement().asString().contains("held twice in one segment for 1500 ms");
    }

    @Test
    void afterAHealAProcessThatJoinsEitherSideMayAcquireUntilTheMerge() {
        at(0, "a", Kind.ACQUIRE, "g");
        at(10, null, Kind.SEGMENTS, "a|b");
        at(20, "b", Kind.ACQUIRE, "g");
        at(5000, null, Kind.SEGMENTS, "");
        at(5100, "b", Kind.RELEASE, "g");
        at(5200, "c", Kind.ACQUIRE, "g"); // c, new, joined b's cluster before the merge
        at(5900, "c", Kind.RELEASE, "g");
        at(7000, "c", Kind.ACQUIRE, "g"); // long after: a violation
        assertThat(check(7100).violations()).singleElement().asString().startsWith("#7 c acquired g while a");
    }

    @Test
    void aKilledProcessesAddressIsAStaleHolderAndDoesNotCover() {
        at(0, "a", Kind.ACQUIRE, "g");
        at(100, "a", Kind.KILL, null);
        at(400, "b", Kind.ACQUIRE, "g");
        at(1100, "a", Kind.RELEASE, "g"); // the clean-up
        InvariantChecker.Report r = check(2000);
        assertThat(r.violations()).isEmpty();
        assertThat(r.staleAfterKill()).singleElement().asString().contains("g on a (killed) and b for 700 ms");

        log.clear();
        at(0, "a", Kind.ACQUIRE, "g");
        at(100, "a", Kind.KILL, null);
        at(6000, "b", Kind.ACQUIRE, "g"); // the killed host still answered, but nobody served
        assertThat(check(8000).violations()).anyMatch(v -> v.contains("g uncovered for 5900 ms"))
                .anyMatch(v -> v.contains("stale holder after kill"));
    }

    @Test
    void aDeadHostsAddressesAnswerNobody() {
        at(0, "a", Kind.ACQUIRE, "g");
        at(100, "a", Kind.HOST_DOWN, null);
        at(900, "b", Kind.ACQUIRE, "g");
        InvariantChecker.Report r = check(2000);
        assertThat(r.violations()).isEmpty();
        assertThat(r.staleAfterKill()).isEmpty();
    }

    @Test
    void aHostInNoSegmentReachesEveryone() {
        at(0, "a", Kind.ACQUIRE, "g");
        at(10, "a", Kind.KILL, null);
        at(20, null, Kind.SEGMENTS, "b|c");
        at(30, "b", Kind.ACQUIRE, "g");
        at(40, "c", Kind.ACQUIRE, "g");
        assertThat(check(3000).staleAfterKill()).hasSize(1).first().asString().contains("on a (killed) and b");
        assertThat(check(3000).violations()).singleElement().asString().contains("stale holder after kill");
    }
}
