package org.wackamole.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The interactive demo on a terminal: the top of the screen is the farm's table, redrawn in place
 * about every second; below it, a scrolling region where commands are typed and answered. The only
 * terminal codes written are these: clear, a scroll region, cursor save/move/restore, erase line.
 * Without a terminal (a pipe) the table is printed plainly every few seconds instead.
 */
final class InteractiveDemo {
    static final int JMX_PORT = 9010;
    private static final String ESC = "\033[";
    /** Bounds the demo's life, as every loop here is bounded. */
    private static final long MAX_MILLIS = TimeUnit.HOURS.toMillis(2);

    private final JettyFarm farm;
    private final DemoScreen screen;
    private final boolean terminal;
    private final int rows;
    private final int tableRows;
    private final PrintStream out = System.out;
    private final Map<String, String> imposed = new ConcurrentHashMap<>();
    private final Map<String, String> macs = new LinkedHashMap<>();
    private final ExecutorService commands = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "demo-command");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean stopped;
    private Thread looker;

    InteractiveDemo(JettyFarm farm, String title, boolean terminal, int rows) {
        this.farm = farm;
        this.screen = new DemoScreen(title);
        this.terminal = terminal;
        this.tableRows = screen.lines().size();
        this.rows = Math.max(rows, tableRows + 6);
    }

    /** Starts the farm, then takes commands until quit or the end of input. */
    void run() throws Exception {
        if (terminal) {
            // Clear, keep the rows below the table scrolling, and type at the bottom.
            write(ESC + "2J" + ESC + (tableRows + 1) + ";" + rows + "r" + ESC + rows + ";1H");
        }
        for (String h : JettyFarm.HOSTS) {
            macs.put(farm.mac(h), h);
            imposed.put(h, "not started");
        }
        looker = new Thread(this::look, "demo-look");
        looker.setDaemon(true);
        looker.start();
        for (String h : JettyFarm.HOSTS) {
            imposed.put(h, "starting");
            farm.start(h);
            imposed.remove(h);
            screen.event(LocalTime.now(), h + " started (Jetty with wackamole)");
        }
        say("The farm is up. Type a command (help lists them); quit ends the demo and cleans up.");
        prompt();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_MILLIS);
        while (System.nanoTime() < deadline) {
            String line = in.readLine();
            if (line == null) {
                say("(end of input)");
                return;
            }
            DemoCommand c = DemoCommand.parse(line, JettyFarm.HOSTS, JettyFarm.VIPS);
            switch (c.verb()) {
                case "quit" -> {
                    return;
                }
                case "none" -> prompt();
                case "help" -> {
                    say("commands: " + DemoCommand.HELP);
                    prompt();
                }
                case "error" -> {
                    say(c.message());
                    prompt();
                }
                default -> commands.submit(() -> perform(c));
            }
        }
        say("the demo ran for its longest time (" + TimeUnit.MILLISECONDS.toMinutes(MAX_MILLIS) + " min)");
    }

    /** Stops looking and taking commands; the caller closes the farm, then {@link #restoreTerminal}. */
    void stop() {
        stopped = true;
        commands.shutdownNow();
        if (looker != null) {
            looker.interrupt();
            try {
                looker.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    void restoreTerminal() {
        if (terminal) {
            write(ESC + "r" + ESC + rows + ";1H\n");
        }
    }

    private void perform(DemoCommand c) {
        String h = c.host();
        LocalTime at = LocalTime.now();
        try {
            switch (c.verb()) {
                case "kill" -> {
                    if (notRunning(h)) {
                        return;
                    }
                    screen.event(at, "you: kill -9 " + h + "'s Jetty");
                    imposed.put(h, "killed (kill -9)"); // before, so that no look in between calls it "not running"
                    farm.kill(h);
                }
                case "stop" -> {
                    if (notRunning(h)) {
                        return;
                    }
                    screen.event(at, "you: stop " + h + " (SIGTERM: it hands its VIPs over)");
                    imposed.put(h, "stopping");
                    farm.stop(h);
                    imposed.put(h, "stopped");
                }
                case "start" -> {
                    if (farm.running(h)) {
                        say(h + " is running already");
                        return;
                    }
                    screen.event(at, "you: start " + h);
                    imposed.put(h, "starting");
                    farm.start(h);
                    imposed.remove(h);
                    screen.event(LocalTime.now(), h + " started");
                }
                case "pause" -> {
                    if (notRunning(h)) {
                        return;
                    }
                    screen.event(at, "you: pause " + h + " for " + c.millis() + " ms (SIGSTOP)");
                    imposed.put(h, "paused (SIGSTOP)");
                    farm.pause(h, true);
                    try {
                        Thread.sleep(c.millis());
                    } finally {
                        farm.pause(h, false);
                        imposed.remove(h);
                        screen.event(LocalTime.now(), h + " continues (SIGCONT)");
                    }
                }
                case "cut" -> {
                    screen.event(at, "you: cut " + h + "'s link (as a pulled cable)");
                    farm.link(h, false);
                    imposed.put(h, "cut off");
                }
                case "heal" -> {
                    screen.event(at, "you: heal " + h + "'s link");
                    farm.link(h, true);
                    imposed.remove(h);
                }
                case "drain", "resume" -> wackatrl(List.of(h), c.verb());
                case "move" -> wackatrl(reachable(), "move", c.vip(), h);
                case "status" -> wackatrl(reachable(), "status");
                default -> say("cannot " + c.verb());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            say(c.verb() + " " + (h == null ? "" : h) + " failed: " + e.getMessage());
        } finally {
            prompt();
        }
    }

    private boolean notRunning(String h) {
        if (!farm.running(h)) {
            say(h + " is not running (start " + h + ")");
            return true;
        }
        return false;
    }

    /** Hosts whose member wackatrl can reach now: running, not paused, not cut off. */
    private List<String> reachable() {
        return JettyFarm.HOSTS.stream().filter(farm::running).filter(x -> !imposed.containsKey(x)).toList();
    }

    /** The overlay's bin/wackatrl, in the client's namespace, reaching the members by their JMX ports. */
    private void wackatrl(List<String> hosts, String... args) throws Exception {
        if (hosts.isEmpty()) {
            say("no member to reach: start one first");
            return;
        }
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", farm.network().ns("c"),
                Path.of(System.getProperty("wackamole.overlay"), "bin", "wackatrl").toString()));
        cmd.addAll(List.of(args));
        for (String h : hosts) {
            cmd.add("--jmx");
            cmd.add(farm.jmxAddress(h));
        }
        say("$ wackatrl " + String.join(" ", cmd.subList(5, cmd.size())));
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
        b.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = b.start();
        p.getOutputStream().close();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        say(text.stripTrailing() + "\n(exit " + (p.isAlive() ? "timeout" : p.exitValue()) + ")");
    }

    private void look() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_MILLIS);
        int n = 0;
        while (!stopped && System.nanoTime() < deadline) {
            long started = System.nanoTime();
            try {
                screen.update(snapshot());
                if (terminal) {
                    redraw();
                } else if (n++ % 3 == 0) {
                    say(String.join("\n", screen.lines()));
                }
                long spent = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                Thread.sleep(Math.max(100, 1000 - spent));
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (!stopped) {
                    screen.event(LocalTime.now(), "could not look at the farm: " + e.getMessage());
                }
            }
        }
    }

    private DemoScreen.Look snapshot() throws Exception {
        Map<String, String> states = new LinkedHashMap<>();
        Map<String, String> held = new LinkedHashMap<>();
        Map<String, String> holders = new LinkedHashMap<>();
        for (String h : JettyFarm.HOSTS) {
            String why = imposed.get(h);
            JettyFarm.HostStatus st = why == null && farm.running(h) ? farm.status(h) : null;
            if (st != null) {
                states.put(h, st.state());
                held.put(h, String.join(", ", st.held()));
                st.held().forEach(v -> holders.merge(v, h, (a, b) -> a + "+" + b));
            } else {
                states.put(h, why != null ? why : farm.running(h) ? "not answering" : "not running");
            }
        }
        Map<String, String> answers = farm.answers();
        Map<String, DemoScreen.VipView> vips = new LinkedHashMap<>();
        for (String vip : JettyFarm.VIPS) {
            String mac = farm.clientNeighbour(vip);
            String macHost = mac.isEmpty() ? "-" : macs.getOrDefault(mac, mac);
            String answer = answers.get(vip);
            vips.put(vip, new DemoScreen.VipView(holders.getOrDefault(vip, "-"), answer == null ? "(no answer)" : answer.trim(), macHost));
        }
        return new DemoScreen.Look(LocalTime.now(), vips, states, held);
    }

    private void redraw() {
        StringBuilder b = new StringBuilder("\0337"); // save the cursor (where the operator types)
        List<String> lines = screen.lines();
        for (int i = 0; i < lines.size(); i++) {
            b.append(ESC).append(i + 1).append(";1H").append(lines.get(i)).append(ESC).append('K');
        }
        b.append("\0338");
        write(b.toString());
    }

    private void prompt() {
        write("> ");
    }

    private void say(String text) {
        write("\n" + text + "\n");
    }

    private void write(String s) {
        synchronized (out) {
            out.print(s);
            out.flush();
        }
    }
}
