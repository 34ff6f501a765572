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
    void releasesAndPreparesArePerRoundAndGroup() {
        RoundReports r = new RoundReports();
        r.released(3, "v1", A);
        r.released(3, "v1", B);
        r.released(3, "v2", STRANGER);
        r.released(4, "v3", A);
        assertThat(r.releasedBy(3)).isEqualTo(Map.of("v1", Set.of(A, B), "v2", Set.of(STRANGER)));
        assertThat(r.releasedBy(4)).isEqualTo(Map.of("v3", Set.of(A)));

        r.prepared(3, "v1", A, List.of("02:00:00:00:00:01"));
        r.prepared(3, "v1", B, List.of("02:00:00:00:00:02"));
        r.prepared(3, "v2", STRANGER, List.of("02:00:00:00:00:09"));
        assertThat(r.preparedBy(3)).as("the latest PREPARED of a group counts").isEqualTo(Map.of("v1", B, "v2", STRANGER));
        assertThat(r.preparedMacs(3, "v1")).containsExactly("02:00:00:00:00:02");
        assertThat(r.preparedBy(5)).isEmpty();
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
        assertThat(r.releasedBy(1)).isEmpty();
        assertThat(r.preparedBy(1)).isEmpty();
        assertThat(r.states(2)).hasSize(1);
        assertThat(r.releasedBy(2)).hasSize(1);
        assertThat(r.preparedBy(2)).hasSize(1);
        r.clear();
        assertThat(r.states(2)).isEmpty();
        assertThat(r.releasedBy(2)).isEmpty();
        assertThat(r.preparedBy(2)).isEmpty();
    }
}
