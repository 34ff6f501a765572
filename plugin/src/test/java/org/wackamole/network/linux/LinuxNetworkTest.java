package org.wackamole.network.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wackamole.config.NetworkSettings;
import org.wackamole.config.VipGroup;
import org.wackamole.config.WackamoleConfig;
import org.wackamole.network.NetworkException;

/**
 * The real kernel, real packets: three hosts (a, b: VIP holders; c: a client) on a bridge, each in a
 * network namespace this test creates and deletes. Root only; skipped elsewhere with the reason.
 */
@Timeout(120)
class LinuxNetworkTest {
    private TestNetwork net;
    private final List<LinuxNetwork> opened = new java.util.ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        String why = TestNetwork.whyUnavailable();
        assumeTrue(why == null, why);
        net = new TestNetwork("a", "b", "c");
    }

    @AfterEach
    void tearDown() {
        opened.forEach(LinuxNetwork::close);
        if (net != null) {
            net.close();
        }
    }

    private static WackamoleConfig config(String vips) {
        Map<String, String> s = new HashMap<>();
        s.put("wackamole.interface", "veth0");
        s.put("wackamole.vips", vips);
        return WackamoleConfig.parse(s, () -> "test");
    }

    private LinuxNetwork open(String host, NetworkSettings settings) throws Exception {
        LinuxNetwork n = net.inNamespace(host, () -> LinuxNetwork.open(settings));
        opened.add(n);
        return n;
    }

    @Test
    void addAndRemoveAreVisibleAndIdempotent() throws Exception {
        VipGroup group = config("198.51.100.10/32+[2001:db8::10]/128").groups().get(0);
        LinuxNetwork a = open("a", NetworkSettings.defaults());
        a.acquire(group);
        String shown = net.exec("a", "ip", "-o", "addr", "show", "dev", "veth0");
        assertThat(shown).contains("inet 198.51.100.10/32").contains("veth0:wm").contains("inet6 2001:db8::10/128");
        assertThat(net.exec("a", "ip", "-o", "-6", "addr", "show", "to", "2001:db8::10/128")).contains("nodad");
        a.acquire(group); // already there: no error
        a.release(group);
        shown = net.exec("a", "ip", "-o", "addr", "show", "dev", "veth0");
        assertThat(shown).doesNotContain("198.51.100.10/32").doesNotContain("2001:db8::10/128");
        a.release(group); // already gone: no error
        assertThat(shown).contains("198.51.100.1/24"); // the host's own address is untouched
    }

    @Test
    void clientFollowsTheVipToItsNewHolderIpv4() throws Exception {
        assertClientFollows("198.51.100.10", "198.51.100.10/32");
    }

    @Test
    void clientFollowsTheVipToItsNewHolderIpv6() throws Exception {
        assertClientFollows("2001:db8::10", "[2001:db8::10]/128");
    }

    /**
     * The client first talks to the VIP on a (and so learns a's MAC); the VIP then moves to b. The
     * client's neighbour entry must switch to b's MAC from the announcements alone, well before
     * any neighbour entry would expire.
     */
    private void assertClientFollows(String vip, String spec) throws Exception {
        VipGroup group = config(spec).groups().get(0);
        LinuxNetwork a = open("a", NetworkSettings.defaults());
        LinuxNetwork b = open("b", NetworkSettings.defaults());
        a.acquire(group);
        touch(vip);
        String macA = net.mac("a");
        String macB = net.mac("b");
        assertThat(neighbour(vip)).contains(macA);

        a.release(group);
        long moved = System.nanoTime();
        b.acquire(group);
        Awaitility.await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(20))
                .until(() -> neighbour(vip).contains(macB));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - moved);
        assertThat(millis).as("client moved to b's MAC").isLessThan(4000);
        assertThat(b.announcements()).isGreaterThanOrEqualTo(1);
    }

    /** Makes the client resolve the VIP: a TCP connection attempt (refused by the holder, which is fine). */
    private void touch(String vip) throws IOException {
        String host = vip.contains(":") ? vip : vip;
        net.execStatus("c", "timeout", "2", "bash", "-c", "exec 3<>/dev/tcp/" + host + "/9; true");
    }

    private String neighbour(String vip) throws IOException {
        return net.exec("c", "ip", "neigh", "show", "to", vip, "dev", "veth0");
    }

    @Test
    void unknownInterfaceIsNamed() throws Exception {
        VipGroup group = config("nosuch0:198.51.100.10/32").groups().get(0);
        LinuxNetwork a = open("a", NetworkSettings.defaults());
        assertThatThrownBy(() -> a.acquire(group))
                .isInstanceOf(NetworkException.class)
                .hasMessageContaining("interface nosuch0 does not exist")
                .hasMessageContaining("ENODEV");
        assertThatThrownBy(() -> a.checkInterfaces(List.of(group))).hasMessageContaining("nosuch0");
    }

    @Test
    void aGroupIsAddedWholeOrNotAtAll() throws Exception {
        VipGroup group = config("198.51.100.10/32+nosuch0:198.51.100.11/32").groups().get(0);
        LinuxNetwork a = open("a", NetworkSettings.defaults());
        assertThatThrownBy(() -> a.acquire(group)).isInstanceOf(NetworkException.class);
        assertThat(net.exec("a", "ip", "-o", "addr", "show", "dev", "veth0")).doesNotContain("198.51.100.10/32");
    }

    @Test
    void startupRemovesAddressesLeftByAKilledRun() throws Exception {
        WackamoleConfig c = config("198.51.100.10/32,198.51.100.11/32,[2001:db8::12]/128");
        net.exec("a", "ip", "addr", "add", "198.51.100.11/32", "dev", "veth0");
        net.exec("a", "ip", "addr", "add", "2001:db8::12/128", "dev", "veth0", "nodad");
        LinuxNetwork a = open("a", NetworkSettings.defaults());
        assertThat(a.removeStale(c.groups())).hasSize(2);
        String shown = net.exec("a", "ip", "-o", "addr", "show", "dev", "veth0");
        assertThat(shown).doesNotContain("198.51.100.11/32").doesNotContain("2001:db8::12/128").contains("198.51.100.1/24");
    }

    @Test
    void systemdCleanupReadsTheIniAndRemovesThePool(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path ini = dir.resolve("wackamole.ini");
        java.nio.file.Files.writeString(ini, "# written by --add-modules=wackamole\n--module=wackamole\n"
                + "wackamole.interface=veth0\nwackamole.vips=198.51.100.10/32,198.51.100.11/32\n");
        net.exec("a", "ip", "addr", "add", "198.51.100.10/32", "dev", "veth0");
        assertThat(net.inNamespace("a", () -> Cleanup.run(ini))).hasSize(1);
        assertThat(net.exec("a", "ip", "-o", "addr", "show", "dev", "veth0")).doesNotContain("198.51.100.10/32");
    }

    @Test
    void watchdogPutsBackAnAddressRemovedBehindItsBack() throws Exception {
        VipGroup group = config("198.51.100.10/32").groups().get(0);
        NetworkSettings fastWatch = new NetworkSettings(true, 1, Duration.ofSeconds(1), Duration.ZERO, List.of(), 200,
                Duration.ofMillis(200));
        LinuxNetwork a = open("a", fastWatch);
        a.acquire(group);
        net.exec("a", "ip", "addr", "del", "198.51.100.10/32", "dev", "veth0");
        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> a.restored() == 1);
        assertThat(net.exec("a", "ip", "-o", "addr", "show", "dev", "veth0")).contains("198.51.100.10/32");
    }

    @Test
    void notifyListHostsLearnTheVip() throws Exception {
        VipGroup group = config("198.51.100.10/32").groups().get(0);
        NetworkSettings notify = new NetworkSettings(true, 1, Duration.ofSeconds(1), Duration.ZERO,
                List.of(java.net.InetAddress.getByName("198.51.100.3")), 50, Duration.ZERO);
        LinuxNetwork b = open("b", notify);
        // c has never talked to the VIP; an ARP request naming c as target makes c learn it.
        b.acquire(group);
        String macB = net.mac("b");
        Awaitility.await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
                .until(() -> neighbour("198.51.100.10").contains(macB));
    }
}
