package org.wackamole.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wackamole.network.linux.TestNetwork;

/**
 * The systemd unit the overlay ships ({@code etc/wackamole-jetty.service}), its command lines run
 * exactly as written, with only {@code JETTY_HOME}/{@code JETTY_BASE} pointed at the stock
 * jetty-home the build unpacked and at a base with the overlay installed, and {@code %t} at a
 * directory of the test's. In a namespace of our own: the ExecStartPre sysctls; ExecStart as an
 * unprivileged user holding only the unit's capabilities (systemd's User=, AmbientCapabilities= and
 * CapabilityBoundingSet= done by setpriv, with {@code nobody} for the unit's {@code jetty}); kill -9
 * while it holds the VIPs (and a copy on lo, as a kill in the middle of a hand-over leaves one);
 * ExecStopPost the same way: the pool's addresses must be gone from the interface and lo, and
 * nothing else; the test prints how long after the kill. Then a clean stop: the member removes its
 * clean-up file, and ExecStopPost finds nothing to do. Root only.
 */
@Timeout(300)
class SystemdUnitTest {
    private static final List<String> VIPS = List.of("198.51.100.100", "2001:db8::100");
    /** Addresses outside the pool, one with the member's own label: the clean-up must leave them. */
    private static final List<String> OTHERS = List.of("198.51.100.150", "2001:db8::150");

    @Test
    void theShippedUnitRunsJettyAndItsStopPostRemovesTheVipsAfterKill9() throws Exception {
        String why = JettyFarm.whyUnavailable();
        assumeTrue(why == null, why);
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux) to act as systemd's User=");
        Path unitFile = Path.of(System.getProperty("wackamole.overlay"), "etc/wackamole-jetty.service");
        SystemdUnit unit = SystemdUnit.parse(unitFile);
        String java = unit.commands("ExecStart", Map.of(), Map.of('t', "/run")).get(0).argv().get(0);
        assumeTrue(Files.isExecutable(Path.of(java)), "the unit runs " + java + ", which this machine lacks");
        String ip = unit.commands("ExecStopPost", Map.of(), Map.of('t', "/run")).get(0).argv().get(0);
        assumeTrue(Files.isExecutable(Path.of(ip)), "the unit runs " + ip + ", which this machine lacks");

        verify(unitFile);
        assertThat(unit.one("AmbientCapabilities")).isEqualTo("CAP_NET_ADMIN CAP_NET_RAW");
        assertThat(unit.one("CapabilityBoundingSet")).isEqualTo("CAP_NET_ADMIN CAP_NET_RAW");
        assertThat(unit.one("Restart")).isEqualTo("on-failure");
        assertThat(unit.one("User")).isNotBlank();
        assertThat(unit.one("RuntimeDirectory")).isEqualTo("wackamole");
        assertThat(unit.all("RuntimeDirectoryPreserve")).as("the directory must go at every stop: its file is one run's").isEmpty();

        Path base = Files.createTempDirectory("wm-systemd");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x")); // readable by the service user
        try (TestNetwork net = new TestNetwork("h1", "c"); JettyDistribution jetty = new JettyDistribution(base)) {
            assertThat(jetty.startJar(Duration.ofSeconds(120), "--add-modules=wackamole,http").exit()).isZero();
            // The farm key as an operator installs it: mode 0600, owned by the service's user.
            List<String> key = FarmKeys.create(base.resolve("keys"), "farm");
            var owner = base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SERVICE_USER);
            for (String line : key) {
                Files.setOwner(Path.of(line.substring(line.indexOf('=') + 1)), owner);
            }
            jetty.appendIni("wackamole", key.toArray(String[]::new));
            jetty.appendIni("wackamole", "wackamole.node=h1", "wackamole.interface=veth0",
                    "wackamole.vips=198.51.100.100/32,[2001:db8::100]/128", "wackamole.mature=0s",
                    "wackamole.jgroups.config=wackamole-loopback.xml", "wackamole.cluster=unit-" + ProcessHandle.current().pid());
            Map<String, String> env = new LinkedHashMap<>(unit.environment());
            assertThat(env).containsKeys("JETTY_HOME", "JETTY_BASE");
            env.put("JETTY_HOME", jetty.home.toString());
            env.put("JETTY_BASE", base.toString());
            String ns = net.ns("h1");
            // %t is /run for a system service; RuntimeDirectory=wackamole makes %t/wackamole there.
            Map<Character, String> specifiers = Map.of('t', base.resolve("run").toString());

