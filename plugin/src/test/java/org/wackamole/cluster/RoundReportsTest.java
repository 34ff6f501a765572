package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jgroups.Address;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;
import org.wackamole.cluster.wire.ViewKey;
import org.wackamole.cluster.wire.WireMessage;

class RoundReportsTest {
    private static final Address A = new UUID(0, 1);
    private static final Address B = new UUID(0, 2);
    private static final Address STRANGER = new UUID(0, 9);
    private static final Map<Address, String> NAMES = Map.of(A, "a", B, "b");
    private static final ViewKey V = new ViewKey(0, 1, 1);

    private static WireMessage.State state(int round, String node) {
        return new WireMessage.State(V, round, node, true, true, 1, 0, List.of(), List.of(), List.of());
    }

    @Test
    void statesArePerRoundAndSender() {
        RoundReports r = new RoundReports();
        assertThat(r.states(1)).isEmpty();
        r.state(A, state(1, "a"));
        r.state(B, state(2, "b"));
        r.state(A, state(1, "a2"));
        assertThat(r.states(1)).containsOnlyKeys(A);
        assertThat(r.states(1).get(A).node()).as("the later state of a sender counts").isEqualTo("a2");
        assertThat(r.states(2)).containsOnlyKeys(B);
    }

    @Test
    void releasesAndPreparesAreReadByNameInTheRound() {
        RoundReports r = new RoundReports();
        r.released(3, "v1", A);
        r.released(3, "v1", B);
        r.released(3, "v2", STRANGER);
        r.released(4, "v3", A);
        assertThat(r.releasedNames(3, NAMES)).isEqualTo(Map.of("v1", Set.of("a", "b")));
        assertThat(r.releasedNames(4, NAMES)).isEqualTo(Map.of("v3", Set.of("a")));

        r.prepared(3, "v1", A, List.of("02:00:00:00:00:01"));
        r.prepared(3, "v1", B, List.of("02:00:00:00:00:02"));
        r.prepared(3, "v2", STRANGER, List.of("02:00:00:00:00:09"));
        assertThat(r.preparedNames(3, NAMES)).as("the latest PREPARED of a group counts").isEqualTo(Map.of("v1", Set.of("b")));
        assertThat(r.preparedMacs(3, "v1")).containsExactly("02:00:00:00:00:02");
        assertThat(r.preparedNames(5, NAMES)).isEmpty();
    }

    @Test
    void aRoundForgetsEarlierRoundsAndAViewForgetsAll() {
        RoundReports r = new RoundReports();
        r.state(A, state(1, "a"));
        r.state(A, state(2, "a"));
        r.released(1, "v1", A);
        r.released(2, "v1", A);
        r.prepared(1, "v1", A, List.of());
        r.prepared(2, "v2", A, List.of());
        r.forgetBefore(2);
        assertThat(r.states(1)).isEmpty();
        assertThat(r.releasedNames(1, NAMES)).isEmpty();
        assertThat(r.preparedNames(1, NAMES)).isEmpty();
        assertThat(r.states(2)).hasSize(1);
        assertThat(r.releasedNames(2, NAMES)).hasSize(1);
        assertThat(r.preparedNames(2, NAMES)).hasSize(1);
        r.clear();
        assertThat(r.states(2)).isEmpty();
        assertThat(r.releasedNames(2, NAMES)).isEmpty();
        assertThat(r.preparedNames(2, NAMES)).isEmpty();
    }
}
