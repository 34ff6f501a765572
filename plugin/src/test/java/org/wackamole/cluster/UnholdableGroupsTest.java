package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.wackamole.config.VipAddress;
import org.wackamole.config.VipGroup;

class UnholdableGroupsTest {
    private static VipAddress on(String nic, String ip) throws Exception {
        return new VipAddress(nic, InetAddress.getByName(ip), 32);
    }

    private final VipGroup a;
    private final VipGroup b;
    private final VipGroup both;
    private final UnholdableGroups groups;

    UnholdableGroupsTest() throws Exception {
        a = new VipGroup(List.of(on("eth0", "198.51.100.10")));
        b = new VipGroup(List.of(on("eth1", "198.51.100.11")));
        both = new VipGroup(List.of(on("eth0", "198.51.100.12"), on("eth1", "198.51.100.13")));
        groups = new UnholdableGroups(List.of(a, b, both), 1000, 30_000);
    }

    @Test
    void failedAcquisitionsBackOffDoublingUpToTheLongestWait() {
        String g = a.identity();
        assertThat(groups.acquireFailed(g)).isEqualTo(new UnholdableGroups.Failure(1, 1000, true));
        assertThat(groups.acquireFailed(g)).as("still declined").isEqualTo(new UnholdableGroups.Failure(2, 2000, false));
        assertThat(groups.declined(List.of())).containsExactly(g);
        assertThat(groups.retry(g)).isTrue();
        assertThat(groups.retry(g)).as("once").isFalse();
        assertThat(groups.declined(List.of())).isEmpty();
        assertThat(groups.acquireFailed(g).retryMs()).isEqualTo(4000);
        for (int i = 0; i < 40; i++) {
            groups.acquireFailed(g);
        }
        assertThat(groups.acquireFailed(g).retryMs()).as("bounded, no overflow after many failures").isEqualTo(30_000);
        groups.acquired(g);
        assertThat(groups.acquireFailed(g).failures()).as("a success resets the count").isEqualTo(1);
    }

    @Test
    void aLostInterfaceDeclinesItsGroupsUntilItIsBack() {
        assertThat(groups.interfaceLost("eth0")).containsExactly(a.identity(), both.identity());
        assertThat(groups.interfaceLost("eth0")).as("lost already").isNull();
        assertThat(groups.declined(List.of("x"))).containsExactly("x", a.identity(), both.identity());
        assertThat(groups.retry(a.identity())).as("no retry while its interface is lost").isFalse();

        assertThat(groups.interfaceLost("eth1")).containsExactly(b.identity(), both.identity());
        int event = groups.linkEvent("eth0");
        assertThat(groups.stillLost("eth0", event)).isTrue();
        assertThat(groups.interfaceBack("eth0")).as("the group on both waits for eth1 too").containsExactly(a.identity());
        assertThat(groups.stillLost("eth0", event)).isFalse();
        assertThat(groups.interfaceBack("eth1")).containsExactly(b.identity(), both.identity());
        assertThat(groups.declined(List.of())).isEmpty();
    }

    @Test
    void aLaterLinkEventSupersedesAWaitForTheInterface() {
        groups.interfaceLost("eth0");
        int first = groups.linkEvent("eth0");
        int second = groups.linkEvent("eth0");
        assertThat(groups.stillLost("eth0", first)).isFalse();
        assertThat(groups.stillLost("eth0", second)).isTrue();
        assertThat(groups.stillLost("eth9", 1)).as("never lost").isFalse();
    }

    @Test
    void aBackInterfaceForgetsItsGroupsFailures() {
        groups.acquireFailed(b.identity());
        groups.acquireFailed(b.identity());
        groups.interfaceLost("eth1");
        groups.interfaceBack("eth1");
        assertThat(groups.acquireFailed(b.identity()).failures()).isEqualTo(1);
    }
}
