package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jgroups.Address;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;

class MayHoldTest {
    private static final Address A = new UUID(0, 1);
    private static final Address B = new UUID(0, 2);
    private static final Address C = new UUID(0, 3);
    private static final List<Address> VIEW = List.of(A, B, C);

    @Test
    void aSupersetOfWhatAMemberHoldsIsToldForItsRank() {
        MayHold may = new MayHold();
        may.stated(B, List.of("v1"));
        may.decided(B, Set.of("v2"), Set.of("v3"));
        may.decided(C, Set.of("v4"), null);
        may.released(B, List.of("v3", "v9"));
        assertThat(may.silentHeld(VIEW, List.of(1))).containsExactlyInAnyOrder("1:v1", "1:v2");
        assertThat(may.silentHeld(VIEW, List.of(0, 2))).containsExactly("2:v4");
        may.stated(B, List.of());
        assertThat(may.silentHeld(VIEW, List.of(1))).as("a state says what it holds now").isEmpty();
        may.viewChanged(List.of(A, B));
        assertThat(may.silentHeld(VIEW, List.of(2))).as("left the view").isEmpty();
    }

    @Test
    void everyMemberReadsTheRoundsListTheSameWay() {
        Map<Address, Set<String>> read = MayHold.ofRound(VIEW, List.of(B, C),
                List.of("1:v1", "2:v2", "0:v3", "1:nope", "7:v1", "x:v1", ":v1", "1", "-1:v1", "2:v1"), Set.of("v1", "v2", "v3")::contains);
        assertThat(read).isEqualTo(Map.of(B, Set.of("v1"), C, Set.of("v2", "v1")));
        assertThat(read.keySet()).as("in the order given").containsExactly(B, C);
        assertThat(MayHold.ofRound(VIEW, Set.of(), List.of("1:v1"), g -> true)).as("nobody silent").isEmpty();
    }

    @Test
    void whatOneMemberSaysItToldTheOthersReadsBack() {
        MayHold may = new MayHold();
        may.stated(C, List.of("v1", "v2"));
        List<String> told = may.silentHeld(VIEW, List.of(2));
        assertThat(MayHold.ofRound(VIEW, Set.of(C), told, g -> true)).isEqualTo(Map.of(C, Set.of("v1", "v2")));
    }
}
