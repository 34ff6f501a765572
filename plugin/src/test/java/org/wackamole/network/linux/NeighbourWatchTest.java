package org.wackamole.network.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Neighbour advertisements as the IPv6 watch reads them; on the wire in {@code LinuxNetworkConflictTest}. */
class NeighbourWatchTest {
    private static final byte[] MAC = {2, 0, 0, 0, 0, 7};

    @Test
    void anUnsolicitedOverridingAdvertisementIsAnAnnouncementAndASolicitedOneIsNot() throws Exception {
        Inet6Address vip = (Inet6Address) InetAddress.getByName("2001:db8::10");
        byte[] announced = NeighbourAdvertiser.message(MAC, vip);
        ArpWatch.Claim c = NeighbourWatch.parse(announced, announced.length, 5);
        assertThat(c.address()).isEqualTo(vip);
        assertThat(c.mac()).isEqualTo("02:00:00:00:00:07");
        assertThat(c.gratuitous()).as("what an announcing member sends").isTrue();
        assertThat(c.probeAnswer()).isFalse();
        assertThat(c.nanos()).isEqualTo(5);

        byte[] solicited = announced.clone();
        solicited[4] = 0x60; // Solicited + Override: a kernel answering a solicitation
        assertThat(NeighbourWatch.parse(solicited, solicited.length, 5).gratuitous()).isFalse();
        assertThat(NeighbourWatch.parse(solicited, solicited.length, 5).probeAnswer()).as("what answers a probe").isTrue();
        byte[] notOverriding = announced.clone();
        notOverriding[4] = 0;
        assertThat(NeighbourWatch.parse(notOverriding, notOverriding.length, 5).gratuitous()).isFalse();
    }

    @Test
    void anAdvertisementThatNamesNoLinkLayerAddressOrIsMalformedClaimsNothing() throws Exception {
        Inet6Address vip = (Inet6Address) InetAddress.getByName("2001:db8::10");
        byte[] announced = NeighbourAdvertiser.message(MAC, vip);
        assertThat(NeighbourWatch.parse(announced, 24, 5)).as("no option").isNull();
        byte[] sourceOption = announced.clone();
        sourceOption[24] = 1; // a source link-layer address option names no claimant
        assertThat(NeighbourWatch.parse(sourceOption, sourceOption.length, 5)).isNull();
        byte[] zeroLength = announced.clone();
        zeroLength[25] = 0;
        assertThat(NeighbourWatch.parse(zeroLength, zeroLength.length, 5)).isNull();
        byte[] overlong = announced.clone();
        overlong[25] = 2;
        assertThat(NeighbourWatch.parse(overlong, overlong.length, 5)).isNull();
        byte[] solicitation = announced.clone();
        solicitation[0] = (byte) 135;
        assertThat(NeighbourWatch.parse(solicitation, solicitation.length, 5)).isNull();
        assertThat(NeighbourWatch.parse(announced, 23, 5)).isNull();
    }

    @Test
    void theProbeIsASolicitationToTheTargetsSolicitedNodeGroup() throws Exception {
        Inet6Address vip = (Inet6Address) InetAddress.getByName("2001:db8::12:3456");
        assertThat(InetAddress.getByAddress(NeighbourWatch.solicitedNode(vip)))
                .isEqualTo(InetAddress.getByName("ff02::1:ff12:3456"));
        byte[] ns = NeighbourWatch.solicitation(MAC, vip);
        assertThat(ns[0] & 0xFF).isEqualTo(135);
        assertThat(java.util.Arrays.copyOfRange(ns, 8, 24)).isEqualTo(vip.getAddress());
        assertThat(java.util.Arrays.copyOfRange(ns, 24, 32)).containsExactly(1, 1, 2, 0, 0, 0, 0, 7);
        assertThat(NeighbourWatch.parse(ns, ns.length, 5)).as("a solicitation claims nothing").isNull();
    }

    @Test
    void theKernelFilterPassesOnlyNeighbourAdvertisements() {
        ByteBuffer f = ByteBuffer.wrap(NeighbourWatch.advertisementsOnly()).order(ByteOrder.nativeOrder());
        for (int type = 0; type < 256; type++) {
            boolean blocked = (f.getInt((type >> 5) * 4) & (1 << (type & 31))) != 0;
            assertThat(blocked).as("type %d", type).isEqualTo(type != 136);
        }
    }
}
