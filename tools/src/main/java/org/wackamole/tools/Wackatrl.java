package org.wackamole.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.wackamole.config.ConfigException;
import org.wackamole.config.ImportException;
import org.wackamole.config.IniSettings;
import org.wackamole.config.SecuritySettings;
import org.wackamole.config.Setting;
import org.wackamole.config.WackamoleConfImporter;
import org.wackamole.config.WackamoleConfig;
import org.wackamole.management.WackamoleMXBean;
import org.wackamole.security.FarmKey;
import org.wackamole.security.KeyGen;
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
                Wackatrl.Rebalance.class, Wackatrl.Check.class, Wackatrl.Import.class, Wackatrl.Keygen.class, Wackatrl.Cleanup.class,
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

    /**
     * A command that acts on the one member meant ({@code --node}, or the only one reached): the
     * connection, the choice of member and the closing are here, the action in {@link #act}.
     */
    abstract static class MemberCommand extends JmxCommand {
        @Override
        public final Integer call() throws Exception {
            try (Members members = target().connect()) {
                return act(members.one(target().node));
            }
        }

        abstract int act(WackamoleMXBean member) throws Exception;
    }

    @Command(name = "drain", description = "Release every VIP of a member; it stays in the cluster and holds none until resume"
            + " (the original's wackatrl -f).")
    static final class Drain extends MemberCommand {
        @Override
        int act(WackamoleMXBean m) throws InterruptedException {
            m.drain();
            boolean empty = waitFor(() -> m.getHeldVips().length == 0);
            out().println("drained " + m.getNode() + (empty ? ": it holds no VIP" : ": still releasing " + String.join(",", m.getHeldVips())));
            return empty ? 0 : PROBLEM;
        }
    }

    @Command(name = "resume", description = "Let a drained member take its share again (the original's wackatrl -s); it also"
            + " accepts again the VIPs moved away from it, and lets go of those moved to it.")
    static final class Resume extends MemberCommand {
        @Override
        int act(WackamoleMXBean m) {
            m.resume();
            out().println("resumed " + m.getNode() + " (state " + m.getState() + ")");
            return 0;
        }
    }

    @Command(name = "rebalance", description = "Rebalance the pool now instead of at the next interval.")
    static final class Rebalance extends MemberCommand {
        @Override
        int act(WackamoleMXBean m) {
            m.rebalance();
            out().println("rebalance asked of " + m.getNode());
            return 0;
        }
    }

    @Command(name = "move", description = "Planned move of a VIP group: to NODE, or without NODE off its holder to wherever"
            + " the rules say. Without NODE the holder must be among the members reached, with NODE that member.")
    static final class Move extends JmxCommand {
        @Parameters(index = "0", paramLabel = "VIP", description = "the group's identity (its first address)")
        String vip;

        @Parameters(index = "1", arity = "0..1", paramLabel = "NODE", description = "the member to move it to")
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
                String holder = g.heldBy().isEmpty() ? g.holder() : g.heldBy().get(0);
                return node == null ? away(members, holder) : to(members, before, g, holder);
            }
        }

        /** Off its holder, which then declines it until resume; the rules choose the new holder. */
        private int away(Members members, String holder) throws Exception {
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

        /**
         * To a named member: it takes the group (a preference until resume there), and every reached
         * member that prefers the group too lets it go (a preferring holder is never displaced, and
         * the first preferring member in view order would win). The hand-over is the allocation's
         * planned move, make before break where the hosts are set up for it.
         */
        private int to(Members members, FarmStatus before, FarmStatus.Group g, String holder) throws Exception {
            WackamoleMXBean target = members.byNode().get(node);
            if (target == null) {
                String[] members0 = members.byNode().values().iterator().next().getMembers();
                List<String> view = members0 == null ? List.of() : List.of(members0);
                if (view.contains(node)) {
                    throw new Members.Unreachable("node '" + node + "' is not among the members reached ("
                            + String.join(", ", members.byNode().keySet()) + "): add --pid or --jmx for it");
                }
                throw new Members.Unreachable("unknown node '" + node + "' (the view: " + String.join(", ", view) + ")");
            }
            if (node.equals(holder) && g.heldBy().equals(List.of(node))) {
                out().println(vip + " is already held by " + node);
                return 0;
            }
            String state = target.getState();
            if (!state.equals("RUNNING")) {
                spec.commandLine().getErr().println("wackatrl: " + node + " is " + state
                        + (target.getDrainReasons().length == 0 ? "" : " (" + String.join(",", target.getDrainReasons()) + ")")
                        + " and takes no VIP: 'wackatrl resume --node " + node + "' first, or move it elsewhere");
                return PROBLEM;
            }
            List<String> letGo = g.preferredBy().stream().filter(n -> !n.equals(node)).toList();
            target.take(vip);
            for (String n : letGo) {
                members.byNode().get(n).release(vip);
            }
            String[] now = new String[1];
            boolean moved = waitFor(() -> {
                FarmStatus.Group s = status(members).group(vip);
                now[0] = s.heldBy().isEmpty() ? s.holder() : String.join(",", s.heldBy());
                return s.holder().equals(node) && s.heldBy().equals(List.of(node));
            });
            if (!moved) {
                out().println("asked " + node + " to take " + vip + "; it is still held by " + (now[0].isEmpty() ? "nobody" : now[0]));
                return PROBLEM;
            }
            out().println("moved " + vip + " from " + (holder.isEmpty() ? "nobody" : holder) + " to " + node
                    + " (it stays there until 'wackatrl resume --node " + node + "'"
                    + (letGo.isEmpty() ? "" : "; away from " + String.join(", ", letGo) + " until resume there") + ")");
            return 0;
        }
    }

    @Command(name = "keygen", description = "Create the farm keystore: a new 256-bit AES key in a PKCS12 file readable by its"
            + " owner only. The password comes from --password-file, else " + SecuritySettings.PASSWORD_ENV
            + ", else it is asked on the terminal; never from the command line.")
    static final class Keygen implements Callable<Integer> {
        @Option(names = "--password-file", paramLabel = "FILE", description = "its first line is the password (mode 0600)")
        Path passwordFile;

        @Option(names = "--alias", paramLabel = "NAME", description = "the key's alias (wackamole.security.alias; default ${DEFAULT-VALUE})")
        String alias = KeyGen.DEFAULT_ALIAS;

        @Parameters(paramLabel = "KEYSTORE", description = "the file to create, e.g. /etc/wackamole/farm.p12")
        Path keystore;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            char[] password = password(err);
            if (password == null) {
                return PROBLEM;
            }
            try {
                KeyGen.create(keystore, password, alias);
            } catch (IOException | GeneralSecurityException e) {
                err.println("wackatrl keygen: " + e.getMessage());
                return PROBLEM;
            } finally {
                java.util.Arrays.fill(password, '\0');
            }
            spec.commandLine().getOut().println("created " + keystore + " (a 256-bit AES farm key, alias '" + alias + "', mode 0600);"
                    + " copy it to every member and set wackamole.security.keystore=" + keystore.toAbsolutePath());
            return 0;
        }

        /** As a member reads it at start (file, then environment), else from the terminal; null after saying why not. */
        private char[] password(PrintWriter err) {
            if (passwordFile != null || System.getenv(SecuritySettings.PASSWORD_ENV) != null) {
                try {
                    return FarmKey.password(new SecuritySettings(true, keystore, null, passwordFile, alias));
                } catch (ConfigException e) {
                    err.println("wackatrl keygen: " + e.getMessage().replace(Setting.SECURITY_PASSWORD_FILE.key(), "--password-file"));
                    return null;
                }
            }
            java.io.Console console = System.console();
            if (console == null) {
                err.println("wackatrl keygen: the keystore's password is needed: --password-file FILE (its first line, mode 0600),"
                        + " the environment variable " + SecuritySettings.PASSWORD_ENV + ", or run it on a terminal to be asked");
                return null;
            }
            char[] first = console.readPassword("password for %s: ", keystore);
            char[] again = console.readPassword("again: ");
            if (first == null || first.length == 0 || !java.util.Arrays.equals(first, again)) {
                err.println("wackatrl keygen: " + (first == null || first.length == 0 ? "empty password" : "the passwords differ"));
                return null;
            }
            return first;
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

    @Command(name = "cleanup", description = "Remove every pool address of FILE from this host (after a crash, by hand; the systemd unit runs ip -batch on the member's wackamole.cleanup.file instead)."
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
