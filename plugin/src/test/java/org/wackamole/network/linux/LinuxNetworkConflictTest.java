package org.wackamole.network.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wackamole.config.NetworkSettings;
import org.wackamole.config.VipAddress;
import org.wackamole.config.VipGroup;
import org.wackamole.config.WackamoleConfig;
import org.wackamole.network.NetworkException;
import org.wackamole.network.NetworkListener;

/**
 * Address conflicts seen from the wire, in namespaces this test creates: a host answering for a VIP
 * before we take it (foreign: refused; a former member: taken over), and a host claiming a VIP we
 * hold (defended by announcing again), except a member's own announcement (it took the address). Root only.
 */
@Timeout(60)
class LinuxNetworkConflictTest {
    record Seen(String address, String mac, String member, boolean probing) {
    }

    @Test
    void foreignHoldersAreRefusedStaleMembersTakenOverAndClaimsWhileHeldDefended() throws Exception {
        String why = TestNetwork.whyUnavailable();
        assumeTrue(why == null, why);
        Map<String, String> s = new HashMap<>();
        s.put("wackamole.interface", "veth0");
        s.put("wackamole.vips", "198.51.100.10/32");
        VipGroup group = WackamoleConfig.parse(s, () -> "test").groups().get(0);
        try (TestNetwork net = new TestNetwork("a", "b")) {
            String macA = net.mac("a");
            LinuxNetwork a = net.inNamespace("a", () -> LinuxNetwork.open(NetworkSettings.oneShot()));
            LinuxNetwork b = net.inNamespace("b", () -> LinuxNetwork.open(NetworkSettings.defaults()));
            List<Seen> seen = new CopyOnWriteArrayList<>();
            List<Seen> taken = new CopyOnWriteArrayList<>();
            b.setListener(recording(seen, taken));
            try {
                a.acquire(group); // a host outside b's cluster holds the VIP
                long start = System.nanoTime();
                assertThatThrownBy(() -> b.acquire(group)).isInstanceOf(NetworkException.class)
                        .hasMessageContaining("198.51.100.10 is answered by " + macA)
                        .hasMessageContaining("no member of this cluster");
                System.out.println("refusing took " + (System.nanoTime() - start) / 1000 + " us");
                assertThat(net.exec("b", "ip", "-o", "addr", "show", "dev", "veth0")).doesNotContain("198.51.100.10/32");
                assertThat(seen).contains(new Seen("198.51.100.10", macA, null, true));

                // The same host, known as the host of a member whose JVM died: taken over, reported as stale.
                b.knownMembers(Map.of(macA, "h-a"));
                b.acquire(group);
                assertThat(net.exec("b", "ip", "-o", "addr", "show", "dev", "veth0")).contains("198.51.100.10/32");
                assertThat(seen).contains(new Seen("198.51.100.10", macA, "h-a", true));
                Thread.sleep(LinuxNetwork.contestedRepeatMs(LinuxNetwork.CONTESTED_REPEATS) + 100); // its out-announcing is over

                // a's kernel keeps claiming it (a request from the address that is no announcement, as a killed
                // member's kernel sends when it resolves a neighbour): b sees it while holding and announces again.
                long before = b.announcements();
                net.inNamespace("a", () -> {
                    try (Rtnetlink netlink = new Rtnetlink(); ArpAnnouncer arp = new ArpAnnouncer()) {
                        arp.notify(netlink.link("veth0"), (java.net.Inet4Address) java.net.InetAddress.getByName("198.51.100.10"),
                                (java.net.Inet4Address) java.net.InetAddress.getByName("198.51.100.99"));
                    }
                    return null;
                });
                Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> seen.contains(new Seen("198.51.100.10", macA, "h-a", false)));
                Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> b.announcements() > before);
                assertThat(b.conflicts()).isGreaterThanOrEqualTo(3);

                // a announces it later, as a live member that took it does: b is told it was taken and does not defend it.
                Thread.sleep(LinuxNetwork.TAKEN_AFTER_NANOS / 1_000_000 + 5);
                long defended = b.announcements();
                a.announce(group);
                Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> taken.contains(new Seen("198.51.100.10", macA, "h-a", false)));
                Thread.sleep(100);
                assertThat(b.announcements()).as("no defence against a member's announcement").isEqualTo(defended);

