package org.wackamole.it;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the interactive demo shows: the latest look at the farm as lines of text, and the recent
 * events, found by comparing each look with the one before (a new holder, a new host answering the
 * client, a new MAC in the client's neighbour table, a host's state) plus what the operator did.
 * Pure: looks in, lines out; the terminal handling is the caller's.
 */
final class DemoScreen {
    static final int EVENTS = 8;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT);

    /** One VIP as seen: holder by the members' MBeans, who answers the client, whose MAC the client has. */
    record VipView(String holder, String answers, String mac) {
    }

    /** One look at the farm; a host's state is its MBean's, or what the demo did to it (killed, stopped, cut, paused). */
    record Look(LocalTime at, Map<String, VipView> vips, Map<String, String> hostStates, Map<String, String> held) {
    }

    private final String title;
    private final Deque<String> events = new ArrayDeque<>();
    private Look last;

    DemoScreen(String title) {
        this.title = title;
    }

    synchronized void event(LocalTime at, String what) {
        events.addLast(TIME.format(at) + "  " + what);
        while (events.size() > EVENTS) {
            events.removeFirst();
        }
    }

    /** Records a new look, with an event for everything that changed since the previous one. */
    synchronized void update(Look look) {
        if (last != null) {
            for (Map.Entry<String, VipView> e : look.vips().entrySet()) {
                VipView before = last.vips().get(e.getKey());
                VipView now = e.getValue();
                if (before == null) {
                    continue;
                }
                if (!before.holder().equals(now.holder())) {
                    event(look.at(), e.getKey() + " held by " + now.holder() + " (was " + before.holder() + ")");
                }
                if (!before.answers().equals(now.answers())) {
                    event(look.at(), e.getKey() + ": the client reaches " + now.answers() + " (was " + before.answers() + ")");
                }
                if (!before.mac().equals(now.mac())) {
                    event(look.at(), e.getKey() + ": the client's MAC is " + now.mac() + "'s (was " + before.mac() + "'s)");
                }
            }
            for (Map.Entry<String, String> e : look.hostStates().entrySet()) {
                String before = last.hostStates().get(e.getKey());
                if (before != null && !before.equals(e.getValue())) {
                    event(look.at(), e.getKey() + " is " + e.getValue() + " (was " + before + ")");
                }
            }
        }
        last = look;
    }

    /** The screen's lines, the same number every time, so that a redraw overwrites the previous one. */
    synchronized List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add(title + (last == null ? "" : "   " + TIME.format(last.at()).substring(0, 8)));
        out.add("");
        out.add(String.format(Locale.ROOT, "%-16s %-16s %-16s %s", "VIP", "HELD BY (MBEAN)", "CLIENT REACHES", "CLIENT'S MAC IS"));
        Map<String, VipView> vips = last == null ? new LinkedHashMap<>() : last.vips();
        for (String vip : JettyFarm.VIPS) {
            VipView v = vips.getOrDefault(vip, new VipView("...", "...", "..."));
            out.add(String.format(Locale.ROOT, "%-16s %-16s %-16s %s", vip, v.holder(), v.answers(), v.mac()));
        }
        out.add("");
        out.add(String.format(Locale.ROOT, "%-5s %-22s %s", "HOST", "STATE", "HOLDS"));
        for (String h : JettyFarm.HOSTS) {
            String state = last == null ? "..." : last.hostStates().getOrDefault(h, "...");
            String held = last == null ? "" : last.held().getOrDefault(h, "");
            out.add(String.format(Locale.ROOT, "%-5s %-22s %s", h, state, held));
        }
        out.add("");
        out.add("RECENT EVENTS");
        List<String> recent = new ArrayList<>(events);
        for (int i = 0; i < EVENTS; i++) {
            out.add(i < recent.size() ? "  " + recent.get(i) : "");
        }
        out.add("");
        out.add("commands: " + DemoCommand.HELP);
        out.add("-".repeat(78));
        return out;
    }
}
