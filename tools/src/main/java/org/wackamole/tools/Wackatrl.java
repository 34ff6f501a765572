package org.wackamole.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.wackamole.config.ConfigException;
import org.wackamole.config.ImportException;
import org.wackamole.config.IniSettings;
import org.wackamole.config.WackamoleConfImporter;
import org.wackamole.config.WackamoleConfig;
import org.wackamole.management.WackamoleMXBean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code wackatrl}: see and steer a Wackamole farm from a shell. Exit codes: 0 fine, 1 a problem
 * found (a VIP uncovered or held twice, a bad configuration), 2 wrong usage, 3 no member reached
 * (no such process, not a Wackamole JVM, unknown VIP or node).
 */
@Command(name = "wackatrl", mixinStandardHelpOptions = true, version = "wackatrl (Wackamole for Jetty and Tomcat)",
        description = "See and steer a Wackamole farm; without a command: status.",
        subcommands = {Wackatrl.Status.class, Wackatrl.Drain.class, Wackatrl.Resume.class, Wackatrl.Move.class,
                Wackatrl.Rebalance.class, Wackatrl.Check.class, Wackatrl.Import.class, Wackatrl.Cleanup.class,
                Wackatrl.NetCheck.class, CommandLine.HelpCommand.class})
public final class Wackatrl implements Callable<Integer> {
    static final int PROBLEM = 1;
    static final int USAGE = 2;
    static final int UNREACHABLE = 3;
    /** How long drain, resume and move wait to see their effect before saying it did not show. */
    private static final long SETTLE_MS = 15_000;

    @Mixin
    Target target;

