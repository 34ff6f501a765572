package org.wackamole.network.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import jnr.posix.POSIXFactory;
import jnr.constants.platform.OpenFlags;

/**
 * A small LAN of our own: a bridge in its own network namespace and one namespace per host, each
 * joined to the bridge by a veth pair whose host end is {@code veth0}. Only documentation
 * addresses (198.51.100.0/24, 2001:db8::/64) are used, only inside these namespaces, and
 * {@link #close()} deletes every namespace (deleting a namespace deletes its interfaces), also after
 * a failed test; a shutdown hook does it too if the JVM is stopped half-way.
 */
public final class TestNetwork implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String prefix;
    private final String bridge;
    private final Map<String, String> hosts = new LinkedHashMap<>();
    private final List<String> namespaces = new ArrayList<>();
    private final Thread cleanup = new Thread(this::deleteAll, "testnet-cleanup");

    /** Null when the tests may run: root (or CAP_NET_ADMIN) and iproute2; otherwise why they are skipped. */
    public static String whyUnavailable() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return "network namespace tests need Linux";
        }
        if (POSIXFactory.getPOSIX().geteuid() != 0) {
            return "network namespace tests need root (CAP_NET_ADMIN, CAP_NET_RAW); CI runs them as root";
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))
                && !Files.isExecutable(Path.of("/usr/bin/ip"))) {
            return "network namespace tests need iproute2 ('ip')";
        }
        return null;
    }

    public TestNetwork(String... hostNames) throws IOException {
        prefix = "wm" + ProcessHandle.current().pid() % 100000 + "x" + COUNTER.incrementAndGet();
        bridge = prefix + "-br";
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            create(bridge);
            run(bridge, "ip", "link", "add", "br0", "type", "bridge");
            run(bridge, "ip", "link", "set", "br0", "up");
            for (String host : hostNames) {
                String ns = prefix + "-" + host;
                create(ns);
                hosts.put(host, ns);
                sysctl(ns, "net.ipv6.conf.all.accept_dad=0");
                sysctl(ns, "net.ipv6.conf.default.accept_dad=0");
                createLink(host);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Creates the host's {@code veth0} and its bridge port, up, with the host's own addresses (done for
     * every host at construction; call it again after {@link #deleteLink} to recreate the interface,
     * which then has a new index).
     */
    public void createLink(String host) throws IOException {
        String ns = hosts.get(host);
        int i = new ArrayList<>(hosts.keySet()).indexOf(host) + 1;
        String port = "p" + i;
        // Create the pair inside the host namespace, then move the peer end into the bridge's.
        run(ns, "ip", "link", "add", "veth0", "type", "veth", "peer", "name", port);
        run(ns, "ip", "link", "set", port, "netns", bridge);
        run(bridge, "ip", "link", "set", port, "master", "br0");
        run(bridge, "ip", "link", "set", port, "up");
        run(ns, "ip", "link", "set", "lo", "up");
        run(ns, "ip", "link", "set", "veth0", "up");
        run(ns, "ip", "addr", "add", "198.51.100." + i + "/24", "dev", "veth0");
        run(ns, "ip", "-6", "addr", "add", "2001:db8::" + i + "/64", "dev", "veth0", "nodad");
    }

    /** Deletes the host's {@code veth0} (and so its bridge port), as unloading a driver would. */
    public void deleteLink(String host) throws IOException {
        run(hosts.get(host), "ip", "link", "del", "veth0");
    }

    /**
     * Deletes the host's veth0 (which deletes its bridge port too) and creates it again, as a
     * replugged USB NIC or a re-created VM interface would: same name, new interface index, the
     * host's own addresses back, none of the VIPs. A route the caller added on the old interface
     * (e.g. multicast) went with it.
     */
    public void recreateLink(String host) throws IOException {
        deleteLink(host);
        createLink(host);
    }

    /** The name of the bridge port a host's veth0 is plugged into. */
    public String port(String host) {
        return "p" + (new ArrayList<>(hosts.keySet()).indexOf(host) + 1);
    }

    /** Runs a command in the bridge's namespace (e.g. nftables between ports); fails on a non-zero exit. */
    public String execBridge(String... command) throws IOException {
        return run(bridge, command);
    }

    /** The namespace name of a host. */
    public String ns(String host) {
        return hosts.get(host);
    }

    /** Cuts (or restores) the host's link to the bridge, as a pulled cable would. */
    public void link(String host, boolean up) throws IOException {
        int index = new ArrayList<>(hosts.keySet()).indexOf(host) + 1;
        run(bridge, "ip", "link", "set", "p" + index, up ? "up" : "down");
    }

    /** Runs a command in a host's namespace and returns its output; fails on a non-zero exit. */
    public String exec(String host, String... command) throws IOException {
        return run(hosts.get(host), command);
    }

    /** Like {@link #exec} but returns the exit code and ignores the output. */
    public int execStatus(String host, String... command) throws IOException {
        return runStatus(hosts.get(host), command);
    }

    /** The MAC address of a host's veth0. */
    public String mac(String host) throws IOException {
        return exec(host, "cat", "/sys/class/net/veth0/address").trim();
    }

    /**
     * Runs the task on a new thread that has entered the host's network namespace: sockets opened
     * there belong to that namespace, whatever thread uses them later. The rest of the JVM stays put.
     */
    public <T> T inNamespace(String host, Callable<T> task) throws Exception {
        String ns = hosts.get(host);
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                int fd = POSIXFactory.getPOSIX().open("/var/run/netns/" + ns, OpenFlags.O_RDONLY.intValue(), 0);
                if (fd < 0) {
                    throw new IOException("cannot open namespace " + ns);
                }
                try {
                    if (LibC.get().setns(fd, LibC.CLONE_NEWNET) != 0) {
                        throw new IOException("setns " + ns + ": " + LibC.describe(LibC.errno()));
                    }
                } finally {
                    POSIXFactory.getPOSIX().close(fd);
                }
                result.set(task.call());
            } catch (Throwable e) {
                result.set(e);
            }
        }, "in-" + ns);
        t.start();
        t.join(TimeUnit.SECONDS.toMillis(60));
        Object r = result.get();
        if (r instanceof Exception e) {
            throw e;
        }
        if (r instanceof Error e) {
            throw e;
        }
        @SuppressWarnings("unchecked")
        T value = (T) r;
        return value;
    }

    @Override
    public void close() {
        deleteAll();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // already shutting down
        }
    }

    private synchronized void deleteAll() {
        // A test that timed out closes its network from an interrupted thread: every waitFor would throw at
        // once and the namespaces would stay. Clean up first, then hand the interrupt back.
        boolean interrupted = Thread.interrupted();
        try {
            for (String ns : namespaces) {
                try {
                    runStatus(null, "ip", "netns", "del", ns);
                } catch (IOException e) {
                    System.err.println("could not delete namespace " + ns + ": " + e.getMessage());
                }
            }
            namespaces.clear();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void create(String ns) throws IOException {
        run(null, "ip", "netns", "add", ns);
        namespaces.add(ns);
    }

    private static void sysctl(String ns, String setting) throws IOException {
        run(ns, "sysctl", "-q", "-w", setting);
    }

    public static String run(String ns, String... command) throws IOException {
        Result r = execute(ns, command);
        if (r.status != 0) {
            throw new IOException(String.join(" ", command) + (ns == null ? "" : " in " + ns) + " failed (" + r.status + "): " + r.output);
        }
        return r.output;
    }

    static int runStatus(String ns, String... command) throws IOException {
        return execute(ns, command).status;
    }

    private record Result(int status, String output) {
    }

    private static Result execute(String ns, String... command) throws IOException {
        List<String> full = new ArrayList<>();
        if (ns != null) {
            full.addAll(List.of("ip", "netns", "exec", ns));
        }
        full.addAll(List.of(command));
        // Output goes to a file, so a chatty command can never block on a full pipe.
        Path out = Files.createTempFile("testnet", ".out");
        Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", full) + " did not finish in 20 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        try {
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
