package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.jgroups.Address;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SilentMembersTest {
    private static final List<Address> VIEW = List.of(new UUID(0, 1), new UUID(0, 2), new UUID(0, 3), new UUID(0, 4));

    private static List<Integer> ranks(String text) {
        return text == null || text.isBlank() ? List.of() : Arrays.stream(text.trim().split("\\s+")).map(Integer::valueOf).toList();
    }

    /** Who may start a round, given the ranks the ROUND itself names silent. */
    @ParameterizedTest(name = "sender {0}, silent [{1}] -> {2}")
    @CsvSource(delimiter = '|', value = {
            "0 |       | true",   // the coordinator, nobody silent
            "0 | 2     | true",   // the coordinator going without a silent member
            "1 |       | false",  // not the first member, and it does not say the first is silent
            "1 | 0     | true",   // the deputy of a silent coordinator
            "1 | 0 3   | true",
            "2 | 0     | false",  // 1 is before it and not named
            "2 | 0 1   | true",
            "0 | 0     | false",  // names itself silent
            "1 | 0 0   | false",  // a rank twice
            "1 | 0 4   | false",  // a rank outside the view
            "1 | -1 0  | false",
    })
    void aRoundIsValidFromTheFirstMemberItDoesNotNameSilent(int sender, String silent, boolean valid) {
        assertThat(SilentMembers.fromCoordinator(VIEW, VIEW.get(sender), ranks(silent))).isEqualTo(valid);
    }

    /**
     * A valid ROUND reaching member 2 whose agreed list names {@code agreed} silent: is it the late word of
     * a side that was not heard (refused), or a round to follow? The stall of the TCP loss soak: member 0's
     * messages waited in a stalled connection while 1, 2, 3 named it silent and went on; its late ROUND named
     * them all.
     */
    @ParameterizedTest(name = "agreed [{0}], from {1} naming [{2}] -> {3}")
    @CsvSource(delimiter = '|', value = {
            "0   | 0 |  1 2 3 | true",   // the held coordinator's late round: it goes alone, we go with three
            "0   | 0 |  2     | false",  // names only us: it goes with three, as we do; no side is the smaller
            "0   | 0 |  1 2   | true",
            "    | 0 |  2     | false",  // we name nobody: an ordinary round that names us, we follow and let go
            "0   | 0 |  1 3   | false",  // does not name us
            "0 3 | 0 |  1 2 3 | true",
            "0   | 1 |  0 2   | false",  // from a member we do not name
            "0 1 | 0 |  2 3   | false",  // we go with two, it goes with two: no side is the smaller
            "0 1 | 0 |  2     | false",  // it goes with more than we do
    })
    void aRoundFromTheSideNotHeardIsRefused(String agreed, int sender, String named, boolean refused) {
        Set<Address> mine = SilentMembers.ofRanks(VIEW, ranks(agreed));
        assertThat(SilentMembers.fromSideNotHeard(VIEW, mine, VIEW.get(2), VIEW.get(sender), ranks(named))).isEqualTo(refused);
    }

    @Test
    void aMemberOutsideTheViewNeverStartsARound() {
        assertThat(SilentMembers.fromCoordinator(VIEW, new UUID(9, 9), List.of(0, 1, 2, 3))).isFalse();
    }

    @Test
    void silentMembersCarryOverToTheNextViewUntilTheySpeak() {
        SilentMembers s = new SilentMembers();
        s.adopt(VIEW, List.of(0, 2));
        assertThat(SilentMembers.coordinator(VIEW, s.silent())).isEqualTo(VIEW.get(1));
        assertThat(SilentMembers.speaking(VIEW, s.silent())).containsExactly(VIEW.get(1), VIEW.get(3));
        // VIEW[1] died: the next view keeps VIEW[0] and VIEW[2] silent, so its first round goes without them at once.
        List<Address> next = List.of(VIEW.get(0), VIEW.get(2), VIEW.get(3));
        s.viewChanged(next, VIEW.get(3), false);
        assertThat(s.silent()).containsExactly(VIEW.get(0), VIEW.get(2));
        assertThat(SilentMembers.coordinator(next, s.silent())).isEqualTo(VIEW.get(3));
        assertThat(SilentMembers.ranks(next, s.silent())).containsExactly(0, 1);
        assertThat(s.spoke(VIEW.get(2))).isTrue();
        assertThat(s.spoke(VIEW.get(2))).as("once").isFalse();
        assertThat(s.add(List.of(VIEW.get(0), VIEW.get(3)))).as("newly named").containsExactly(VIEW.get(3));
        assertThat(SilentMembers.ofRanks(next, List.of(2, 7))).isEqualTo(Set.of(VIEW.get(3)));
    }

    /**
     * The soak's stall: a member paused past detection went without its peers in the view they had left;
     * in the merged view its round named them silent, they adopted it, and then each held itself and the
     * others silent and waited for a round from the next, for good.
     */
    @Test
    void aMemberNeverCarriesItselfSilentIntoTheNextView() {
        SilentMembers s = new SilentMembers();
        s.adopt(VIEW, List.of(0, 1)); // a round from VIEW[2] named VIEW[0] and this member, VIEW[1]
        assertThat(SilentMembers.coordinator(VIEW, s.silent())).isEqualTo(VIEW.get(2));
        List<Address> next = List.of(VIEW.get(0), VIEW.get(1), VIEW.get(3)); // VIEW[2] left
        s.viewChanged(next, VIEW.get(1), false);
        assertThat(s.silent()).containsExactly(VIEW.get(0));
        assertThat(SilentMembers.coordinator(next, s.silent())).as("it starts the rounds itself").isEqualTo(VIEW.get(1));
        // Named silent by everyone it knows of, it still finds a coordinator in itself, never a silent member.
        s.add(List.of(VIEW.get(3)));
        s.viewChanged(next, VIEW.get(1), false);
        assertThat(SilentMembers.coordinator(next, s.silent())).isEqualTo(VIEW.get(1));
    }

    @Test
    void aMergeForgetsTheNamesGivenOnEitherSide() {
        SilentMembers s = new SilentMembers();
        s.adopt(VIEW, List.of(1, 2)); // VIEW[0], alone in a view the others had left, went without them
        s.viewChanged(VIEW, VIEW.get(0), true);
        assertThat(s.silent()).isEmpty();
        assertThat(SilentMembers.coordinator(VIEW, s.silent())).isEqualTo(VIEW.get(0));
        s.adopt(VIEW, List.of(3));
        s.clear(); // reconnecting
        assertThat(s.silent()).isEmpty();
    }
}