    @Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine cl = new CommandLine(new Wackatrl());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("wackatrl: " + (e.getMessage() == null ? e : e.getMessage()));
            return e instanceof Members.Unreachable ? UNREACHABLE : PROBLEM;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        return new Status().status(target, false, spec.commandLine().getOut());
    }

    /** Where the members are; given before or after the command. */
    static final class Target {
        @Option(names = "--pid", paramLabel = "PID", description = "a local JVM running Wackamole (same user)")
        List<Long> pids = new ArrayList<>();

        @Option(names = "--jmx", paramLabel = "HOST:PORT|URL", description = "a member's JMX port or service:jmx: URL")
        List<String> jmx = new ArrayList<>();

        @Option(names = "--node", paramLabel = "NODE", description = "which member, when the JVMs reached run several")
        String node;

        Target or(Target parent) {
            return pids.isEmpty() && jmx.isEmpty() && node == null && parent != null ? parent : this;
        }

        Members connect() throws Members.Unreachable {
            return Members.connect(pids, jmx);
        }
    }

    abstract static class JmxCommand implements Callable<Integer> {
        @ParentCommand
        Wackatrl parent;

        @Mixin
        Target own;

        @Spec
        CommandLine.Model.CommandSpec spec;

        Target target() {
            return own.or(parent == null ? null : parent.target);
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        static FarmStatus status(Members members) {
            List<MemberSnapshot> snapshots = new ArrayList<>();
            for (WackamoleMXBean m : members.byNode().values()) {
                snapshots.add(MemberSnapshot.read(m));
            }
            return new FarmStatus(snapshots);
        }
    }

    @Command(name = "status", description = "The pool: VIP group, holder, preferred by; each member's state, view, last failover."
            + " Exits 1 when a VIP is uncovered or held twice.")
    static final class Status extends JmxCommand {
        @Option(names = "--json", description = "machine-readable output")
        boolean json;

        @Override
        public Integer call() throws Exception {
            return status(target(), json, out());
        }

        int status(Target t, boolean asJson, PrintWriter out) throws Members.Unreachable {
            try (Members members = t.connect()) {
                FarmStatus s = status(members);
                out.print(asJson ? s.json() : s.text());
                out.flush();
                return s.problems().isEmpty() ? 0 : PROBLEM;
            }
        }
    }

    @Command(name = "drain", description = "Release every VIP of a member; it stays in the cluster and holds none until resume"
            + " (the original's wackatrl -f).")
    static final class Drain extends JmxCommand {
        @Override
        public Integer call() throws Exception {
            try (Members members = target().connect()) {
                WackamoleMXBean m = members.one(target().node);
                m.drain();
                boolean empty = waitFor(() -> m.getHeldVips().length == 0);
                out().println("drained " + m.getNode() + (empty ? ": it holds no VIP" : ": still releasing " + String.join(",", m.getHeldVips())));
                return empty ? 0 : PROBLEM;
            }
        }
    }

    @Command(name = "resume", description = "Let a drained member take its share again (the original's wackatrl -s).")
    static final class Resume extends JmxCommand {
        @Override
        public Integer call() throws Exception {
            try (Members members = target().connect()) {
                WackamoleMXBean m = members.one(target().node);
                m.resume();
                out().println("resumed " + m.getNode() + " (state " + m.getState() + ")");
                return 0;
            }
        }
    }

    @Command(name = "rebalance", description = "Rebalance the pool now instead of at the next interval.")
    static final class Rebalance extends JmxCommand {
        @Override
        public Integer call() throws Exception {
            try (Members members = target().connect()) {
                WackamoleMXBean m = members.one(target().node);
                m.rebalance();
                out().println("rebalance asked of " + m.getNode());
                return 0;
            }
        }
    }

    @Command(name = "move", description = "Planned move of a VIP group off its holder, to wherever the rules say; it stays"
            + " away from that holder until resume. The holder must be among the members reached.")
    static final class Move extends JmxCommand {
        @Parameters(index = "0", paramLabel = "VIP", description = "the group's identity (its first address)")
        String vip;

        @Parameters(index = "1", arity = "0..1", paramLabel = "NODE", description = "not supported yet: see the README")
        String node;

        @Override
        public Integer call() throws Exception {
            try (Members members = target().connect()) {
                FarmStatus before = status(members);
                FarmStatus.Group g = before.group(vip);
                if (g == null) {
                    List<String> ids = before.groups().stream().map(FarmStatus.Group::identity).toList();
                    throw new Members.Unreachable("unknown VIP '" + vip + "' (the pool: " + String.join(", ", ids) + ")");
                }
                if (node != null) {
                    // The management interface offers release(identity) only: the rules pick the new holder.
                    spec.commandLine().getErr().println("wackatrl: move to a chosen node is not supported: the management"
                            + " interface can only release a group, and the allocation rules pick where it goes;"
                            + " run 'wackatrl move " + vip + "' without NODE");
                    return USAGE;
                }
                String holder = g.heldBy().isEmpty() ? g.holder() : g.heldBy().get(0);
                WackamoleMXBean from = members.byNode().get(holder);
                if (from == null) {
                    throw new Members.Unreachable("VIP " + vip + " is held by " + (holder.isEmpty() ? "nobody" : holder)
                            + ", which is not among the members reached (" + String.join(", ", members.byNode().keySet())
                            + "): add --pid or --jmx for it");
                }
                from.release(vip);
                String[] to = new String[1];
                boolean moved = waitFor(() -> {
                    FarmStatus.Group now = status(members).group(vip);
                    to[0] = now.holder();
                    return !now.holder().isEmpty() && !now.holder().equals(holder) && !now.heldBy().contains(holder);
                });
                out().println(moved ? "moved " + vip + " from " + holder + " to " + to[0] + " (it stays away from " + holder
                        + " until 'wackatrl resume')" : "asked " + holder + " to release " + vip + "; no new holder yet");
                return moved ? 0 : PROBLEM;
            }
        }
    }

    @Command(name = "check", description = "Validate a wackamole.ini (or start.d/wackamole.ini, a file of wackamole.* lines)"
            + " without starting anything; the messages are a start's.")
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Map<String, String> settings = IniSettings.parse(Files.readString(file));
            try {
                WackamoleConfig c = WackamoleConfig.parse(settings, Check::hostName);
                spec.commandLine().getOut().println(file + ": ok: cluster " + c.cluster() + ", node " + c.node() + ", "
                        + c.groups().size() + " VIP groups " + c.identities() + ", network " + c.settings().get("wackamole.network"));
                return 0;
            } catch (ConfigException e) {
                spec.commandLine().getErr().println(file + ": " + e.getMessage());
                return PROBLEM;
            }
        }

        private static String hostName() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                return "localhost";
            }
        }
    }

    @Command(name = "import", description = "Print the wackamole.* lines equivalent to the original Wackamole's wackamole.conf,"
            + " with a comment for every directive that has no equivalent.")
    static final class Import implements Callable<Integer> {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            try {
                List<String> lines = WackamoleConfImporter.translate(Files.readString(file));
                PrintWriter out = spec.commandLine().getOut();
                lines.forEach(out::println);
                return 0;
            } catch (ImportException e) {
                spec.commandLine().getErr().println(file + ": " + e.getMessage());
                return PROBLEM;
            }
        }
    }

    @Command(name = "cleanup", description = "Remove every pool address from this host (after a crash; what the systemd unit runs)."
            + " Needs CAP_NET_ADMIN.")
    static final class Cleanup implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "the wackamole.ini with the pool")
        Path file;

        @Override
        public Integer call() {
            org.wackamole.network.linux.Cleanup.main(new String[] {file.toString()});
            return 0;
        }
    }

    @Command(name = "netcheck", description = "Whether this process could hold VIPs: capabilities, sockets, interfaces.")
    static final class NetCheck implements Callable<Integer> {
        @Parameters(paramLabel = "IFACE", arity = "1..*")
        List<String> interfaces;

        @Override
        public Integer call() {
            org.wackamole.network.linux.NetworkCheck.main(interfaces.toArray(String[]::new));
            return 0;
        }
    }

    /** Polls a condition a bounded time; JMX reads are cheap enough at 100 ms. */
    static boolean waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_MS * 1_000_000;
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
    }
}
