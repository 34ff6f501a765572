package org.wackamole.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates the original Wackamole's {@code wackamole.conf} into {@code wackamole.*} lines: what
 * maps becomes a setting, everything else a {@code #} comment saying why it has no equivalent.
 * The result is checked by {@link WackamoleConfig#parse}, so what it prints is a configuration a
 * member would start with (given its own {@code wackamole.node}). Pure: text in, lines out.
 *
 * <p>Where the original was wrong, the import does what the file meant and says so: {@code 2h} is
 * two hours (the original read {@code h} as seconds), and a preference names one address: the
 * original accepted any prefix there, as if a preference could be a range; here only the address counts.
 */
public final class WackamoleConfImporter {
    /** {@code iface:ip/len} followed by {@code nNET}, the attached network's prefix length. */
    private static final Pattern NET_SUFFIX = Pattern.compile("(.*/\\d+)n(\\d+)");
    private static final Pattern TIME = Pattern.compile("(\\d{1,9})([smh]?)", Pattern.CASE_INSENSITIVE);
    private static final int MAX_NOTIFY_RATE = 100_000;
    private static final String DIRECTIVES = "Spread, SpreadRetryInterval, Group, Control, Mature, Arp-Cache, Balance, "
            + "Prefer, VirtualInterfaces, Notify, RunDynamic, PerlUseLib, PerlUse";

    private record Token(String text, int line) {
        boolean is(String s) {
            return text.equalsIgnoreCase(s);
        }

        boolean isPunctuation() {
            return text.equals("{") || text.equals("}") || text.equals("=");
        }
    }

    private record Preference(String text, int line) {
    }

    private record Note(int line, String text) {
    }

    private final List<Token> tokens;
    private int pos;
    private final Map<String, Integer> directiveLines = new LinkedHashMap<>();
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final Map<String, Integer> settingLines = new LinkedHashMap<>();
    private final List<Note> notes = new ArrayList<>();
    private final Map<String, Integer> poolLines = new LinkedHashMap<>();
    private final List<List<String>> groups = new ArrayList<>();
    private final List<Preference> preferences = new ArrayList<>();
    private final List<String> notify = new ArrayList<>();
    private long notifyRate;
    private boolean unthrottledNotify;
    private int notifyLine;

    private WackamoleConfImporter(String content) {
        this.tokens = tokenize(content);
    }

    /**
     * The {@code wackamole.*} lines (and explaining comments) equivalent to an original
     * {@code wackamole.conf}.
     *
     * @throws ImportException naming the line when the file is malformed or its content would not start
     */
    public static List<String> translate(String content) {
        return new WackamoleConfImporter(content).run();
    }

    private List<String> run() {
        while (pos < tokens.size()) {
            directive(next());
        }
        if (groups.isEmpty()) {
            throw new ImportException(lastLine(), "no VirtualInterfaces block: the pool would be empty");
        }
        List<String> pool = new ArrayList<>();
        for (List<String> g : groups) {
            pool.add(String.join("+", g));
        }
        put(Setting.VIPS, String.join(",", pool), directiveLines.get("virtualinterfaces"));
        resolvePreferences();
        if (!notify.isEmpty()) {
            put(Setting.NOTIFY, String.join(",", notify), notifyLine);
            if (notifyRate > 0) {
                long rate = Math.min(notifyRate, MAX_NOTIFY_RATE);
                put(Setting.NOTIFY_RATE, Long.toString(rate), notifyLine);
                note(notifyLine, "Notify throttles: one rate for all targets here, the sum of the per-range throttles ("
                        + rate + "/s)" + (unthrottledNotify ? "; targets without a throttle now share it" : ""));
            }
        }
        validate();
        return output();
    }

    private void validate() {
        try {
            WackamoleConfig.parse(settings, () -> "import");
        } catch (ConfigException e) {
            Integer line = e.key() == null ? null : settingLines.get(e.key());
            throw new ImportException(line == null ? lastLine() : line, e.getMessage());
        }
    }

    private List<String> output() {
        List<String> out = new ArrayList<>();
        out.add("# Imported from the original Wackamole's wackamole.conf. Set wackamole.node per member");
        out.add("# (default: the host name); every address names its interface, so wackamole.interface is not needed.");
        // Canonical order, whatever the file's.
        for (Setting s : Setting.values()) {
            String v = settings.get(s.key());
            if (v != null) {
                out.add(s.key() + "=" + v);
            }
        }
        if (!notes.isEmpty()) {
            out.add("#");
            out.add("# Not carried over, or changed:");
            // In the file's order; a stub stays after the note that explains it (the sort is stable).
            notes.sort(java.util.Comparator.comparingInt(Note::line));
            for (Note n : notes) {
                out.add(n.text.startsWith("wackamole.") ? "# " + n.text : "# line " + n.line + ": " + n.text);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ directives

    private void directive(Token t) {
        String keyword = t.text.toLowerCase(Locale.ROOT);
        if (t.isPunctuation()) {
            throw new ImportException(t.line, "unexpected '" + t.text + "' (expected a directive: " + DIRECTIVES + ")");
        }
        switch (keyword) {
            case "spread", "spreadretryinterval", "group", "control", "mature", "arp-cache", "balance", "prefer",
                    "virtualinterfaces", "notify", "perluselib" -> once(keyword, t);
            default -> {
                // RunDynamic and PerlUse may repeat.
            }
        }
        switch (keyword) {
            case "spread" -> note(t.line, "Spread " + value(t).text
                    + ": no equivalent; JGroups replaces the Spread daemon (members find each other through"
                    + " wackamole.jgroups.config: multicast by default, wackamole-tcp.xml with wackamole.jgroups.initialHosts)");
            case "spreadretryinterval" -> {
                Token v = value(t);
                time(v);
                note(t.line, "SpreadRetryInterval " + v.text + ": no equivalent; there is no daemon to reconnect to,"
                        + " JGroups merges a member back by itself");
            }
            case "group" -> {
                Token v = value(t);
                put(Setting.CLUSTER, v.text, v.line);
            }
            case "control" -> note(t.line, "Control " + value(t).text
                    + ": no equivalent; wackatrl reaches a member over JMX (by pid or --jmx host:port), not a socket");
            case "mature" -> {
                Token v = value(t);
                put(Setting.MATURE, Durations.format(time(v)), v.line);
            }
            case "arp-cache" -> {
                Token v = value(t);
                time(v);
                note(t.line, "Arp-Cache " + v.text + ": no equivalent; members do not share ARP caches,"
                        + " list the hosts to tell in wackamole.notify");
            }
            case "balance" -> balance(t);
            case "prefer" -> prefer(t);
            case "virtualinterfaces" -> virtualInterfaces(t);
            case "notify" -> notifyBlock(t);
            case "rundynamic" -> runDynamic(t);
            case "perluselib", "perluse" -> note(t.line, t.text + " " + value(t).text
                    + ": no equivalent; there is no Perl here (see RunDynamic)");
            default -> throw new ImportException(t.line, "unknown directive '" + t.text + "' (expected one of " + DIRECTIVES + ")");
        }
    }

    private void balance(Token t) {
        open(t);
        boolean any = false;
        for (Token k = next(t, "}"); !k.text.equals("}"); k = next(t, "}")) {
            if (k.is("AcquisitionsPerRound")) {
                Token v = value(k);
                String perRound;
                if (v.is("all")) {
                    perRound = "all";
                } else {
                    perRound = v.text;
                    if (!perRound.matches("\\d{1,9}") || Integer.parseInt(perRound) < 1) {
                        throw new ImportException(v.line, "AcquisitionsPerRound '" + v.text + "': write 'all' or a positive number");
                    }
                }
                put(Setting.BALANCE_PER_ROUND, perRound, v.line);
            } else if (k.is("Interval")) {
                Token v = value(k);
                Duration d = time(v);
                if (d.isZero()) {
                    throw new ImportException(v.line, "Balance Interval must be positive");
                }
                put(Setting.BALANCE_INTERVAL, Durations.format(d), v.line);
            } else {
                throw new ImportException(k.line, "unknown Balance entry '" + k.text + "' (expected AcquisitionsPerRound or Interval)");
            }
            any = true;
        }
        if (!any) {
            note(t.line, "Balance {}: empty, the defaults apply");
        }
    }

    private void prefer(Token t) {
        optionalEquals();
        Token v = next(t, "None, an address or { addresses }");
        if (v.text.equals("{")) {
            for (Token a = next(t, "}"); !a.text.equals("}"); a = next(t, "}")) {
                address(a);
                preferences.add(new Preference(a.text, a.line));
            }
        } else if (v.is("None")) {
            note(t.line, "Prefer None: no preference (wackamole.prefer left empty)");
        } else {
            address(v);
            preferences.add(new Preference(v.text, v.line));
        }
    }

    private void virtualInterfaces(Token t) {
        open(t);
        for (Token e = next(t, "}"); !e.text.equals("}"); e = next(t, "}")) {
            List<String> group = new ArrayList<>();
            if (e.text.equals("{")) {
                for (Token a = next(e, "}"); !a.text.equals("}"); a = next(e, "}")) {
                    group.add(vip(a));
                }
                if (group.isEmpty()) {
                    throw new ImportException(e.line, "empty address group { }");
                }
            } else {
                group.add(vip(e));
            }
            groups.add(group);
        }
        if (groups.isEmpty()) {
            throw new ImportException(t.line, "VirtualInterfaces is empty: the pool needs at least one address");
        }
    }

    /** One pool address: the {@code nNET} hint is dropped (with a note), the rest is our notation already. */
    private String vip(Token a) {
        if (a.isPunctuation()) {
            throw new ImportException(a.line, "unexpected '" + a.text + "' in VirtualInterfaces");
        }
        String text = a.text;
        Matcher m = NET_SUFFIX.matcher(text);
        if (m.matches()) {
            text = m.group(1);
            int net = Integer.parseInt(m.group(2));
            if (net > 32) {
                throw new ImportException(a.line, "'" + a.text + "': network prefix n" + net + " is longer than 32");
            }
            note(a.line, a.text + ": the n" + net + " network hint is not used (it chose whom to ARP);"
                    + " list the hosts to tell in wackamole.notify");
        }
        VipAddress parsed;
        try {
            parsed = VipParser.parse(Setting.VIPS.key(), text, null);
        } catch (ConfigException e) {
            throw new ImportException(a.line, e.getMessage());
        }
        Integer first = poolLines.putIfAbsent(parsed.addressText(), a.line);
        if (first != null) {
            throw new ImportException(a.line, parsed.addressText() + " is in VirtualInterfaces twice (first on line " + first + ")");
        }
        if (text.indexOf('/') < 0) {
            return parsed.interfaceName() + ":" + parsed.addressText();
        }
        return text;
    }

    private void address(Token a) {
        if (a.isPunctuation()) {
            throw new ImportException(a.line, "unexpected '" + a.text + "' where an address belongs");
        }
    }

    private void notifyBlock(Token t) {
        open(t);
        notifyLine = t.line;
        for (Token e = next(t, "}"); !e.text.equals("}"); e = next(t, "}")) {
            if (e.is("arp-cache")) {
                note(e.line, "Notify arp-cache: no equivalent; there is no shared ARP cache, list those hosts instead");
                continue;
            }
            address(e);
            // The interface of a target does not matter here: notify ARPs leave on the VIP's own interface.
            String target = e.text.substring(e.text.lastIndexOf(':') + 1);
            Matcher m = NET_SUFFIX.matcher(target);
            if (m.matches()) {
                target = m.group(1);
            }
            int slash = target.indexOf('/');
            boolean tooBig = false;
            if (slash >= 0 && target.substring(slash + 1).matches("\\d{1,2}")) {
                int len = Integer.parseInt(target.substring(slash + 1));
                tooBig = len < 20;
            }
            if (!tooBig) {
                try {
                    NotifyTargets.parse(Setting.NOTIFY.key(), target);
                } catch (ConfigException ex) {
                    throw new ImportException(e.line, "Notify '" + e.text + "': " + ex.getMessage());
                }
            }
            Token throttle = peek();
            long rate = 0;
            if (throttle != null && throttle.is("throttle")) {
                next();
                Token n = next(throttle, "a number");
                if (!n.text.matches("\\d{1,6}") || Long.parseLong(n.text) < 1) {
                    throw new ImportException(n.line, "throttle '" + n.text + "': write a positive number of ARPs per second");
                }
                rate = Long.parseLong(n.text);
            }
            if (tooBig) {
                note(e.line, "Notify " + e.text + ": skipped, ranges here are /20 to /32 (at most "
                        + NotifyTargets.MAX_HOSTS + " hosts); list the routers and hosts that matter");
                continue;
            }
            notify.add(target);
            if (rate > 0) {
                notifyRate += rate;
            } else {
                unthrottledNotify = true;
            }
        }
    }

    private void runDynamic(Token t) {
        Token function = value(t);
        Token when = next(t, "an event: on up, on down, post up or post down");
        Token what = next(t, "an event: on up, on down, post up or post down");
        boolean on = when.is("on");
        if (!on && !when.is("post") || !what.is("up") && !what.is("down")) {
            throw new ImportException(when.line, "RunDynamic " + function.text + ": event '" + when.text + " " + what.text
                    + "' is not one of on up, on down, post up, post down");
        }
        boolean up = what.is("up");
        String kind = function.text.contains("::") ? "Perl" : "C";
        note(t.line, "RunDynamic " + function.text + " " + when.text.toLowerCase(Locale.ROOT) + " "
                + what.text.toLowerCase(Locale.ROOT) + ": no " + kind + " functions here. Stub for a script hook (not in"
                + " this build yet), run after the address is " + (up ? "up" : "down") + (on ? ", never before it" : "") + ":");
        note(t.line, "wackamole.hook." + (up ? "acquire" : "release") + "=/usr/local/libexec/wackamole-"
                + (up ? "up" : "down") + "  # does what " + function.text + " did");
    }

    private void resolvePreferences() {
        List<String> identities = new ArrayList<>();
        for (Preference p : preferences) {
            VipAddress wanted;
            try {
                wanted = VipParser.parse(Setting.PREFER.key(), stripNet(p.text), null, false);
            } catch (ConfigException e) {
                throw new ImportException(p.line, e.getMessage());
            }
            String identity = null;
            boolean first = false;
            for (List<String> g : groups) {
                for (int i = 0; i < g.size(); i++) {
                    if (VipParser.parse(Setting.VIPS.key(), g.get(i), null).addressText().equals(wanted.addressText())) {
                        identity = VipParser.parse(Setting.VIPS.key(), g.get(0), null).addressText();
                        first = i == 0;
                    }
                }
            }
            if (identity == null) {
                throw new ImportException(p.line, "Prefer " + p.text + ": " + wanted.addressText() + " is not in VirtualInterfaces");
            }
            if (!first) {
                note(p.line, "Prefer " + p.text + ": preferring its group by the group's first address " + identity);
            }
            int slash = stripNet(p.text).lastIndexOf('/');
            if (slash >= 0 && !p.text.substring(slash + 1).startsWith(wanted.isIpv4() ? "32" : "128")) {
                note(p.line, "Prefer " + p.text + ": a preference is one address, not a range; only " + wanted.addressText() + " counts");
            }
            if (!identities.contains(identity)) {
                identities.add(identity);
            }
        }
        if (!identities.isEmpty()) {
            put(Setting.PREFER, String.join(",", identities), directiveLines.get("prefer"));
        }
    }

    private static String stripNet(String text) {
        Matcher m = NET_SUFFIX.matcher(text);
        return m.matches() ? m.group(1) : text;
    }

    // ------------------------------------------------------------------ values

    /** The original's times: digits with {@code s} or {@code m}; {@code h} is hours here, bare digits seconds. */
    private Duration time(Token v) {
        Matcher m = TIME.matcher(v.text);
        if (!m.matches()) {
            throw new ImportException(v.line, "'" + v.text + "' is not a time (write e.g. 5s or 2m)");
        }
        long amount = Long.parseLong(m.group(1));
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "m":
                return Duration.ofMinutes(amount);
            case "h":
                note(v.line, v.text + ": read as " + amount + " hours (the original read 'h' as seconds)");
                return Duration.ofHours(amount);
            case "":
                if (amount != 0) {
                    note(v.line, v.text + ": no unit, read as seconds");
                }
                return Duration.ofSeconds(amount);
            default:
                return Duration.ofSeconds(amount);
        }
    }

    private void put(Setting s, String value, Integer line) {
        settings.put(s.key(), value);
        settingLines.put(s.key(), line == null ? lastLine() : line);
    }

    private void note(int line, String text) {
        notes.add(new Note(line, text));
    }

    private void once(String keyword, Token t) {
        Integer first = directiveLines.putIfAbsent(keyword, t.line);
        if (first != null) {
            throw new ImportException(t.line, t.text + " given twice (first on line " + first + ")");
        }
    }

    // ------------------------------------------------------------------ tokens

    /** {@code key = value} or {@code key value}: the value after an optional '='. */
    private Token value(Token key) {
        optionalEquals();
        Token v = next(key, "a value");
        if (v.isPunctuation()) {
            throw new ImportException(v.line, key.text + " needs a value, found '" + v.text + "'");
        }
        return v;
    }

    private void optionalEquals() {
        Token p = peek();
        if (p != null && p.text.equals("=")) {
            pos++;
        }
    }

    private void open(Token block) {
        optionalEquals();
        Token brace = next(block, "{");
        if (!brace.text.equals("{")) {
            throw new ImportException(brace.line, block.text + " needs a { ... } block, found '" + brace.text + "'");
        }
    }

    private Token next() {
        return tokens.get(pos++);
    }

    /** The next token; at the end of the file, an error naming what was expected after {@code after}. */
    private Token next(Token after, String expected) {
        if (pos >= tokens.size()) {
            throw new ImportException(lastLine(), "file ends inside " + after.text + " (line " + after.line + "): expected " + expected);
        }
        return tokens.get(pos++);
    }

    private Token peek() {
        return pos < tokens.size() ? tokens.get(pos) : null;
    }

    private int lastLine() {
        return tokens.isEmpty() ? 1 : tokens.get(tokens.size() - 1).line;
    }

    /** Words, braces and '='; '#' starts a comment, ';' separates like a space. */
    private static List<Token> tokenize(String content) {
        List<Token> out = new ArrayList<>();
        String[] lines = content.split("\\R", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            StringBuilder word = new StringBuilder();
            for (int i = 0; i <= line.length(); i++) {
                char c = i < line.length() ? line.charAt(i) : ' ';
                boolean punctuation = c == '{' || c == '}' || c == '=';
                if (Character.isWhitespace(c) || c == ';' || punctuation) {
                    if (word.length() > 0) {
                        out.add(new Token(word.toString(), n + 1));
                        word.setLength(0);
                    }
                    if (punctuation) {
                        out.add(new Token(String.valueOf(c), n + 1));
                    }
                } else {
                    word.append(c);
                }
            }
        }
        return out;
    }
}
