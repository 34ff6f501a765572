package org.wackamole.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a systemd unit file a test needs, read the way systemd reads them (systemd.syntax(7),
 * systemd.service(7)): {@code [Service]} settings, {@code Environment=} assignments, and command
 * lines split into words with quotes removed, {@code ${NAME}} substituted, and the {@code +-@:!}
 * prefixes taken off (and remembered). Enough for the unit we ship; not a general parser.
 */
final class SystemdUnit {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    /** One command line: {@code privileged} for the '+' prefix (run with full privileges, ignoring User=). */
    record Command(boolean privileged, boolean failureIgnored, List<String> argv) {
    }

    private final Map<String, List<String>> service = new LinkedHashMap<>();

    private SystemdUnit() {
    }

    static SystemdUnit parse(Path file) throws IOException {
        SystemdUnit unit = new SystemdUnit();
        String section = "";
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                section = line;
                continue;
            }
            if (line.endsWith("\\")) {
                throw new IOException(file + ": continuation lines are not supported here: " + line);
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new IOException(file + ": not a setting: " + line);
            }
            if (section.equals("[Service]")) {
                unit.service.computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>()).add(line.substring(eq + 1).strip());
            }
        }
        return unit;
    }

    /** Every value of a [Service] setting, in order. */
    List<String> all(String key) {
        return service.getOrDefault(key, List.of());
    }

    String one(String key) {
        List<String> values = all(key);
        if (values.size() != 1) {
            throw new IllegalStateException(key + "= appears " + values.size() + " times");
        }
        return values.get(0);
    }

    /** The Environment= assignments, later ones winning. */
    Map<String, String> environment() {
        return environment(Map.of());
    }

    /** As {@link #environment()}, with specifiers resolved (systemd does in Environment=; it substitutes no variables there). */
    Map<String, String> environment(Map<Character, String> specifiers) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String value : all("Environment")) {
            for (String word : words(value)) {
                int eq = word.indexOf('=');
                env.put(word.substring(0, eq), specify(word.substring(eq + 1), specifiers));
            }
        }
        return env;
    }

    /** The command lines of a setting (ExecStart, ExecStartPre, ExecStopPost), with {@code env} substituted. */
    List<Command> commands(String key, Map<String, String> env) {
        return commands(key, env, Map.of());
    }

    /**
     * As {@link #commands(String, Map)}, with the specifiers too ({@code %C} → {@code specifiers.get('C')},
     * {@code %%} → {@code %}; systemd.unit(7)). A specifier not given is an error.
     */
    List<Command> commands(String key, Map<String, String> env, Map<Character, String> specifiers) {
        List<Command> result = new ArrayList<>();
        for (String value : all(key)) {
            List<String> argv = words(value);
            String first = argv.get(0);
            int p = 0;
            while (p < first.length() && "+-@:!".indexOf(first.charAt(p)) >= 0) {
                p++;
            }
            String prefixes = first.substring(0, p);
            argv.set(0, first.substring(p));
            List<String> substituted = argv.stream().map(w -> substitute(specify(w, specifiers), env)).toList();
            result.add(new Command(prefixes.contains("+"), prefixes.contains("-"), substituted));
        }
        return result;
    }

    private static String specify(String word, Map<Character, String> specifiers) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c != '%') {
                sb.append(c);
                continue;
            }
            if (i + 1 == word.length()) {
                throw new IllegalArgumentException("a lone % in " + word);
            }
            char s = word.charAt(++i);
            String value = s == '%' ? "%" : specifiers.get(s);
            if (value == null) {
                throw new IllegalArgumentException("specifier %" + s + " in " + word + " is not given");
            }
            sb.append(value);
        }
        return sb.toString();
    }

    private static String substitute(String word, Map<String, String> env) {
        Matcher m = VARIABLE.matcher(word);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(env.getOrDefault(m.group(1), "")));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Splits on whitespace; a word may be wrapped whole in double or single quotes. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '"' || c == '\'') {
                int end = line.indexOf(c, i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unbalanced quote: " + line);
                }
                words.add(line.substring(i + 1, end));
                i = end + 1;
            } else {
                int end = i;
                while (end < line.length() && !Character.isWhitespace(line.charAt(end))) {
                    end++;
                }
                words.add(line.substring(i, end));
                i = end;
            }
        }
        return words;
    }
}
