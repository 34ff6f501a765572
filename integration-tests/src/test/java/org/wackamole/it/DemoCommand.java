package org.wackamole.it;

import java.util.List;
import java.util.Locale;

/**
 * One line typed at the interactive demo, parsed and checked against the farm's hosts and pool.
 * Pure: a typo gets a message saying what is accepted, never an exception.
 *
 * @param verb    kill, stop, start, pause, cut, heal, move, drain, resume, status, help, quit; or error
 * @param host    the host named, or null
 * @param vip     the VIP named (move), or null
 * @param millis  how long to pause
 * @param message what is wrong, for {@code error}
 */
record DemoCommand(String verb, String host, String vip, long millis, String message) {
    static final String HELP = "kill|stop|start|pause hN [3s] · cut|heal hN · move VIP hN · drain|resume hN · status · quit";

    static DemoCommand parse(String line, List<String> hosts, List<String> vips) {
        String[] w = line.trim().split("\\s+");
        String verb = w[0].toLowerCase(Locale.ROOT);
        switch (verb) {
            case "", "help", "?" -> {
                return new DemoCommand(verb.isEmpty() ? "none" : "help", null, null, 0, null);
            }
            case "quit", "exit", "q" -> {
                return new DemoCommand("quit", null, null, 0, null);
            }
            case "status" -> {
                return new DemoCommand("status", null, null, 0, null);
            }
            case "kill", "stop", "start", "cut", "heal", "drain", "resume" -> {
                if (w.length != 2 || !hosts.contains(w[1])) {
                    return error("'" + verb + "' needs a host: " + verb + " " + String.join("|", hosts));
                }
                return new DemoCommand(verb, w[1], null, 0, null);
            }
            case "pause" -> {
                if (w.length < 2 || w.length > 3 || !hosts.contains(w[1])) {
                    return error("'pause' needs a host and a time: pause " + String.join("|", hosts) + " 3s");
                }
                long millis = 3000;
                if (w.length == 3) {
                    String t = w[2].toLowerCase(Locale.ROOT);
                    try {
                        millis = t.endsWith("ms") ? Long.parseLong(t.substring(0, t.length() - 2))
                                : Math.round(Double.parseDouble(t.endsWith("s") ? t.substring(0, t.length() - 1) : t) * 1000);
                    } catch (NumberFormatException e) {
                        return error("'" + w[2] + "' is not a time: write e.g. 3s or 500ms");
                    }
                    if (millis <= 0 || millis > 60_000) {
                        return error("pause between 1ms and 60s, not " + w[2]);
                    }
                }
                return new DemoCommand("pause", w[1], null, millis, null);
            }
            case "move" -> {
                if (w.length != 3 || !vips.contains(w[1]) || !hosts.contains(w[2])) {
                    return error("'move' needs a VIP and a host: move " + vips.get(1) + " " + hosts.get(hosts.size() - 1)
                            + " (VIPs: " + String.join(", ", vips) + ")");
                }
                return new DemoCommand("move", w[2], w[1], 0, null);
            }
            default -> {
                return error("unknown command '" + w[0] + "'; commands: " + HELP);
            }
        }
    }

    private static DemoCommand error(String message) {
        return new DemoCommand("error", null, null, 0, message);
    }
}
