package org.wackamole.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wackamole.config.Setting;
import org.wackamole.network.linux.TestNetwork;
import org.wackamole.runtime.SettingNames;

/**
 * A real farm on this machine: three hosts (h1, h2, h3) each running a stock jetty-home with the
 * wackamole overlay, the sample webapp and JMX, plus a client host (c) that only speaks HTTP to the
 * VIPs; all in network namespaces on one bridge, on 198.51.100.0/24 and 2001:db8::/64 only.
 * {@link #close()} kills every Jetty and deletes every namespace.
 */
public final class JettyFarm implements AutoCloseable {
    public static final List<String> HOSTS = List.of("h1", "h2", "h3");
    public static final List<String> VIPS = List.of("198.51.100.100", "198.51.100.101", "198.51.100.102", "2001:db8::100");
    private static final int PORT = 8080;
    private static final Pattern HELD = Pattern.compile("VIPs held here: ([^<]*)</p>");
    private static final Pattern STATE = Pattern.compile("State: <b>(\\w+)</b>");

    private final TestNetwork net;
    private final Path work;
    private final Path home;
    private final String cluster;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, Path> logs = new LinkedHashMap<>();
    private final Set<String> tomcatHosts;
    private final Map<String, TomcatDistribution> tomcats = new LinkedHashMap<>();
    /** The farm key's ini lines, made for this farm in its work directory: the farm is secured as by default. */
    private List<String> farmKey = List.of();
    private final java.util.function.Function<String, Map<String, String>> extraSettings;
    /** The JDK's JMX port every Jetty opens on its own address (0: none), for wackatrl --jmx from the client. */
    private int jmxPort;
    private final boolean secured;
    private final String jgroupsConfig;
    private final List<String> others;

    /** Null when a farm can be built here; otherwise why not (tests skip with it). */
    public static String whyUnavailable() {
        String why = TestNetwork.whyUnavailable();
        if (why != null) {
            return why;
        }
        if (System.getProperty("jetty.home") == null || System.getProperty("wackamole.overlay") == null) {
            return "jetty.home / wackamole.overlay are not set (run through Maven)";
        }
        return null;
    }

    /**
     * @param work          a directory the farm owns (deleted by {@link #close()})
     * @param jgroupsConfig the stack every host uses, e.g. {@code wackamole-udp.xml} or {@code wackamole-udp-fast.xml}
     */
    public JettyFarm(Path work, String jgroupsConfig) throws Exception {
        this(work, jgroupsConfig, Set.of());
    }

    /**
     * A mixed farm: the hosts named in {@code tomcatHosts} run the stock Tomcat 11 distribution with
     * the Tomcat bundle and the same settings as listener attributes; the others run Jetty.
     */
    public JettyFarm(Path work, String jgroupsConfig, Set<String> tomcatHosts) throws Exception {
        this(work, jgroupsConfig, tomcatHosts, true, List.of(), host -> Map.of());
    }

    /**
     * A farm whose hosts all get {@code settings} on top of the farm's own (e.g.
     * {@code wackamole.partition=quorum}); a key given here wins over the farm's value.
     */
    public JettyFarm(Path work, String jgroupsConfig, Set<String> tomcatHosts, Map<String, String> settings) throws Exception {
        this(work, jgroupsConfig, tomcatHosts, true, List.of(), host -> Map.copyOf(settings));
    }

    /** As above, with more {@code wackamole.*} settings per host (e.g. hooks, the metrics address). */
    public JettyFarm(Path work, String jgroupsConfig, Set<String> tomcatHosts,
                     java.util.function.Function<String, Map<String, String>> extraSettings) throws Exception {
        this(work, jgroupsConfig, tomcatHosts, true, List.of(), extraSettings);
    }

    /**
     * @param secured false: every host runs with {@code wackamole.security=none} (plain cluster traffic), to compare
     *                the failover figures with the default, encrypted and authenticated farm
     */
    public JettyFarm(Path work, String jgroupsConfig, Set<String> tomcatHosts, boolean secured) throws Exception {
        this(work, jgroupsConfig, tomcatHosts, secured, List.of(), host -> Map.of());
    }

