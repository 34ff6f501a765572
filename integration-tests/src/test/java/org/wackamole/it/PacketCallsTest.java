package org.wackamole.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The ARP frames the client-side captures send and read ({@link PacketCalls.Arp}); no socket, any user. */
class PacketCallsTest {
    private static final byte[] MAC = {2, 0, 0, 0, 0, (byte) 0xab};
    private static final byte[] SENDER = {(byte) 198, 51, 100, (byte) 150};
    private static final byte[] VIP = {(byte) 198, 51, 100, 10};

    @Test
    void aRequestReadsBackAsWhoHasTheTargetTellTheSender() {
        byte[] frame = PacketCalls.Arp.request(MAC, SENDER, VIP);
        assertThat(frame).hasSize(42);
        assertThat(Arrays.copyOfRange(frame, 0, 6)).as("broadcast").containsOnly((byte) -1);
        PacketCalls.Arp arp = PacketCalls.Arp.of(frame, frame.length);
        assertThat(arp.op()).isEqualTo(PacketCalls.Arp.REQUEST);
        assertThat(arp.sha()).isEqualTo("02:00:00:00:00:ab");
        assertThat(arp.spa()).isEqualTo(SENDER);
        assertThat(arp.tpa()).isEqualTo(VIP);
        assertThat(arp.gratuitous()).isFalse();
        assertThat(ArpSenders.indexOf(frame, PacketCalls.Arp.TPA)).as("a request's target is no sender of the block").isEqualTo(-1);
        assertThat(ArpSenders.indexOf(frame, 28)).as("its sender is the block's first").isZero();
    }

    @Test
    void aReplyAndAGratuitousArpAreTold() {
        byte[] reply = PacketCalls.Arp.request(MAC, VIP, SENDER);
        reply[21] = (byte) PacketCalls.Arp.REPLY;
        PacketCalls.Arp arp = PacketCalls.Arp.of(reply, reply.length);
        assertThat(arp.op()).isEqualTo(PacketCalls.Arp.REPLY);
        assertThat(ArpSenders.indexOf(reply, PacketCalls.Arp.TPA)).as("the reply names the request's sender").isZero();
        byte[] gratuitous = PacketCalls.Arp.request(MAC, VIP, VIP);
        assertThat(PacketCalls.Arp.of(gratuitous, gratuitous.length).gratuitous()).isTrue();
    }

    @Test
    void aShortFrameOrAnotherProtocolIsNoArp() {
        byte[] frame = PacketCalls.Arp.request(MAC, SENDER, VIP);
        assertThat(PacketCalls.Arp.of(frame, 41)).as("truncated").isNull();
        byte[] ip = frame.clone();
        ip[12] = 0x08;
        ip[13] = 0x00;
        assertThat(PacketCalls.Arp.of(ip, ip.length)).as("an IPv4 frame").isNull();
        byte[] other = frame.clone();
        other[16] = (byte) 0x86;
        other[17] = (byte) 0xdd;
        assertThat(PacketCalls.Arp.of(other, other.length)).as("ARP for another protocol than IPv4").isNull();
    }
}
