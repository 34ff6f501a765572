package org.wackamole.network.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet4Address;
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
import org.wackamole.config.VipGroup;
import org.wackamole.config.WackamoleConfig;

/** Real ARP frames between namespaces: who answers for an address, as another host sees it. Root only for the wire part. */
@Timeout(60)
class ArpWatchTest {

    @Test
    void parsesRepliesAndGratuitousRequestsButNotProbes() throws Exception {
        byte[] mac = {2, 0, 0, 0, 0, 7};
        Inet4Address vip = (Inet4Address) InetAddress.getByName("198.51.100.10");
        byte[] gratuitous = ArpAnnouncer.frame(mac, vip, vip);
        ArpWatch.Claim c = ArpWatch.parse(gratuitous, gratuitous.length, 5);
        assertThat(c.address()).isEqualTo(vip);
        assertThat(c.mac()).isEqualTo("02:00:00:00:00:07");
        assertThat(c.probeAnswer()).isFalse();
        assertThat(c.gratuitous()).as("a request for itself from the host it names").isTrue();
        byte[] pointing = ArpAnnouncer.frame(new byte[] {2, 0, 0, 0, 0, 8}, mac, vip, vip);
        assertThat(ArpWatch.parse(pointing, pointing.length, 5).gratuitous())
                .as("sent by another host for it (a hand-over's pointing)").isFalse();
        byte[] asking = ArpAnnouncer.frame(mac, vip, (Inet4Address) InetAddress.getByName("198.51.100.99"));
        assertThat(ArpWatch.parse(asking, asking.length, 5).gratuitous())
                .as("a kernel resolving a neighbour from the address").isFalse();
        byte[] reply = gratuitous.clone();
        reply[21] = 2;
        assertThat(ArpWatch.parse(reply, reply.length, 5).probeAnswer()).isFalse();
        assertThat(ArpWatch.parse(reply, reply.length, 5).gratuitous()).isFalse();
        reply[38] = reply[39] = reply[40] = reply[41] = 0; // the answer to a probe goes to 0.0.0.0
        assertThat(ArpWatch.parse(reply, reply.length, 5).probeAnswer()).isTrue();
        byte[] probe = gratuitous.clone();
        probe[28] = probe[29] = probe[30] = probe[31] = 0;
        assertThat(ArpWatch.parse(probe, probe.length, 5)).isNull();
        byte[] ipv6 = gratuitous.clone();
        ipv6[12] = (byte) 0x86;
        ipv6[13] = (byte) 0xdd;
        assertThat(ArpWatch.parse(ipv6, ipv6.length, 5)).isNull();
        assertThat(ArpWatch.parse(gratuitous, 41, 5)).isNull();
    }

    @Test
    void aProbeFindsTheHostThatHoldsTheAddressAndItsAnnouncementsAreSeen() throws Exception {
        String why = TestNetwork.whyUnavailable();
        assumeTrue(why == null, why);
        Map<String, String> s = new HashMap<>();
        s.put("wackamole.interface", "veth0");
        s.put("wackamole.vips", "198.51.100.10/32");
        VipGroup group = WackamoleConfig.parse(s, () -> "test").groups().get(0);
        Inet4Address vip = (Inet4Address) group.addresses().get(0).address();
        try (TestNetwork net = new TestNetwork("a", "b")) {
            String macA = net.mac("a");
            String macB = net.mac("b");
            LinuxNetwork a = net.inNamespace("a", () -> LinuxNetwork.open(NetworkSettings.defaults()));
            List<ArpWatch.Claim> seen = new CopyOnWriteArrayList<>();
            ArpWatch watch = net.inNamespace("b", () -> new ArpWatch(macB::equals, seen::add));
            Rtnetlink netlinkB = net.inNamespace("b", Rtnetlink::new);
            try {
                watch.watch(vip);
                Rtnetlink.Link veth = netlinkB.link("veth0");
                long before = System.nanoTime();
                assertThat(watch.probe(List.of(new ArpWatch.Probe(veth, vip)), 50_000_000)).as("nobody holds it yet").isEmpty();

                a.acquire(group); // a's first gratuitous ARP goes out at once
                Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> watch.claimSince(vip, before) != null);
                assertThat(watch.claimSince(vip, before).mac()).isEqualTo(macA);

                long probed = System.nanoTime();
                Map<Inet4Address, String> answers = watch.probe(List.of(new ArpWatch.Probe(veth, vip)), 1_000_000_000L);
                long micros = (System.nanoTime() - probed) / 1000;
                System.out.println("ARP probe answered by the holder within " + micros + " us");
                assertThat(answers).containsEntry(vip, macA);
                assertThat(seen).allMatch(c -> c.mac().equals(macA)); // b's own probes are not claims
            } finally {
                watch.close();
                netlinkB.close();
                a.close();
            }
        }
    }
}
