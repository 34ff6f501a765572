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

class MemberHostsTest {
    private static final Address A = new UUID(0, 1);
    private static final Address B = new UUID(0, 2);
    private static final String MAC_A = "02:00:00:00:00:0a";
    private static final String MAC_B = "02:00:00:00:00:0b";

    private static WireMessage.State state(String node, String... macs) {
        return new WireMessage.State(new ViewKey(0, 1, 1), 1, node, true, true, 1, 0, List.of(), List.of(), List.of(), List.of(macs));
    }

    @Test
    void aChangeIsToldOnceAndSilentMembersHostsAreLeftOut() {
        MemberHosts hosts = new MemberHosts(100);
        assertThat(hosts.learn(A, state("a", MAC_A))).isTrue();
        assertThat(hosts.learn(A, state("a", MAC_A))).as("nothing new").isFalse();
        assertThat(hosts.learn(B, state("b", MAC_B))).isTrue();
        assertThat(hosts.known(Set.of())).isEqualTo(Map.of(MAC_A, "a", MAC_B, "b"));
        assertThat(hosts.known(Set.of(B))).as("b is silent: its host is not a known member's").isEqualTo(Map.of(MAC_A, "a"));
        assertThat(hosts.learn(B, state("b2", MAC_B))).as("renamed").isTrue();
    }

    @Test
    void aMemberThatLeftTheViewIsAFormerMember() {
        MemberHosts hosts = new MemberHosts(100);
        hosts.learn(A, state("a", MAC_A));
        hosts.learn(B, state("b", MAC_B));
        hosts.viewChanged(List.of(A));
        assertThat(hosts.known(Set.of(B))).as("b is gone, not silent: its host is a stale holder's, still known")
                .isEqualTo(Map.of(MAC_A, "a", MAC_B, "b"));
    }

    @Test
    void theOldestAddressesAreForgottenBeyondTheBound() {
        MemberHosts hosts = new MemberHosts(2);
        hosts.learn(A, state("a", "02:00:00:00:00:01"));
        hosts.learn(A, state("a", "02:00:00:00:00:02"));
        hosts.learn(A, state("a", "02:00:00:00:00:03"));
        assertThat(hosts.known(Set.of()).keySet()).containsExactlyInAnyOrder("02:00:00:00:00:02", "02:00:00:00:00:03");
        assertThat(hosts.learn(B, state("b", "1", "2", "3"))).as("a state naming too many is still learnt, bounded").isTrue();
        assertThat(hosts.known(Set.of())).hasSize(2);
    }
}