            for (SystemdUnit.Command pre : unit.commands("ExecStartPre", env, specifiers)) {
                Run r = run(ns, unit, pre, env, Duration.ofSeconds(60));
                assertThat(r.exit).as(pre + ": " + r.output).isZero();
            }
            assertThat(net.exec("h1", "sysctl", "-n", "net.ipv4.conf.all.arp_ignore").trim()).isEqualTo("1");
            assertThat(net.exec("h1", "sysctl", "-n", "net.ipv4.conf.all.arp_announce").trim()).isEqualTo("2");

            runReadmeNetworkCheck(ns, unit, base);

            crashThenCleanStop(net, unit, env, specifiers, owner, base, "Jetty");
        } finally {
            deleteTree(base);
        }
    }

    /**
     * The unit's ExecStart as its user; kill -9 once it holds the VIPs (and a copy on lo, as a kill
     * in the middle of a hand-over leaves one); its ExecStopPost lines: the pool's addresses gone
     * from the interface and lo, the addresses outside it still there. Then systemd's fresh
     * RuntimeDirectory, ExecStart again, SIGTERM: the member removes its file and ExecStopPost
     * finds nothing to do.
     */
    private static void crashThenCleanStop(TestNetwork net, SystemdUnit unit, Map<String, String> env, Map<Character, String> specifiers,
            java.nio.file.attribute.UserPrincipal owner, Path base, String server) throws Exception {
        String ns = net.ns("h1");
        Path runtimeDir = Path.of(specifiers.get('t')).resolve(unit.one("RuntimeDirectory"));
        Path cleanupFile = Path.of(cleanupFile(unit, env, specifiers));
        assertThat(cleanupFile.getParent()).as("the clean-up file is in the RuntimeDirectory").isEqualTo(runtimeDir);
        net.exec("h1", "ip", "addr", "add", OTHERS.get(0) + "/32", "dev", "veth0", "label", "veth0:wm");
        net.exec("h1", "ip", "addr", "add", OTHERS.get(1) + "/128", "dev", "veth0", "nodad");
        SystemdUnit.Command start = unit.commands("ExecStart", env, specifiers).get(0);
        assertThat(start.privileged()).isFalse();
        List<SystemdUnit.Command> stopPost = unit.commands("ExecStopPost", env, specifiers);
        assertThat(stopPost).as("no JVM on the clean-up's path").isNotEmpty()
                .noneMatch(c -> c.argv().stream().anyMatch(w -> w.endsWith("java") || w.endsWith(".sh")));

        // ---- kill -9: ExecStopPost removes what the dead JVM left, and only that.
        createRuntimeDirectory(runtimeDir, owner);
        Process first = startServer(ns, unit, start, env, base, base.resolve("unit-1.log"));
        try {
            awaitVips(net, first, base.resolve("unit-1.log"));
            assertThat(Files.readAllLines(cleanupFile)).as("the member's clean-up file")
                    .contains("address del 198.51.100.100/32 dev veth0 label veth0:wm", "address del 2001:db8::100/128 dev veth0",
                            "address del 198.51.100.100/32 dev lo label lo:wm", "address del 2001:db8::100/128 dev lo");
            // A kill in the middle of a hand-over leaves the copy on lo kept for requests in flight.
            net.exec("h1", "ip", "addr", "add", VIPS.get(0) + "/32", "dev", "lo", "label", "lo:wm");

            first.destroyForcibly(); // SIGKILL: ip netns exec, setpriv (and catalina.sh) exec, so this is the JVM itself
            long killed = System.nanoTime();
            assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(present(net, "veth0", VIPS)).as("a SIGKILLed JVM leaves its VIPs behind").containsExactlyElementsOf(VIPS);

            // systemd starts ExecStopPost as soon as it reaps the main process (and the cgroup is empty).
            long cleanupStart = System.nanoTime();
            List<Run> runs = new ArrayList<>();
            for (SystemdUnit.Command c : stopPost) {
                runs.add(run(ns, unit, c, env, Duration.ofSeconds(60)));
            }
            long done = System.nanoTime();
            for (int i = 0; i < runs.size(); i++) {
                Run r = runs.get(i);
                assertThat(r.exit == 0 || stopPost.get(i).failureIgnored()).as(stopPost.get(i) + ": " + r.output).isTrue();
                assertThat(r.output).as("with the unit's capabilities").doesNotContain("not permitted").doesNotContain("Exception");
            }
            assertThat(present(net, "veth0", VIPS)).as("stale VIPs on the interface after ExecStopPost").isEmpty();
            assertThat(present(net, "lo", VIPS)).as("stale copies on lo after ExecStopPost").isEmpty();
            assertThat(present(net, "veth0", OTHERS)).as("addresses outside the pool stay").containsExactlyElementsOf(OTHERS);
            long afterKill = TimeUnit.NANOSECONDS.toMillis(done - killed);
            System.out.printf("systemd unit (%s): stale VIPs gone %d ms after kill -9 (ExecStopPost itself %.1f ms, as %s with %s)%n",
                    server, afterKill, (done - cleanupStart) / 1e6, SERVICE_USER, unit.one("AmbientCapabilities"));
            // The target is 1 s; this shared machine is noisy, so the bound only catches a broken clean-up.
            assertThat(afterKill).isLessThan(10_000);
        } finally {
            if (first.isAlive()) {
                first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }

        // ---- systemd deletes the RuntimeDirectory after ExecStopPost and makes it afresh at the next start.
        deleteTree(runtimeDir);
        createRuntimeDirectory(runtimeDir, owner);
        Process again = startServer(ns, unit, start, env, base, base.resolve("unit-2.log"));
        try {
            awaitVips(net, again, base.resolve("unit-2.log"));
            again.destroy(); // SIGTERM: the server's shutdown hook, the graceful path
            assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(again.exitValue()).as("SuccessExitStatus").isEqualTo(Integer.parseInt(unit.one("SuccessExitStatus")));
        } finally {
            if (again.isAlive()) {
                again.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        assertThat(present(net, "veth0", VIPS)).as("a clean stop released the VIPs").isEmpty();
        assertThat(cleanupFile).as("a clean stop removes the clean-up file").doesNotExist();
        for (SystemdUnit.Command c : stopPost) {
            Run r = run(ns, unit, c, env, Duration.ofSeconds(60));
            assertThat(r.exit == 0 || c.failureIgnored()).as(c + ": " + r.output).isTrue();
        }
        assertThat(present(net, "veth0", OTHERS)).as("addresses outside the pool stay").containsExactlyElementsOf(OTHERS);
    }

    /**
     * The Tomcat bundle's unit ({@code conf/wackamole-tomcat.service}) the same way, with the
     * Listener of {@code conf/wackamole-listener.xml}, its {@code cleanupFile} attribute as shipped,
     * in {@code conf/server.xml}. Root only.
     */
    @Test
    void theBundledTomcatUnitRunsTomcatAndItsStopPostRemovesTheVipsAfterKill9() throws Exception {
        String why = JettyFarm.whyUnavailable();
        assumeTrue(why == null, why);
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux) to act as systemd's User=");
        Path unitFile = Path.of(System.getProperty("wackamole.tomcat.bundle"), "conf/wackamole-tomcat.service");
        SystemdUnit unit = SystemdUnit.parse(unitFile);
        verify(unitFile);
        assertThat(unit.one("AmbientCapabilities")).isEqualTo("CAP_NET_ADMIN CAP_NET_RAW");
        assertThat(unit.one("CapabilityBoundingSet")).isEqualTo("CAP_NET_ADMIN CAP_NET_RAW");
        assertThat(unit.one("Restart")).isEqualTo("on-failure");
        assertThat(unit.one("RuntimeDirectory")).isEqualTo("wackamole");
        assertThat(unit.all("RuntimeDirectoryPreserve")).isEmpty();
        String snippet = Files.readString(Path.of(System.getProperty("wackamole.tomcat.bundle"), "conf/wackamole-listener.xml"));
        java.util.regex.Matcher attribute = java.util.regex.Pattern.compile("cleanupFile=\"([^\"]*)\"").matcher(snippet);
        assertThat(attribute.find()).as("the bundle's Listener snippet sets cleanupFile").isTrue();

        Path base = Files.createTempDirectory("wm-systemd-tomcat");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (TestNetwork net = new TestNetwork("h1", "c"); TomcatDistribution tomcat = new TomcatDistribution(base)) {
            Map<String, String> attributes = new LinkedHashMap<>();
            for (String line : FarmKeys.create(base.resolve("keys"), "farm")) {
                String key = line.substring(0, line.indexOf('='));
                attributes.put(org.wackamole.runtime.SettingNames.attribute(org.wackamole.config.Setting.forKey(key).orElseThrow()),
                        line.substring(key.length() + 1));
            }
            attributes.putAll(Map.of("node", "h1", "interface", "veth0", "vips", "198.51.100.100/32,[2001:db8::100]/128", "mature", "0s",
                    "jgroupsConfig", "wackamole-loopback.xml", "cluster", "unit-tomcat-" + ProcessHandle.current().pid()));
            attributes.put("cleanupFile", attribute.group(1));
            tomcat.configure(8080, null, -1, attributes);
            var owner = base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SERVICE_USER);
            try (Stream<Path> paths = Files.walk(base)) {
                for (Path p : paths.toList()) {
                    Files.setOwner(p, owner); // logs/, work/, temp/ written by the service's user; the key its own
                }
            }
            // Tomcat's tarball keeps bin/*.sh for its owner and group (0750): an operator installs it for
            // the service's user, and so does the test, on a copy.
            Path home = base.resolve("home");
            Process copy = new ProcessBuilder("cp", "-a", tomcat.home.toString(), home.toString()).inheritIO().start();
            assertThat(copy.waitFor(60, TimeUnit.SECONDS) && copy.exitValue() == 0).as("copy of CATALINA_HOME").isTrue();
            try (Stream<Path> paths = Files.walk(home)) {
                for (Path p : paths.toList()) {
                    Files.setOwner(p, owner);
                }
            }
            Map<String, String> env = new LinkedHashMap<>(unit.environment(Map.of('t', base.resolve("run").toString())));
            assertThat(env).containsKeys("CATALINA_HOME", "CATALINA_BASE", "CATALINA_OPTS");
            env.put("CATALINA_HOME", home.toString());
            env.put("CATALINA_BASE", base.toString());
            Map<Character, String> specifiers = Map.of('t', base.resolve("run").toString());
            for (SystemdUnit.Command pre : unit.commands("ExecStartPre", env, specifiers)) {
                Run r = run(net.ns("h1"), unit, pre, env, Duration.ofSeconds(60));
                assertThat(r.exit).as(pre + ": " + r.output).isZero();
            }
            crashThenCleanStop(net, unit, env, specifiers, owner, base, "Tomcat");
        } finally {
            deleteTree(base);
        }
    }

    private static void verify(Path unitFile) throws Exception {
        if (Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))) {
            Process verify = new ProcessBuilder("/usr/bin/systemd-analyze", "verify", unitFile.toString())
                    .redirectErrorStream(true).start();
            String said = new String(verify.getInputStream().readAllBytes());
            verify.waitFor(60, TimeUnit.SECONDS);
            // It may complain that the unit's user or the example paths do not exist here; never about the syntax.
            assertThat(said).as(said).doesNotContain("Unknown key").doesNotContain("Unknown section")
                    .doesNotContain("Invalid").doesNotContain("Failed to parse");
        }
    }

    /** The clean-up file the unit's ExecStart gives the member: a {@code wackamole.cleanup.file=} word, or a {@code -D} of CATALINA_OPTS. */
    static String cleanupFile(SystemdUnit unit, Map<String, String> env, Map<Character, String> specifiers) {
        List<String> words = new ArrayList<>(unit.commands("ExecStart", env, specifiers).get(0).argv());
        words.addAll(SystemdUnit.words(env.getOrDefault("CATALINA_OPTS", "")));
        return words.stream().map(w -> w.startsWith("-D") ? w.substring(2) : w).filter(w -> w.startsWith("wackamole.cleanup.file="))
                .findFirst().map(w -> w.substring(w.indexOf('=') + 1))
                .orElseThrow(() -> new AssertionError("the unit gives the member no wackamole.cleanup.file: " + words));
    }

    /** RuntimeDirectory= as systemd makes it: owned by the service's user, mode 0755 (RuntimeDirectoryMode's default). */
    private static void createRuntimeDirectory(Path dir, java.nio.file.attribute.UserPrincipal owner) throws Exception {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setOwner(dir, owner);
    }

    private static Process startServer(String ns, SystemdUnit unit, SystemdUnit.Command start, Map<String, String> env, Path base, Path log)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(wrap(ns, unit, start)).directory(base.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        systemdEnvironment(pb, env);
        return pb.start();
    }

    /** What systemd gives a service's commands: its own PATH and the unit's Environment=, nothing of ours. */
    private static void systemdEnvironment(ProcessBuilder pb, Map<String, String> env) {
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin");
        pb.environment().putAll(env);
    }

    private static void awaitVips(TestNetwork net, Process server, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline && server.isAlive() && present(net, "veth0", VIPS).size() < VIPS.size()) {
            Thread.sleep(100);
        }
        assertThat(present(net, "veth0", VIPS)).as(Files.readString(log)).containsExactlyElementsOf(VIPS);
        assertThat(Files.readString(log)).doesNotContain("NoClassDefFoundError");
    }

    private static void deleteTree(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The README shows the unit whole: that copy must be the shipped file, byte for byte. */
    @Test
    void theReadmeShowsTheShippedUnit() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String unit = Files.readString(Path.of("..", "plugin/src/main/jetty-base/etc/wackamole-jetty.service"));
        int intro = readme.indexOf("the overlay ships the unit `etc/wackamole-jetty.service`");
        assertThat(intro).as("README introduces the unit").isPositive();
        int open = readme.indexOf("```\n", intro) + 4;
        int close = readme.indexOf("```\n", open);
        assertThat(readme.substring(open, close)).isEqualTo(unit);
        // The Tomcat section names the Listener attribute the bundle's unit relies on: the snippet's, as shipped.
        String snippet = Files.readString(Path.of("..", "tomcat/src/main/catalina-base/conf/wackamole-listener.xml"));
        java.util.regex.Matcher attribute = java.util.regex.Pattern.compile("cleanupFile=\"[^\"]*\"").matcher(snippet);
        assertThat(attribute.find()).isTrue();
        assertThat(readme).contains("`" + attribute.group() + "`");
    }

    /** The README's NetworkCheck line, run as written from the base (as the service user), for our veth0 instead of eth0. */
    private static void runReadmeNetworkCheck(String ns, SystemdUnit unit, Path base) throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("`(java -cp '[^`]*NetworkCheck eth0)`").matcher(readme);
        assertThat(m.find()).as("README shows the NetworkCheck command").isTrue();
        String line = m.group(1).replace("eth0", "veth0");
        SystemdUnit.Command shell = new SystemdUnit.Command(false, false, List.of("/bin/sh", "-c", "cd " + base + " && " + line));
        Run r = run(ns, unit, shell, Map.of(), Duration.ofSeconds(60));
        assertThat(r.exit).as(line + ": " + r.output).isZero();
        assertThat(r.output).contains("ok: this process can hold VIPs on veth0");
    }

    /** The unit's User= does not exist here; the test runs its commands as this one instead. */
    private static final String SERVICE_USER = "nobody";

    /**
     * The command as systemd would start it in the namespace: a '+' command with full privileges;
     * any other as the service user with only the unit's ambient capabilities and bounding set.
     */
    private static List<String> wrap(String ns, SystemdUnit unit, SystemdUnit.Command command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        if (!command.privileged()) {
            String ambient = caps(unit.one("AmbientCapabilities"));
            full.addAll(List.of("/usr/bin/setpriv", "--reuid=" + SERVICE_USER, "--regid=nogroup", "--clear-groups",
                    "--inh-caps=-all," + ambient, "--ambient-caps=-all," + ambient,
                    "--bounding-set=-all," + caps(unit.one("CapabilityBoundingSet")), "--"));
        }
        full.addAll(command.argv());
        return full;
    }

    /** "CAP_NET_ADMIN CAP_NET_RAW" as setpriv writes it: "+net_admin,+net_raw". */
    private static String caps(String systemd) {
        return String.join(",", Arrays.stream(systemd.trim().split("\\s+")).map(c -> "+" + c.toLowerCase().replace("cap_", "")).toList());
    }

    private record Run(int exit, String output) {
    }

    private static Run run(String ns, SystemdUnit unit, SystemdUnit.Command command, Map<String, String> env, Duration timeout) throws Exception {
        Path out = Files.createTempFile("unit", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(wrap(ns, unit, command)).redirectErrorStream(true).redirectOutput(out.toFile());
            systemdEnvironment(pb, env);
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(command + " did not finish in " + timeout + ": " + Files.readString(out));
            }
            return new Run(p.exitValue(), Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static List<String> present(TestNetwork net, String dev, List<String> addresses) throws Exception {
        String shown = net.exec("h1", "ip", "-o", "addr", "show", "dev", dev);
        return addresses.stream().filter(v -> shown.contains(" " + v + "/")).toList();
    }
}
