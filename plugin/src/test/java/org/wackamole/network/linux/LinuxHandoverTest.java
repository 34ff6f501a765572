package org.wackamole.network.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wackamole.config.NetworkSettings;
import org.wackamole.config.VipGroup;
import org.wackamole.config.WackamoleConfig;
import org.wackamole.network.HandoverMode;

/**
 * Make before break on the real kernel: a holds the VIP, b prepares it (on lo), a points the
 * client at b's MAC while a still has the address, then lets go and b takes it. A client in c
 * opens a TCP connection every 10 ms (100 ms timeout) throughout, and asks who answers ARP for the
 * VIP every 2 ms: no connection fails and never more than one host answers. Root only.
 */
@Timeout(120)
class LinuxHandoverTest {
    private static final String VIP = "198.51.100.10";
    private static final int PORT = 8080;
    private TestNetwork net;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        String why = TestNetwork.whyUnavailable();
        assumeTrue(why == null, why);
        net = new TestNetwork("a", "b", "c");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        if (net != null) {
            net.close();
        }
    }

    private static VipGroup group() {
        Map<String, String> s = new HashMap<>();
        s.put("wackamole.interface", "veth0");
        s.put("wackamole.vips", VIP + "/32");
        return WackamoleConfig.parse(s, () -> "test").groups().get(0);
    }

    private LinuxNetwork open(String host) throws Exception {
        LinuxNetwork n = net.inNamespace(host, () -> LinuxNetwork.open(NetworkSettings.defaults()));
        opened.add(n);
        return n;
    }

    private void setUpForHandOver(String host) throws IOException {
        net.exec(host, "sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=1");
        net.exec(host, "sysctl", "-q", "-w", "net.ipv4.conf.all.arp_announce=2");
    }

    /** A server on the wildcard address that answers every connection with its host's name. */
    private void serve(String host) throws Exception {
        ServerSocket server = net.inNamespace(host, () -> new ServerSocket(PORT, 200, InetAddress.getByName("0.0.0.0")));
        opened.add(server);
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                    out.write(host.getBytes());
                } catch (IOException e) {
                    // closed, or the client went away
                }
            }
        }, "serve-" + host);
        t.setDaemon(true);
        t.start();
    }

    @Test
    void hostsWithoutTheSysctlsReleaseBeforeAcquiring() throws Exception {
        LinuxNetwork a = open("a");
        assertThat(net.exec("a", "sysctl", "-n", "net.ipv4.conf.all.arp_ignore").trim()).isEqualTo("0");
        assertThat(net.inNamespace("a", () -> a.handoverMode(List.of(group())))).isEqualTo(HandoverMode.RELEASE_BEFORE_ACQUIRE);
        setUpForHandOver("a");
        assertThat(net.inNamespace("a", () -> a.handoverMode(List.of(group())))).isEqualTo(HandoverMode.MAKE_BEFORE_BREAK);
    }

    @Test
    void clientMovesToTheNewHolderWithoutAFailedConnectionOrASecondResponder() throws Exception {
        setUpForHandOver("a");
        setUpForHandOver("b");
        VipGroup group = group();
        LinuxNetwork a = open("a");
        LinuxNetwork b = open("b");
        assertThat(net.inNamespace("a", () -> a.handoverMode(List.of(group)))).isEqualTo(HandoverMode.MAKE_BEFORE_BREAK);
        assertThat(net.inNamespace("b", () -> b.handoverMode(List.of(group)))).isEqualTo(HandoverMode.MAKE_BEFORE_BREAK);
        serve("a");
        serve("b");
        a.acquire(group);
        String macA = net.mac("a");
        String macB = net.mac("b");

        ArpResponders responders = net.inNamespace("c", () -> new ArpResponders("veth0", (Inet4Address) InetAddress.getByName(VIP)));
        opened.add(responders);
        AtomicBoolean stop = new AtomicBoolean();
        List<String> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> client = CompletableFuture.runAsync(() -> {
            try {
                net.inNamespace("c", () -> {
                    long next = System.nanoTime();
                    for (int i = 0; i < 3000 && !stop.get(); i++) {
                        answers.add(connectOnce());
                        next += 10_000_000;
                        java.util.concurrent.locks.LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
                    }
                    return null;
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        CompletableFuture<Void> asking = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 15_000 && !stop.get(); i++) {
                try {
                    responders.ask();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
            }
        });
        try {
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> answers.contains("a"));
            assertThat(neighbour()).contains(macA);

            List<String> macs = b.prepare(group);
            assertThat(macs).containsExactly(macB);
            assertThat(net.exec("b", "ip", "-o", "addr", "show", "dev", "lo")).contains(VIP + "/32");
            Thread.sleep(200);
            assertThat(responders.macs()).as("b answers no ARP while prepared").containsExactly(macA);

            int before = answers.size();
            a.redirect(group, macs);
            Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(5)).until(() -> neighbour().contains(macB));
            // The client is on b while a still has the address: make before break.
            assertThat(net.exec("a", "ip", "-o", "addr", "show", "dev", "veth0")).contains(VIP + "/32");
            Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> answers.subList(before, answers.size()).contains("b"));

            a.release(group);
            b.acquire(group);
            assertThat(net.exec("b", "ip", "-o", "addr", "show", "dev", "lo")).doesNotContain(VIP);
            assertThat(net.exec("b", "ip", "-o", "addr", "show", "dev", "veth0")).contains(VIP + "/32");
            Thread.sleep(300);
        } finally {
            stop.set(true);
            client.get();
            asking.get();
        }
        List<String> failed = answers.stream().filter(s -> !s.equals("a") && !s.equals("b")).toList();
        int lastA = answers.lastIndexOf("a");
        int firstB = answers.indexOf("b");
        System.out.printf("hand-over in a namespace: %d connections, %d failed, %d ARP questions, max %d responders per question, "
                + "answers: a until #%d, b from #%d%n", answers.size(), failed.size(), responders.questions(),
                responders.maxPerQuestion(), lastA, firstB);
        assertThat(failed).as("failed connections").isEmpty();
        assertThat(lastA).as("no answer from a after b's first").isLessThan(firstB);
        assertThat(responders.maxPerQuestion()).as("hosts answering one ARP question").isEqualTo(1);
        assertThat(responders.macs()).containsExactlyInAnyOrder(macA, macB);
    }

    /**
     * The old holder keeps the address on lo after handing it over, so a connection it accepted
     * before can still send: its answer reaches the client although the client is already on b.
     */
    @Test
    void aConnectionAcceptedBeforeTheHandOverIsStillAnswered() throws Exception {
        setUpForHandOver("a");
        setUpForHandOver("b");
        VipGroup group = group();
        LinuxNetwork a = open("a");
        LinuxNetwork b = open("b");
        assertThat(net.inNamespace("a", () -> a.handoverMode(List.of(group)))).isEqualTo(HandoverMode.MAKE_BEFORE_BREAK);
        assertThat(net.inNamespace("b", () -> b.handoverMode(List.of(group)))).isEqualTo(HandoverMode.MAKE_BEFORE_BREAK);
        a.acquire(group);
        ServerSocket server = net.inNamespace("a", () -> new ServerSocket(PORT, 10, InetAddress.getByName("0.0.0.0")));
        opened.add(server);
        Socket client = net.inNamespace("c", () -> {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(VIP, PORT), 2000);
            s.setSoTimeout(2000);
            return s;
        });
        opened.add(client);
        Socket accepted = server.accept();
        opened.add(accepted);

        a.handOver(group, b.prepare(group));
        assertThat(net.exec("a", "ip", "-o", "addr", "show", "dev", "veth0")).doesNotContain(VIP);
        assertThat(net.exec("a", "ip", "-o", "addr", "show", "dev", "lo")).contains(VIP + "/32");
        accepted.getOutputStream().write("late".getBytes());
        byte[] got = client.getInputStream().readNBytes(4);
        assertThat(new String(got)).as("the answer of a request accepted before the hand-over").isEqualTo("late");

        b.acquire(group);
        a.close(); // the server stopped: what it kept for requests in flight goes
        assertThat(net.exec("a", "ip", "-o", "addr", "show", "dev", "lo")).doesNotContain(VIP);
    }

    /**
     * An outright release (no hand-over: peers silent or not set up) keeps the copy on lo as a
     * hand-over does: a connection a accepted before is answered after a let go and b took the VIP
     * (before, the answer could not leave and the client hung until its own timeout). The copy goes
     * when the group comes back to a, after the linger time, and at close.
     */
    @Test
    void aConnectionAcceptedBeforeAnOutrightReleaseIsStillAnswered() throws Exception {
        setUpForHandOver("a");
        setUpForHandOver("b");
        VipGroup group = group();
        LinuxNetwork a = open("a");
        LinuxNetwork b = open("b");
        assertThat(net.inNamespace("a", () -> a.handoverMode(List.of(group)))).isEqualTo(HandoverMode.MAKE_BEFORE_BREAK);
        assertThat(net.inNamespace("b", () -> b.handoverMode(List.of(group)))).isEqualTo(HandoverMode.MAKE_BEFORE_BREAK);
        a.acquire(group);
        ServerSocket server = net.inNamespace("a", () -> new ServerSocket(PORT, 10, InetAddress.getByName("0.0.0.0")));
        opened.add(server);
        Socket client = net.inNamespace("c", () -> {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(VIP, PORT), 2000);
            s.setSoTimeout(2000);
            return s;
        });
        opened.add(client);
        Socket accepted = server.accept();
        opened.add(accepted);

        a.release(group); // outright: nobody was prepared
        assertThat(net.exec("a", "ip", "-o", "addr", "show", "dev", "veth0")).doesNotContain(VIP);
        assertThat(net.exec("a", "ip", "-o", "addr", "show", "dev", "lo")).contains(VIP + "/32");
        b.acquire(group); // release before acquire: b announces, the client moves to b
        Awaitility.await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
                .until(() -> neighbour().contains(net.mac("b")));
        accepted.getOutputStream().write("late".getBytes());
        byte[] got = client.getInputStream().readNBytes(4);
        assertThat(new String(got)).as("the answer of a request accepted before the release").isEqualTo("late");

        // Removal triggers: the group coming back ...
        b.release(group);
        a.acquire(group);
        assertThat(net.exec("a", "ip", "-o", "addr", "show", "dev", "lo")).doesNotContain(VIP);
        assertThat(net.exec("a", "ip", "-o", "addr", "show", "dev", "veth0")).contains(VIP + "/32");
        // ... the linger time ...
        a.lingerFor(300);
        a.release(group);
        assertThat(net.exec("a", "ip", "-o", "addr", "show", "dev", "lo")).contains(VIP + "/32");
        Awaitility.await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
                .until(() -> !net.exec("a", "ip", "-o", "addr", "show", "dev", "lo").contains(VIP));
        // ... and close.
        a.lingerFor(LinuxNetwork.LINGER_MS);
        a.acquire(group);
        a.release(group);
        assertThat(net.exec("a", "ip", "-o", "addr", "show", "dev", "lo")).contains(VIP + "/32");
        a.close();
        assertThat(net.exec("a", "ip", "-o", "addr", "show", "dev", "lo")).doesNotContain(VIP);
    }

    /**
     * No copy on lo where it would answer ARP (a host without arp_ignore), nor for a group that was
     * not held here (a release to be sure, a prepared group given up).
     */
    @Test
    void noCopyOnLoWithoutTheSysctlsOrForAGroupNotHeld() throws Exception {
        VipGroup group = group();
        LinuxNetwork a = open("a");
        assertThat(net.inNamespace("a", () -> a.handoverMode(List.of(group)))).isEqualTo(HandoverMode.RELEASE_BEFORE_ACQUIRE);
        a.acquire(group);
        a.release(group);
        assertThat(net.exec("a", "ip", "-o", "addr", "show")).doesNotContain(VIP);

        setUpForHandOver("b");
        LinuxNetwork b = open("b");
        assertThat(net.inNamespace("b", () -> b.handoverMode(List.of(group)))).isEqualTo(HandoverMode.MAKE_BEFORE_BREAK);
        b.release(group);
        assertThat(net.exec("b", "ip", "-o", "addr", "show")).doesNotContain(VIP);
        b.prepare(group);
        assertThat(net.exec("b", "ip", "-o", "addr", "show", "dev", "lo")).contains(VIP + "/32");
        b.release(group);
        assertThat(net.exec("b", "ip", "-o", "addr", "show")).doesNotContain(VIP);
    }

    /** One connection: the name of the host that answered, or what went wrong. */
    private static String connectOnce() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(VIP, PORT), 100);
            s.setSoTimeout(100);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8];
            int n = in.read(buf);
            return n <= 0 ? "empty" : new String(buf, 0, n);
        } catch (IOException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private String neighbour() throws IOException {
        return net.exec("c", "ip", "neigh", "show", "to", VIP, "dev", "veth0");
    }
}
