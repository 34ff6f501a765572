package org.wackamole.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Reads the readable case tables ({@code cases.txt}, {@code plans.txt}): {@code == title} starts a case, every other
 * line is a keyword and its words, {@code #} starts a comment. The tables differ only in their keywords, so each test
 * keeps its own vocabulary and this class keeps the one grammar.
 */
public final class TableCases {

    /** One case: its title and its lines in order. */
    public record Case(String title, List<Line> lines) {
    }

    /** One line of a case, with its number in the file so that a bad line can be named. */
    public record Line(int number, String keyword, List<String> args) {

        public String arg(int i) {
            if (i >= args.size()) {
                throw error("'" + keyword + "' needs at least " + (i + 1) + " word(s)");
            }
            return args.get(i);
        }

        /** The arguments from index {@code from} on. */
        public List<String> argsFrom(int from) {
            return List.copyOf(args.subList(Math.min(from, args.size()), args.size()));
        }

        public IllegalArgumentException error(String why) {
            return new IllegalArgumentException("line " + number + ": " + why);
        }
    }

    private TableCases() {
    }

    /** The cases of a resource next to {@code owner}'s class. */
    public static List<Case> read(Class<?> owner, String resource) {
        try (InputStream in = Objects.requireNonNull(owner.getResourceAsStream(resource), resource + " not found")) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Case> parse(String text) {
        List<Case> cases = new ArrayList<>();
        List<Line> current = null;
        int number = 0;
        for (String raw : text.split("\n")) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("== ")) {
                current = new ArrayList<>();
                cases.add(new Case(line.substring(3), current));
                continue;
            }
            List<String> words = Arrays.asList(line.split("\\s+"));
            Line parsed = new Line(number, words.get(0), List.copyOf(words.subList(1, words.size())));
            if (current == null) {
                throw parsed.error("outside a case: " + line);
            }
            current.add(parsed);
        }
        return cases;
    }
}