                assertTakingAFreeVipCostsOnlyTheProbe(b, "198.51.100.11/32");
            } finally {
                a.close();
                b.close();
            }
        }
    }

    @Test
    void ipv6VipsAreProbedLikeIPv4OnesAndAMembersAnnouncementIsTakenWhileItsKernelsAnswerIsDefended() throws Exception {
        String why = TestNetwork.whyUnavailable();
        assumeTrue(why == null, why);
        VipGroup group = WackamoleConfig.parse(Map.of("wackamole.interface", "veth0", "wackamole.vips", "[2001:db8::10]/128"),
                () -> "test").groups().get(0);
        java.net.Inet6Address vip = (java.net.Inet6Address) group.addresses().get(0).address();
        try (TestNetwork net = new TestNetwork("a", "b")) {
            String macA = net.mac("a");
            LinuxNetwork a = net.inNamespace("a", () -> LinuxNetwork.open(NetworkSettings.oneShot()));
            LinuxNetwork b = net.inNamespace("b", () -> LinuxNetwork.open(NetworkSettings.defaults()));
            List<Seen> seen = new CopyOnWriteArrayList<>();
            List<Seen> taken = new CopyOnWriteArrayList<>();
            b.setListener(recording(seen, taken));
            try {
                String address = vip.getHostAddress();
                // A host outside b's cluster has the VIP (a static address; or a's JVM was killed): b's solicitation is answered.
                net.exec("a", "ip", "-6", "addr", "add", "2001:db8::10/128", "dev", "veth0", "nodad");
                assertThatThrownBy(() -> b.acquire(group)).isInstanceOf(NetworkException.class)
                        .hasMessageContaining(address + " is answered by " + macA)
                        .hasMessageContaining("no member of this cluster");
                assertThat(net.exec("b", "ip", "-o", "-6", "addr", "show", "dev", "veth0")).doesNotContain("2001:db8::10/128");
                assertThat(seen).contains(new Seen(address, macA, null, true));

                // Known as the host of a member whose JVM died: taken over, reported as a stale holder, and
                // out-announced: four more announcements 20, 60, 140 and 300 ms after the first, long before the next
                // regular one (1 s).
                b.knownMembers(Map.of(macA, "h-a"));
                long announced = b.announcements();
                b.acquire(group);
                assertThat(net.exec("b", "ip", "-o", "-6", "addr", "show", "dev", "veth0")).contains("2001:db8::10/128");
                assertThat(seen).contains(new Seen(address, macA, "h-a", true));
                assertThat(LinuxNetwork.contestedRepeatMs(1)).isEqualTo(20);
                assertThat(LinuxNetwork.contestedRepeatMs(LinuxNetwork.CONTESTED_REPEATS)).isEqualTo(300);
                Thread.sleep(LinuxNetwork.contestedRepeatMs(LinuxNetwork.CONTESTED_REPEATS) + 200);
                assertThat(b.announcements() - announced).isEqualTo(1 + LinuxNetwork.CONTESTED_REPEATS);

                // a's kernel answers a solicitation for it (Solicited flag): a stale holder, defended against.
                long before = b.announcements();
                net.inNamespace("a", () -> {
                    sendAdvertisement(net.mac("a"), vip, 0x60);
                    return null;
                });
                Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> seen.contains(new Seen(address, macA, "h-a", false)));
                Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> b.announcements() > before);
                assertThat(taken).isEmpty();

                // a's member takes it (b's host answering for it, as a's did) and announces it: b is told it was taken
                // and does not defend it.
                net.exec("a", "ip", "-6", "addr", "del", "2001:db8::10/128", "dev", "veth0");
                a.knownMembers(Map.of(net.mac("b"), "h-b"));
                Thread.sleep(LinuxNetwork.TAKEN_AFTER_NANOS / 1_000_000 + 5);
                long defended = b.announcements();
                a.acquire(group);
                Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> taken.contains(new Seen(address, macA, "h-a", false)));
                Thread.sleep(100);
                assertThat(b.announcements()).as("no defence against a member's announcement").isEqualTo(defended);

                assertTakingAFreeVipCostsOnlyTheProbe(b, "[2001:db8::11]/128");
            } finally {
                a.close();
                b.close();
            }
        }
    }

    /** Nobody else answers: taking a free VIP costs only the probe's short wait. */
    private static void assertTakingAFreeVipCostsOnlyTheProbe(LinuxNetwork b, String vip) throws Exception {
        VipGroup free = WackamoleConfig.parse(Map.of("wackamole.interface", "veth0", "wackamole.vips", vip), () -> "test")
                .groups().get(0);
        long t = System.nanoTime();
        b.acquire(free);
        long micros = (System.nanoTime() - t) / 1000;
        System.out.println("acquiring the free VIP " + vip + " with its probe took " + micros + " us");
        assertThat(micros).isGreaterThanOrEqualTo(LinuxNetwork.PROBE_WAIT_NANOS / 1000);
    }

    /**
     * What b's network reports. a announces once per acquisition ({@code oneShot}): its repeats would be
     * the announcements of a live member.
     */
    private static NetworkListener recording(List<Seen> conflicts, List<Seen> taken) {
        return new NetworkListener() {
            @Override
            public void conflict(VipAddress address, String mac, String member, boolean probing) {
                conflicts.add(new Seen(address.address().getHostAddress(), mac, member, probing));
            }

            @Override
            public void taken(VipAddress address, String mac, String member) {
                taken.add(new Seen(address.address().getHostAddress(), mac, member, false));
            }
        };
    }

    /** A neighbour advertisement with these flags (of the flags byte) for the address, to all nodes, from this namespace. */
    private static void sendAdvertisement(String mac, java.net.Inet6Address vip, int flags) throws Exception {
        byte[] message = NeighbourAdvertiser.message(java.util.HexFormat.ofDelimiter(":").parseHex(mac), vip);
        message[4] = (byte) flags;
        LibC libc = LibC.get();
        int fd = libc.socket(LibC.AF_INET6, LibC.SOCK_RAW, LibC.IPPROTO_ICMPV6);
        assertThat(fd).as("ICMPv6 socket").isGreaterThanOrEqualTo(0);
        try (Rtnetlink netlink = new Rtnetlink()) {
            int index = netlink.link("veth0").index();
            java.nio.ByteBuffer hops = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder()).putInt(255);
            java.nio.ByteBuffer iface = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder()).putInt(index);
            assertThat(libc.setsockopt(fd, LibC.IPPROTO_IPV6, LibC.IPV6_MULTICAST_HOPS, hops.array(), 4)).isZero();
            assertThat(libc.setsockopt(fd, LibC.IPPROTO_IPV6, LibC.IPV6_MULTICAST_IF, iface.array(), 4)).isZero();
            java.nio.ByteBuffer to = java.nio.ByteBuffer.allocate(28).order(java.nio.ByteOrder.nativeOrder());
            to.putShort((short) LibC.AF_INET6).putShort((short) 0).putInt(0)
                    .put(InetAddress.getByName("ff02::1").getAddress()).putInt(index);
            assertThat(libc.sendto(fd, message, message.length, 0, to.array(), 28)).isEqualTo(message.length);
        } finally {
            libc.close(fd);
        }
    }
}
