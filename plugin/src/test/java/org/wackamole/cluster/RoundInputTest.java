package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jgroups.Address;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;
import org.wackamole.allocation.Member;
import org.wackamole.cluster.wire.ViewKey;
import org.wackamole.cluster.wire.WireMessage;

class RoundInputTest {
    private static final ViewKey VIEW = new ViewKey(1, 2, 3);
    // Fixed addresses: a random UUID would only show in the disambiguated name, but CI runs the same test every time.
    private final Address a = new UUID(0, 1);
    private final Address b = new UUID(0, 2);
    private final Address c = new UUID(0, 3);

    private static WireMessage.State state(String node, boolean mature, boolean eligible, int pool, List<String> held) {
        return new WireMessage.State(VIEW, 1, node, mature, eligible, 1, pool, List.of(), held, List.of());
    }

    private RoundInput input(int quorum, WireMessage.State sa, WireMessage.State sb, WireMessage.State sc) {
        Map<Address, WireMessage.State> states = new LinkedHashMap<>();
        states.put(a, sa);
        states.put(b, sb);
        states.put(c, sc);
        return RoundInput.of(List.of(a, b, c), a, states, new WireMessage.Round(VIEW, 1, 0, quorum), List.of("g1", "g2"));
    }

    @Test
    void oneMaturePeerMakesEveryEligibleMemberEligible() {
        RoundInput in = input(0, state("a", false, true, 7, List.of()), state("b", true, true, 7, List.of("g1")),
                state("c", false, false, 7, List.of()));
        assertThat(in.anyMature()).isTrue();
        assertThat(in.request().members()).extracting(Member::eligible).containsExactly(true, true, false);
        assertThat(in.request().claims()).containsEntry("b", java.util.Set.of("g1"));
    }

    @Test
    void nobodyMatureOrBelowQuorumMeansNobodyHolds() {
        RoundInput young = input(0, state("a", false, true, 7, List.of()), state("b", false, true, 7, List.of()),
                state("c", false, true, 7, List.of()));
        assertThat(young.request().members()).noneMatch(Member::eligible);
        RoundInput minority = input(4, state("a", true, true, 7, List.of()), state("b", true, true, 7, List.of()),
                state("c", true, true, 7, List.of()));
        assertThat(minority.quorate()).isFalse();
        assertThat(minority.request().members()).noneMatch(Member::eligible);
    }

    @Test
    void aMemberWithAnotherPoolHoldsNothingAndDuplicateNamesAreDisambiguated() {
        RoundInput in = input(0, state("a", true, true, 7, List.of()), state("a", true, true, 7, List.of()),
                state("c", true, true, 8, List.of()));
        assertThat(in.poolMismatch()).containsExactly(c);
        assertThat(in.eligible(c)).isFalse();
        assertThat(in.names().get(a)).isEqualTo("a");
        assertThat(in.names().get(b)).startsWith("a#");
    }
}
