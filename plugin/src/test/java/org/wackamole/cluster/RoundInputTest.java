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

    private static WireMessage.State dryRun(String node) {
        return new WireMessage.State(VIEW, 1, node, true, true, 1, 7, List.of(), List.of(), List.of(), List.of(), false, 0, true, List.of());
    }

    private RoundInput input(int quorum, WireMessage.State sa, WireMessage.State sb, WireMessage.State sc) {
        Map<Address, WireMessage.State> states = new LinkedHashMap<>();
        states.put(a, sa);
        states.put(b, sb);
        states.put(c, sc);
        return RoundInput.of(List.of(a, b, c), states, quorum, 0, List.of("g1", "g2"));
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
    void aMemberWithAnotherConfigurationOrATakenNameHoldsNothing() {
        RoundInput in = input(0, state("a", true, true, 7, List.of()), state("a", true, true, 7, List.of("g1")),
                state("c", true, true, 8, List.of()));
        assertThat(in.poolMismatch()).containsExactly(c);
        assertThat(in.eligible(c)).isFalse();
        assertThat(in.names().get(a)).isEqualTo("a");
        assertThat(in.names().get(b)).isEqualTo("a#1");
        assertThat(in.duplicates()).containsExactly(b);
        assertThat(in.eligible(a)).isTrue();
        assertThat(in.eligible(b)).as("the later 'a' in view order").isFalse();
        assertThat(in.request().claims()).as("its claims still count: its groups move off it").containsEntry("a#1", java.util.Set.of("g1"));
    }

    @Test
    void aDryRunHoldsNothingBesideRealMembersButDryRunsAloneDo() {
        RoundInput mixed = input(0, dryRun("a"), state("b", true, true, 7, List.of()), state("c", true, true, 7, List.of()));
        assertThat(mixed.eligible(a)).isFalse();
        assertThat(mixed.config().observers()).containsExactly(a);
        assertThat(mixed.eligible(b)).isTrue();
        RoundInput dry = input(0, dryRun("a"), dryRun("b"), dryRun("c"));
        assertThat(dry.request().members()).allMatch(Member::eligible);
    }

    @Test
    void quorumCountsTheMembersThatAnsweredAndComesFromOwnSettings() {
        Map<Address, WireMessage.State> states = new LinkedHashMap<>();
        states.put(a, state("a", true, true, 7, List.of()));
        states.put(b, state("b", true, true, 7, List.of()));
        // c is in the view but silent: the round goes with a and b only.
        RoundInput in = RoundInput.of(List.of(a, b), states, 3, 0, List.of("g1"));
        assertThat(in.quorate()).isFalse();
        assertThat(RoundInput.of(List.of(a, b), states, 2, 0, List.of("g1")).quorate()).isTrue();
    }
}