    /**
     * @param others further hosts on the bridge that run no server of the farm (after the client, so h1–h3 and c keep
     *               their addresses): {@link #startRuntime} runs a bare Wackamole runtime there, e.g. an intruder
     */
    public JettyFarm(Path work, String jgroupsConfig, Set<String> tomcatHosts, boolean secured, List<String> others)
            throws Exception {
        this(work, jgroupsConfig, tomcatHosts, secured, others, host -> Map.of());
    }

    private JettyFarm(Path work, String jgroupsConfig, Set<String> tomcatHosts, boolean secured, List<String> others,
                      java.util.function.Function<String, Map<String, String>> extraSettings) throws Exception {
        this.extraSettings = extraSettings;
        this.work = work;
        this.secured = secured;
        this.jgroupsConfig = jgroupsConfig;
        this.others = List.copyOf(others);
        this.tomcatHosts = Set.copyOf(tomcatHosts);
        this.home = Path.of(System.getProperty("jetty.home"));
        this.cluster = "farm-" + ProcessHandle.current().pid();
        List<String> names = new ArrayList<>(List.of("h1", "h2", "h3", "c"));
        names.addAll(this.others);
        net = new TestNetwork(names.toArray(String[]::new));
        try {
            farmKey = secured ? FarmKeys.create(work, "farm") : List.of("wackamole.security=none");
            for (String host : this.others) {
                net.exec(host, "ip", "route", "add", "224.0.0.0/4", "dev", "veth0");
            }
            for (String host : HOSTS) {
                // JGroups multicasts on the LAN; the hosts have no default route.
                net.exec(host, "ip", "route", "add", "224.0.0.0/4", "dev", "veth0");
                prepare(host, jgroupsConfig);
            }
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    public TestNetwork network() {
        return net;
    }

    private void prepare(String host, String jgroupsConfig) throws Exception {
        Path base = work.resolve(host);
        int n = HOSTS.indexOf(host) + 1;
        Map<String, String> settings = new LinkedHashMap<>();
        if (jgroupsConfig.contains("tcp")) {
            settings.put("wackamole.jgroups.initialHosts", "198.51.100.1[7800],198.51.100.2[7800],198.51.100.3[7800]");
        }
        settings.put("wackamole.cluster", cluster);
        settings.put("wackamole.node", host);
        settings.put("wackamole.interface", "veth0");
        settings.put("wackamole.vips", String.join(",", VIPS.stream().map(v -> v.contains(":") ? "[" + v + "]/128" : v + "/32").toList()));
        settings.put("wackamole.prefer", VIPS.get(n - 1));
        settings.put("wackamole.mature", "1s");
        settings.put("wackamole.jgroups.config", jgroupsConfig);
        settings.put("wackamole.jgroups.bindAddress", "198.51.100." + n);
        for (String line : farmKey) {
            int eq = line.indexOf('=');
            settings.put(line.substring(0, eq), line.substring(eq + 1));
        }
        settings.putAll(extraSettings.apply(host));
        if (tomcatHosts.contains(host)) {
            TomcatDistribution tomcat = new TomcatDistribution(base);
            tomcat.installWar();
            Map<String, String> attributes = new LinkedHashMap<>();
            settings.forEach((k, v) -> attributes.put(SettingNames.attribute(Setting.forKey(k).orElseThrow()), v));
            tomcat.configure(PORT, null, attributes); // the wildcard address: it serves the VIPs added later
            tomcats.put(host, tomcat);
            return;
        }
        JettyDistribution jetty = new JettyDistribution(base);
        JettyDistribution.Result add = jetty.startJar(Duration.ofSeconds(120), "--add-modules=wackamole,jmx,http,ee10-deploy");
        if (add.exit() != 0) {
            throw new IOException("--add-modules failed for " + host + ": " + add.output());
        }
        jetty.installWar();
        jetty.appendIni("http", "jetty.http.port=" + PORT);
        jetty.appendIni("wackamole", settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new));
        jetty.close();
    }

    /**
     * From the next start on, each Jetty opens the JDK's JMX port on its own address (198.51.100.N),
     * without authentication: reachable only from this farm's bridge, for {@code wackatrl --jmx}.
     */
    public void remoteJmx(int port) {
        jmxPort = port;
    }

    /** Where {@code wackatrl --jmx} reaches the host's member, if {@link #remoteJmx} is on. */
    public String jmxAddress(String host) {
        return "198.51.100." + (HOSTS.indexOf(host) + 1) + ":" + jmxPort;
    }

    /**
     * Per-host settings, e.g. another {@code wackamole.node} or pool on one host: appended to the host's
     * {@code start.d/wackamole.ini} (a later line wins), before {@link #start}. Jetty hosts only.
     */
    public void setting(String host, String key, String value) throws IOException {
        if (tomcats.containsKey(host)) {
            throw new IllegalArgumentException(host + " runs Tomcat: per-host settings are for Jetty hosts");
        }
        Path ini = work.resolve(host).resolve("start.d/wackamole.ini");
        Files.writeString(ini, Files.readString(ini) + "\n" + key + "=" + value + "\n");
    }

    /**
     * Starts, in the namespace of {@code host} (e.g. the client c), a JVM running a bare JGroups channel with the
     * farm's stack and key, named {@code name} ({@link BareChannel}): a member in the view that never sends a
     * state. Returns once it is connected; {@link #kill kill(name)} or {@link #close} ends it.
     */
    public void startBareChannel(String host, String name, String jgroupsConfig) throws Exception {
        net.execStatus(host, "ip", "route", "replace", "224.0.0.0/4", "dev", "veth0");
        Path log = work.resolve("bare-" + name + "-" + System.nanoTime() + ".log");
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", net.ns(host),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), BareChannel.class.getName(),
                cluster, name, "198.51.100." + (host.equals("c") ? HOSTS.size() + 1 : HOSTS.indexOf(host) + 1), jgroupsConfig));
        farmKey.forEach(cmd::add);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.put(name, p);
        logs.put(name, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String text = Files.readString(log);
            if (text.contains(BareChannel.CONNECTED)) {
                return;
            }
            if (!p.isAlive()) {
                throw new IOException(name + " exited while connecting:\n" + text);
            }
            Thread.sleep(100);
        }
        throw new IOException(name + " did not connect in 60 s:\n" + Files.readString(log));
    }

    /** Starts the host's Jetty and waits until it has started (its VIPs follow within a round). */
    public void start(String host) throws Exception {
        Path base = work.resolve(host);
        Path log = base.resolve("server-" + System.nanoTime() + ".log");
        TomcatDistribution tomcat = tomcats.get(host);
        Process p;
        if (tomcat != null) {
            p = tomcat.launch(log, "-Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1", "ip", "netns", "exec", net.ns(host));
        } else {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", net.ns(host),
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // -Dwackamole.farm.log=DEBUG on the test JVM shows every round in the servers' logs.
                    "-Xms64m", "-Xmx256m", "-Dorg.wackamole.LEVEL=" + System.getProperty("wackamole.farm.log", "INFO"), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    // e.g. GC logs for a run that judges pauses: -Dwackamole.farm.jvm='-Xlog:gc:file=gc-%p.log'
                    System.getProperty("wackamole.farm.jvm", "-Dwackamole.farm=" + host)));
            if (jmxPort > 0) {
                String address = "198.51.100." + (HOSTS.indexOf(host) + 1);
                cmd.addAll(List.of("-Dcom.sun.management.jmxremote.port=" + jmxPort, "-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort,
                        "-Dcom.sun.management.jmxremote.host=" + address, "-Djava.rmi.server.hostname=" + address,
                        "-Dcom.sun.management.jmxremote.authenticate=false", "-Dcom.sun.management.jmxremote.ssl=false"));
            } else {
                // The JMX stubs of the local management agent (FarmOperator attaches to it) name the
                // loopback address, which is the host's own inside its namespace.
                cmd.add("-Djava.rmi.server.hostname=127.0.0.1");
            }
            cmd.addAll(List.of("-jar", home.resolve("start.jar").toString(), "jetty.home=" + home, "jetty.base=" + base,
                    cleanupFileArgument(host))); // as the unit's ExecStart, so that cleanup() finds the member's file
            p = new ProcessBuilder(cmd).directory(base.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        }
        processes.put(host, p);
        logs.put(host, log);
        String started = tomcat != null ? "Server startup in" : "Started oejs.Server@";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            String text = Files.readString(log);
            if (text.contains(started)) {
                return;
            }
            if (!p.isAlive()) {
                throw new IOException(host + " exited while starting:\n" + text);
            }
            Thread.sleep(100);
        }
        throw new IOException(host + " did not start in 90 s:\n" + Files.readString(log));
    }

    /**
     * Starts a plain JVM in one of the {@code others} hosts running the plugin's runtime ({@link RuntimeMain}: no
     * server) on the real network, with the farm's cluster name, pool, interface and stack and {@code overrides} on
     * top (e.g. another key, or {@code wackamole.security=none}); without a key in the overrides it has none. Its
     * output is {@link #log(String)}; {@link #kill} and {@link #close} end it.
     */
    public Process startRuntime(String host, Map<String, String> overrides) throws IOException {
        if (!others.contains(host)) {
            throw new IllegalArgumentException(host + " is not one of the other hosts " + others);
        }
        int n = 4 + others.indexOf(host) + 1;
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("wackamole.cluster", cluster);
        settings.put("wackamole.node", host);
        settings.put("wackamole.interface", "veth0");
        settings.put("wackamole.vips", String.join(",", VIPS.stream().map(v -> v.contains(":") ? "[" + v + "]/128" : v + "/32").toList()));
        settings.put("wackamole.mature", "1s");
        settings.put("wackamole.jgroups.config", jgroupsConfig);
        settings.put("wackamole.jgroups.bindAddress", "198.51.100." + n);
        settings.putAll(overrides);
        Path base = work.resolve(host);
        Files.createDirectories(base);
        Path log = base.resolve("runtime-" + System.nanoTime() + ".log");
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", net.ns(host),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms32m", "-Xmx128m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                RuntimeMain.class.getName()));
        settings.forEach((k, v) -> cmd.add(k + "=" + v));
        Process p = new ProcessBuilder(cmd).directory(base.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.put(host, p);
        logs.put(host, log);
        return p;
    }

    /** kill -9: no shutdown hook runs, the VIPs stay on the host until its next start. */
    public void kill(String host) throws InterruptedException {
        Process p = processes.remove(host);
        if (p != null) {
            p.destroyForcibly();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM: Jetty's shutdown hook stops the server gracefully. */
    public void stop(String host) throws InterruptedException {
        Process p = processes.remove(host);
        if (p != null) {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The host's Jetty JVM ({@code ip netns exec} execs java, so this is the JVM itself). */
    public long pid(String host) {
        Process p = processes.get(host);
        if (p == null) {
            throw new IllegalStateException(host + " is not running");
        }
        return p.pid();
    }

    public boolean running(String host) {
        Process p = processes.get(host);
        return p != null && p.isAlive();
    }

    public void link(String host, boolean up) throws IOException {
        net.link(host, up);
    }

    // ---- Fault injectors. Each does one thing a real farm suffers; the caller times them. ----

    private static final int SIGCONT = 18;
    private static final int SIGSTOP = 19;

    /** SIGSTOP (a long GC pause, a frozen VM) or SIGCONT of the host's JVM ({@code ip netns exec} execs java: same pid). */
    public void pause(String host, boolean paused) throws IOException {
        Process p = processes.get(host);
        if (p == null || !p.isAlive()) {
            throw new IOException(host + " has no running Jetty to " + (paused ? "pause" : "resume"));
        }
        if (jnr.posix.POSIXFactory.getPOSIX().kill((int) p.pid(), paused ? SIGSTOP : SIGCONT) != 0) {
            throw new IOException("cannot signal " + host + "'s JVM " + p.pid());
        }
    }

    /**
     * The shipped systemd unit's {@code ExecStopPost} command lines, word for word as systemd would
     * run them after its service died (only {@code JETTY_HOME}, {@code JETTY_BASE} and {@code %t}
     * pointed at this farm), in the host's namespace; a line with systemd's '-' prefix may fail.
     * Then, as systemd does once they are done, the unit's RuntimeDirectory goes. Returns their output.
     */
    public String cleanup(String host) throws IOException {
        StringBuilder output = new StringBuilder();
        for (SystemdUnit.Command c : unitCommands(host, "ExecStopPost")) {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", net.ns(host)));
            cmd.addAll(c.argv());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int exit;
            try {
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(c.argv() + " did not finish in 60 s: " + out);
                }
                exit = p.exitValue();
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + c.argv(), e);
            }
            if (exit != 0 && !c.failureIgnored()) {
                throw new IOException(c.argv() + " exited " + exit + ": " + out);
            }
            output.append(out);
        }
        deleteTree(runtimeDirectory(host));
        return output.toString();
    }

    /**
     * How long systemd waits after the clean-up before it restarts the failed service: the unit's
     * {@code RestartSec=} (seconds, or with an {@code ms}/{@code s} unit).
     */
    public java.time.Duration unitRestartDelay() throws IOException {
        String text = unit().one("RestartSec").trim();
        if (text.endsWith("ms")) {
            return java.time.Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        return java.time.Duration.ofMillis(Math.round(Double.parseDouble(text.endsWith("s") ? text.substring(0, text.length() - 1) : text) * 1000));
    }

    /** The unit's {@code wackamole.cleanup.file=} argument of ExecStart, for this host; its RuntimeDirectory made as systemd makes it at a start. */
    private String cleanupFileArgument(String host) throws IOException {
        Files.createDirectories(runtimeDirectory(host));
        return unitCommands(host, "ExecStart").get(0).argv().stream().filter(w -> w.startsWith("wackamole.cleanup.file="))
                .findFirst().orElseThrow(() -> new IOException("the unit's ExecStart sets no wackamole.cleanup.file"));
    }

    private Path runtimeDirectory(String host) throws IOException {
        return work.resolve(host).resolve("run").resolve(unit().one("RuntimeDirectory"));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static SystemdUnit unit() throws IOException {
        return SystemdUnit.parse(Path.of(System.getProperty("wackamole.overlay"), "etc/wackamole-jetty.service"));
    }

    /** The shipped unit's command lines for this host: JETTY_HOME, JETTY_BASE and %t (RuntimeDirectory's parent) pointed at the farm. */
    private List<SystemdUnit.Command> unitCommands(String host, String key) throws IOException {
        SystemdUnit unit = unit();
        Map<String, String> env = new LinkedHashMap<>(unit.environment());
        env.put("JETTY_HOME", home.toString());
        env.put("JETTY_BASE", work.resolve(host).toString());
        return unit.commands(key, env, Map.of('t', runtimeDirectory(host).getParent().toString()));
    }

    /** Drops {@code percent} % of the host's packets in each direction, IP and ARP alike (nftables; 0: none). */
    public void loss(String host, int percent) throws IOException {
        net.execStatus(host, "nft", "delete", "table", "inet", "wmloss");
        net.execStatus(host, "nft", "delete", "table", "arp", "wmloss");
        if (percent <= 0) {
            return;
        }
        for (String family : List.of("inet", "arp")) {
            nft(host, family, "wmloss", "in", "input", "numgen random mod 100 < " + percent + " drop");
            nft(host, family, "wmloss", "out", "output", "numgen random mod 100 < " + percent + " drop");
        }
    }

    private void nft(String host, String family, String table, String chain, String hook, String rule) throws IOException {
        net.execStatus(host, "nft", "add", "table", family, table);
        net.exec(host, "nft", "add", "chain", family, table, chain, "{", "type", "filter", "hook", hook, "priority", "0", ";", "}");
        net.exec(host, ("nft add rule " + family + " " + table + " " + chain + " " + rule).split(" "));
    }

    /**
     * Splits the hosts into groups that cannot reach each other, at layer 2 (the bridge forwards no
     * frame between ports of different groups: no ARP, no multicast). The client reaches every group.
     * No groups: heal.
     */
    public void partition(List<java.util.Set<String>> groups) throws IOException {
        net.execBridge("sh", "-c", "nft delete table bridge wmpart 2>/dev/null; true");
        if (groups.isEmpty()) {
            return;
        }
        StringBuilder rules = new StringBuilder("table bridge wmpart {\n chain between_groups {\n  type filter hook forward priority 0;\n");
        for (java.util.Set<String> a : groups) {
            for (java.util.Set<String> b : groups) {
                if (a != b) {
                    rules.append("  iifname { ").append(String.join(", ", a.stream().map(net::port).toList()))
                            .append(" } oifname { ").append(String.join(", ", b.stream().map(net::port).toList())).append(" } drop\n");
                }
            }
        }
        rules.append(" }\n}\n");
        Path file = work.resolve("partition.nft");
        Files.writeString(file, rules.toString());
        net.execBridge("nft", "-f", file.toString());
    }

    /** Removes an address behind the plugin's back, as a network manager would. */
    public void deleteAddress(String host, String vip) throws IOException {
        net.exec(host, "ip", "addr", "del", vip.contains(":") ? vip + "/128" : vip + "/32", "dev", "veth0");
    }

    /** The host's VIP interface administratively down or up (its link to the bridge stays). */
    public void interfaceUp(String host, boolean up) throws IOException {
        net.exec(host, "ip", "link", "set", "veth0", up ? "up" : "down");
        if (up) {
            // The kernel flushes IPv6 addresses on down (IPv4 ones stay): put the host's own back,
            // as its network configuration would; the VIPs are the plugin's business.
            net.exec(host, "ip", "-6", "addr", "replace", "2001:db8::" + (HOSTS.indexOf(host) + 1) + "/64", "dev", "veth0", "nodad");
            multicastRoute(host);
        }
    }

    /** Deletes the host's VIP interface and creates it again: same name, new index and MAC. */
    public void recreateInterface(String host) throws IOException {
        net.recreateLink(host);
        multicastRoute(host);
    }

    private void multicastRoute(String host) throws IOException {
        // Gone with the interface when it went down or away; JGroups multicasts need it.
        net.execStatus(host, "ip", "route", "replace", "224.0.0.0/4", "dev", "veth0");
    }

    /** Every log the host's servers wrote in this farm, oldest first. */
    public String allLogs(String host) throws IOException {
        StringBuilder all = new StringBuilder();
        try (var files = Files.list(work.resolve(host))) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("server-")).sorted().toList()) {
                all.append("==== ").append(f.getFileName()).append('\n').append(Files.readString(f));
            }
        }
        return all.toString();
    }

    public String log(String host) throws IOException {
        Path log = logs.get(host);
        return log == null ? "" : Files.readString(log);
    }

    /** Asks the VIP, from the client, which node answers; null when nothing answers in time. */
    public String ask(String vip, int timeoutMillis) throws Exception {
        return net.inNamespace("c", () -> get(vip, "/wackamole-sample/node", timeoutMillis));
    }

    /** Which node answers each VIP, as the client sees it. */
    public Map<String, String> answers() throws Exception {
        return net.inNamespace("c", () -> {
            Map<String, String> result = new LinkedHashMap<>();
            for (String vip : VIPS) {
                result.put(vip, get(vip, "/wackamole-sample/node", 1000));
            }
            return result;
        });
    }

    /** The host's own view, read from its status page (its MBean): state and VIPs held. */
    public HostStatus status(String host) throws Exception {
        String page = net.inNamespace("c", () -> get("198.51.100." + (HOSTS.indexOf(host) + 1), "/wackamole-sample/", 2000));
        if (page == null) {
            return null;
        }
        Matcher held = HELD.matcher(page);
        Matcher state = STATE.matcher(page);
        List<String> vips = new ArrayList<>();
        if (held.find() && !held.group(1).isBlank()) {
            for (String v : held.group(1).split(",")) {
                vips.add(v.trim());
            }
        }
        return new HostStatus(state.find() ? state.group(1) : "?", vips);
    }

    public record HostStatus(String state, List<String> held) {
    }

    /** The MAC the client's neighbour table holds for the VIP, or "" when it has none. */
    public String clientNeighbour(String vip) throws IOException {
        String line = net.exec("c", "ip", "neigh", "show", "to", vip, "dev", "veth0").trim();
        Matcher m = Pattern.compile("lladdr (\\S+)").matcher(line);
        return m.find() ? m.group(1) : "";
    }

    public String mac(String host) throws IOException {
        return net.mac(host);
    }

    public String cluster() {
        return cluster;
    }

    /** The pool addresses present on a host's interface (a killed Jetty leaves them behind). */
    public List<String> addressesOn(String host) throws IOException {
        String shown = net.exec(host, "ip", "-o", "addr", "show", "dev", "veth0");
        List<String> present = new ArrayList<>();
        for (String vip : VIPS) {
            if (shown.contains(" " + vip + "/")) {
                present.add(vip);
            }
        }
        return present;
    }

    /** A minimal HTTP/1.1 GET on a socket opened by the calling thread (so in its namespace); null on failure. */
    static String get(String host, String path, int timeoutMillis) {
        String r = getOrError(host, path, timeoutMillis);
        return r.startsWith("!") ? null : r;
    }

    /** As {@link #get}, but a failure comes back as "!" and what went wrong. */
    static String getOrError(String host, String path, int timeoutMillis) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(host), PORT), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            OutputStream out = s.getOutputStream();
            String h = host.contains(":") ? "[" + host + "]" : host;
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + h + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!response.startsWith("HTTP/1.1 200")) {
                return "!" + response.lines().findFirst().orElse("empty response");
            }
            int body = response.indexOf("\r\n\r\n");
            String text = body < 0 ? "" : response.substring(body + 4);
            return decodeChunked(response, text).trim();
        } catch (IOException e) {
            return "!" + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static String decodeChunked(String response, String body) {
        if (!response.substring(0, Math.max(0, response.indexOf("\r\n\r\n"))).toLowerCase().contains("transfer-encoding: chunked")) {
            return body;
        }
        StringBuilder sb = new StringBuilder();
        int pos = 0;
        while (pos < body.length()) {
            int eol = body.indexOf("\r\n", pos);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(body.substring(pos, eol).trim(), 16);
            if (size == 0) {
                break;
            }
            sb.append(body, eol + 2, Math.min(body.length(), eol + 2 + size));
            pos = eol + 2 + size + 2;
        }
        return sb.toString();
    }

    /** Jetty's slf4j lines start {@code 2026-12-01 10:43:56.123}; Tomcat's OneLineFormatter {@code 01-Dec-2026 10:43:56.123}. */
    private static final java.time.format.DateTimeFormatter JULI_TIME =
            java.time.format.DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss.SSS", java.util.Locale.ENGLISH);

    /** When the log says {@code host} last acquired (or released) the VIP, in epoch millis; -1 if never. */
    public long logged(String host, String verb, String vip) throws IOException {
        String suffix = verb + " veth0:" + (vip.contains(":") ? "[" + vip + "]/128" : vip + "/32");
        long last = -1;
        for (String line : log(host).split("\n")) {
            if (line.endsWith(suffix) && line.length() > 24) {
                java.time.LocalDateTime at = Character.isDigit(line.charAt(3))
                        ? java.time.LocalDateTime.parse(line.substring(0, 23).replace(' ', 'T'))
                        : java.time.LocalDateTime.parse(line.substring(0, 24), JULI_TIME);
                last = at.atZone(java.time.ZoneId.systemDefault()).toInstant().toEpochMilli();
            }
        }
        return last;
    }

    @Override
    public void close() {
        // As in TestNetwork: a timed-out test closes from an interrupted thread; kill everything regardless.
        boolean interrupted = Thread.interrupted();
        for (String host : new ArrayList<>(processes.keySet())) {
            try {
                kill(host);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        net.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        // The farm owns its work directory: jetty bases and logs go with it.
        try (var paths = Files.walk(work)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + work + ": " + e.getMessage());
        }
    }
}
