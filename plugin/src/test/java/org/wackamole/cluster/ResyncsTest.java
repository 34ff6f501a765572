package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResyncsTest {

    /** The given tokens in turn (a 0 among them is drawn again: 0 means "not waiting" on the wire). */
    private static Random tokens(long... values) {
        return new Random() {
            private int next;

            @Override
            public long nextLong() {
                return values[next++];
            }
        };
    }

    @Test
    void aPauseWaitsUnderANewNonZeroToken() {
        Resyncs r = new Resyncs(tokens(0, 42, 43), 2);
        assertThat(r.waiting()).isFalse();
        assertThat(r.token()).isZero();
        assertThat(r.paused()).isEqualTo(42);
        assertThat(r.waiting()).isTrue();
        assertThat(r.waitingFor(42)).isTrue();
        assertThat(r.paused()).as("a second pause").isEqualTo(43);
        assertThat(r.waitingFor(42)).as("the first pause's checks stop").isFalse();
    }

    @Test
    void onlyARoundOfOthersNamingTheTokenConfirmsTheView() {
        Resyncs r = new Resyncs(tokens(42), 2);
        assertThat(r.confirmedBy(List.of(42L), 3)).as("not waiting: nothing to confirm").isFalse();
        r.paused();
        assertThat(r.confirmedBy(List.of(7L), 3)).as("a round started before we asked").isFalse();
        assertThat(r.confirmedBy(List.of(42L), 1)).as("a round of our own: we may be the one excluded").isFalse();
        assertThat(r.waiting()).isTrue();
        assertThat(r.confirmedBy(List.of(7L, 42L), 2)).isTrue();
        assertThat(r.waiting()).isFalse();
        assertThat(r.confirmedBy(List.of(42L), 2)).as("once").isFalse();
    }

    @Test
    void aloneOnlyOnceReconnectingFoundNobodyAndOnlyForThatPause() {
        Resyncs r = new Resyncs(tokens(42, 43), 2);
        r.paused();
        r.rejoined();
        assertThat(r.confirmedBy(List.of(42L), 1)).isTrue();
        r.paused();
        assertThat(r.confirmedBy(List.of(43L), 1)).as("a new pause forgets the reconnect").isFalse();
    }

    @Test
    void theCoordinatorNamesTokensInOrderWithinTheWireBound() {
        Resyncs r = new Resyncs(tokens(99), 2);
        r.askedBy(0); // a request without a pause
        for (long t = 1; t <= 9; t++) {
            r.askedBy(t);
        }
        r.askedBy(3); // asked again: named once
        assertThat(r.takeForRound()).containsExactly(1L, 2L);
        assertThat(r.takeForRound()).containsExactly(3L, 4L);
        assertThat(r.takeForRound()).as("at most four rounds' worth kept: the rest ask again").containsExactly(5L, 6L);
        assertThat(r.takeForRound()).containsExactly(7L, 8L);
        assertThat(r.takeForRound()).isEmpty();
        r.askedByMe();
        assertThat(r.takeForRound()).as("not waiting: no token of its own").isEmpty();
        r.paused();
        r.askedBy(5);
        r.askedByMe();
        assertThat(r.takeForRound()).containsExactly(5L, 99L);
    }

    @Test
    void aNewViewForgetsWhatWasAskedButNotOurOwnWait() {
        Resyncs r = new Resyncs(tokens(42), 2);
        r.paused();
        r.askedBy(5);
        r.viewChanged();
        assertThat(r.takeForRound()).isEmpty();
        assertThat(r.waitingFor(42)).isTrue();
    }
}
