package org.wackamole.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the real tool, each command in a JVM of its own as an operator runs it, against a child
 * JVM running two real members (dry-run network, loopback stack), reached by pid through the
 * Attach API and by the JDK's JMX remote port; checks output and exit codes. Any user.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WackatrlTest {
    private static final String VIP1 = "198.51.100.10";
    private static final String VIP2 = "198.51.100.11";
    private static Process farm;
    private static int jmxPort;

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void startFarm() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            jmxPort = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"),
                "-Dcom.sun.management.jmxremote.port=" + jmxPort, "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                "-Dcom.sun.management.jmxremote.authenticate=false", "-Dcom.sun.management.jmxremote.ssl=false",
                "-Djava.net.preferIPv4Stack=true", TestFarm.class.getName(),
                "wackatrl-test-" + ProcessHandle.current().pid(), "web1,web2", VIP1 + "," + VIP2));
        farm = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(farm.getInputStream(), StandardCharsets.UTF_8));
        String line;
        do {
            line = r.readLine(); // TestFarm gives up by itself after 60 s
        } while (line != null && !line.equals("READY") && !line.equals("NOT READY"));
        assertThat(line).as("the child farm started").isEqualTo("READY");
    }

    @AfterAll
    static void stopFarm() throws Exception {
        if (farm != null) {
            farm.getOutputStream().close();
            if (!farm.waitFor(30, TimeUnit.SECONDS)) {
                farm.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Order(1)
    void statusByPidShowsThePoolAndEveryMember() throws Exception {
        Run r = wackatrl("status", "--pid", pid());
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).containsPattern("VIP GROUP +HOLDER +PREFERRED BY")
                .containsPattern(VIP1.replace(".", "\\.") + " +web1 +web1")
                .containsPattern(VIP2.replace(".", "\\.") + " +web2 +-")
                .containsPattern("web1 +RUNNING +- +1 ")
                .containsPattern("web2 +RUNNING +- +1 ")
                .doesNotContain("PROBLEM");
    }

    @Test
    @Order(2)
    void statusIsTheDefaultAndSpeaksJsonOverTheJmxPort() throws Exception {
        Run text = wackatrl("--jmx", "127.0.0.1:" + jmxPort);
        assertThat(text.exit).as(text.err).isZero();
        assertThat(text.out).contains("VIP GROUP");
        Run json = wackatrl("status", "--json", "--jmx", "127.0.0.1:" + jmxPort);
        assertThat(json.exit).as(json.err).isZero();
        assertThat(json.out.strip()).startsWith("{\"cluster\":\"wackatrl-test-")
                .contains("{\"identity\":\"" + VIP1 + "\",\"holder\":\"web1\",\"preferredBy\":[\"web1\"],\"heldBy\":[\"web1\"]}")
                .contains("{\"identity\":\"" + VIP2 + "\",\"holder\":\"web2\",\"preferredBy\":[],\"heldBy\":[\"web2\"]}")
                .contains("\"problems\":[]");
    }

    @Test
    @Order(3)
    void drainMovesEverythingAwayAndResumeBringsThePreferredBack() throws Exception {
        Run drain = wackatrl("drain", "--pid", pid(), "--node", "web1");
        assertThat(drain.exit).as(drain.err).isZero();
        assertThat(drain.out).contains("drained web1: it holds no VIP");
        Run status = wackatrl("status", "--pid", pid());
        assertThat(status.exit).isZero();
        assertThat(status.out).containsPattern("web1 +DRAINED +OPERATOR +0 ")
                .containsPattern(VIP1.replace(".", "\\.") + " +web2 +web1");

        Run resume = wackatrl("resume", "--pid", pid(), "--node", "web1");
        assertThat(resume.exit).as(resume.err).isZero();
        assertThat(resume.out).startsWith("resumed web1");
        assertThat(eventually(() -> wackatrl("status", "--pid", pid()).out.matches("(?s).*" + VIP1.replace(".", "\\.") + " +web1 .*")))
                .as("web1 takes its preferred VIP back").isTrue();
    }

    @Test
    @Order(4)
    void moveReleasesTheGroupToAnotherMember() throws Exception {
        Run move = wackatrl("move", VIP2, "--pid", pid());
        assertThat(move.exit).as(move.err).isZero();
        assertThat(move.out).contains("moved " + VIP2 + " from web2 to web1");
        // release() keeps it away until resume
        assertThat(wackatrl("resume", "--pid", pid(), "--node", "web2").exit).isZero();
    }

    @Test
    @Order(5)
    void moveToANamedNodeTakesItThereEvenFromAPreferringHolder() throws Exception {
        assertThat(eventually(() -> wackatrl("status", "--pid", pid()).out.matches("(?s).*" + VIP2.replace(".", "\\.") + " +web2 .*")))
                .as("web2 has its share back after resume").isTrue();
        Run move = wackatrl("move", VIP1, "web2", "--pid", pid());
        assertThat(move.exit).as(move.err).isZero();
        assertThat(move.out).contains("moved " + VIP1 + " from web1 to web2 (it stays there until 'wackatrl resume --node web2';"
                + " away from web1 until resume there)");
        Run status = wackatrl("status", "--pid", pid());
        assertThat(status.out).containsPattern(VIP1.replace(".", "\\.") + " +web2 +web1,web2"); // and the balance gives web1 the other
        Run again = wackatrl("move", VIP1, "web2", "--pid", pid());
        assertThat(again.exit).isZero();
        assertThat(again.out).contains(VIP1 + " is already held by web2");

        Run unknown = wackatrl("move", VIP1, "web9", "--pid", pid());
        assertThat(unknown.exit).isEqualTo(Wackatrl.UNREACHABLE);
        assertThat(unknown.err).contains("unknown node 'web9' (the view: web");

        assertThat(wackatrl("resume", "--pid", pid(), "--node", "web2").exit).isZero();
        assertThat(wackatrl("resume", "--pid", pid(), "--node", "web1").exit).isZero();
        assertThat(eventually(() -> wackatrl("status", "--pid", pid()).out.matches("(?s).*" + VIP1.replace(".", "\\.") + " +web1 +web1\\n.*")))
                .as("after resume on both, web1 takes its preferred VIP back").isTrue();
    }

    @Test
    @Order(6)
    void anUncoveredVipFailsStatus() throws Exception {
        assertThat(wackatrl("drain", "--pid", pid(), "--node", "web1").exit).isZero();
        assertThat(wackatrl("drain", "--pid", pid(), "--node", "web2").exit).isZero();
        Run status = wackatrl("status", "--pid", pid());
        assertThat(status.exit).isEqualTo(Wackatrl.PROBLEM);
        assertThat(status.out).contains("PROBLEM: VIP " + VIP1 + " is not covered").contains("PROBLEM: VIP " + VIP2 + " is not covered");
        assertThat(wackatrl("resume", "--pid", pid(), "--node", "web1").exit).isZero();
        assertThat(wackatrl("resume", "--pid", pid(), "--node", "web2").exit).isZero();
        assertThat(eventually(() -> wackatrl("status", "--pid", pid()).exit == 0)).isTrue();
    }

    @Test
    @Order(7)
    void clearErrors() throws Exception {
        Run several = wackatrl("drain", "--pid", pid());
        assertThat(several.exit).isEqualTo(Wackatrl.UNREACHABLE);
        assertThat(several.err).contains("several members reached (web1, web2): say which with --node");
        Run unknownNode = wackatrl("drain", "--pid", pid(), "--node", "web9");
        assertThat(unknownNode.exit).isEqualTo(Wackatrl.UNREACHABLE);
        assertThat(unknownNode.err).contains("unknown node 'web9' (reached: web1, web2)");
        Run unknownVip = wackatrl("move", "198.51.100.99", "--pid", pid());
        assertThat(unknownVip.exit).isEqualTo(Wackatrl.UNREACHABLE);
        assertThat(unknownVip.err).contains("unknown VIP '198.51.100.99' (the pool: " + VIP1 + ", " + VIP2 + ")");

        Process gone = new ProcessBuilder(java(), "-version").redirectErrorStream(true).start();
        gone.getInputStream().readAllBytes();
        gone.waitFor();
        Run noPid = wackatrl("status", "--pid", Long.toString(gone.pid()));
        assertThat(noPid.exit).isEqualTo(Wackatrl.UNREACHABLE);
        assertThat(noPid.err).contains("no such process: " + gone.pid());

        Run notWackamole = wackatrl("status", "--pid", Long.toString(ProcessHandle.current().pid()));
        assertThat(notWackamole.exit).isEqualTo(Wackatrl.UNREACHABLE);
        assertThat(notWackamole.err).contains("process " + ProcessHandle.current().pid() + " is not a Wackamole JVM");

        Run noTarget = wackatrl("status");
        assertThat(noTarget.exit).isEqualTo(Wackatrl.UNREACHABLE);
        assertThat(noTarget.err).contains("say which member: --pid PID (a local JVM) or --jmx host:port");
    }

    @Test
    void checkSaysWhatAStartWouldSay(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("wackamole.ini"), """
                # start.d/wackamole.ini
                --module=wackamole
                wackamole.cluster=web-farm
                wackamole.node=web1
                wackamole.interface=eth0
                wackamole.vips=198.51.100.10,198.51.100.11
                """);
        Run ok = wackatrl("check", good.toString());
        assertThat(ok.exit).as(ok.err).isZero();
        assertThat(ok.out).contains(good + ": ok: cluster web-farm, node web1, 2 VIP groups [198.51.100.10, 198.51.100.11], network linux");
        Path bad = Files.writeString(dir.resolve("bad.ini"), "wackamole.vips=198.51.100.10\nwackamole.interface=eth0\nwackamole.mature=5\n");
        Run no = wackatrl("check", bad.toString());
        assertThat(no.exit).isEqualTo(Wackatrl.PROBLEM);
        assertThat(no.err).contains(bad + ": wackamole.mature='5': duration has no unit (write e.g. 5s or 5ms)");
    }

    @Test
    void importPrintsTheEquivalentSettings(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("wackamole.conf"), """
                Spread = 4803@127.0.0.1
                Group = wack1
                Prefer eth0:198.51.100.10/32
                VirtualInterfaces { eth0:198.51.100.10/32 { eth0:198.51.100.11/32 eth1:203.0.113.11/32 } }
                """);
        Run r = wackatrl("import", conf.toString());
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).contains("wackamole.cluster=wack1\n")
                .contains("wackamole.vips=eth0:198.51.100.10/32,eth0:198.51.100.11/32+eth1:203.0.113.11/32\n")
                .contains("wackamole.prefer=198.51.100.10\n")
                .contains("# line 1: Spread 4803@127.0.0.1: no equivalent");
        // what import prints, check accepts
        Path ini = Files.writeString(dir.resolve("imported.ini"), r.out + "wackamole.node=web1\n");
        assertThat(wackatrl("check", ini.toString()).exit).isZero();

        Path broken = Files.writeString(dir.resolve("broken.conf"), "Group = x\nVirtualInterfaces {\n eth0:198.51.100.10/32\n");
        Run e = wackatrl("import", broken.toString());
        assertThat(e.exit).isEqualTo(Wackatrl.PROBLEM);
        assertThat(e.err).contains(broken + ": line 3: file ends inside VirtualInterfaces (line 2): expected }");
    }

    @Test
    void keygenCreatesAKeystoreAMemberCanRead(@TempDir Path dir) throws Exception {
        Path pw = Files.writeString(dir.resolve("farm.pw"), "s3cret-farm\n");
        Path p12 = dir.resolve("farm.p12");
        Run r = wackatrl("keygen", "--password-file", pw.toString(), p12.toString());
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).contains("created " + p12 + " (a 256-bit AES farm key, alias 'wackamole', mode 0600)");
        assertThat(Files.getPosixFilePermissions(p12)).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        javax.crypto.SecretKey key = org.wackamole.security.FarmKey.load(new org.wackamole.config.SecuritySettings(true, p12, null, pw, "wackamole"))
                .orElseThrow();
        assertThat(key.getAlgorithm()).isEqualTo("AES");
        assertThat(key.getEncoded()).hasSize(32);

        Run twice = wackatrl("keygen", "--password-file", pw.toString(), p12.toString());
        assertThat(twice.exit).isEqualTo(Wackatrl.PROBLEM);
        assertThat(twice.err).contains("refusing to replace a farm key");

        Path fromEnv = dir.resolve("env.p12");
        Run env = wackatrlWith(java.util.Map.of("WACKAMOLE_SECURITY_PASSWORD", "from-env"), "keygen", "--alias", "farm", fromEnv.toString());
        assertThat(env.exit).as(env.err).isZero();
        assertThat(org.wackamole.security.FarmKey.load(new org.wackamole.config.SecuritySettings(true, fromEnv, "from-env", null, "farm")))
                .isPresent();

        Run none = wackatrl("keygen", dir.resolve("none.p12").toString()); // no file, no variable, no terminal
        assertThat(none.exit).isEqualTo(Wackatrl.PROBLEM);
        assertThat(none.err).contains("the keystore's password is needed: --password-file FILE");
        assertThat(dir.resolve("none.p12")).doesNotExist();
        Run missing = wackatrl("keygen", "--password-file", dir.resolve("nope.pw").toString(), dir.resolve("none.p12").toString());
        assertThat(missing.exit).isEqualTo(Wackatrl.PROBLEM);
        assertThat(missing.err).contains("nope.pw").contains("cannot read it");
    }

    private static boolean eventually(java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (condition.call()) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    private static String pid() {
        return Long.toString(farm.pid());
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The tool as an operator runs it: its own JVM, its exit code, its output. */
    static Run wackatrl(String... args) throws IOException, InterruptedException {
        return wackatrlWith(java.util.Map.of(), args);
    }

    static Run wackatrlWith(java.util.Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", Wackatrl.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd);
        b.environment().remove("WACKAMOLE_SECURITY_PASSWORD");
        b.environment().putAll(env);
        Process p = b.start();
        p.getOutputStream().close();
        java.util.concurrent.CompletableFuture<byte[]> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("wackatrl " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Run(p.exitValue(), out, new String(err.join(), StandardCharsets.UTF_8));
    }
}
