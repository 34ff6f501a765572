package org.wackamole.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Runs the readable cases in {@code cases.txt}: view and claims in, required allocation out. */
class AllocationTableTest {

    @TestFactory
    Stream<DynamicTest> cases() throws IOException {
        String text;
        try (InputStream in = getClass().getResourceAsStream("cases.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Case> cases = Case.parseAll(text);
        assertThat(cases).hasSizeGreaterThan(10);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.title, c::check));
    }

    static final class Case {
        final String title;
        final List<Member> members = new ArrayList<>();
        List<String> groups = List.of();
        final Map<String, Set<String>> claims = new LinkedHashMap<>();
        int perRound = AllocationRequest.ALL;
        final Map<String, List<String>> expect = new LinkedHashMap<>();
        final List<String> moves = new ArrayList<>();
        boolean noMoves;
        Integer pending;

        Case(String title) {
            this.title = title;
        }

        static List<Case> parseAll(String text) {
            List<Case> cases = new ArrayList<>();
            Case current = null;
            int lineNo = 0;
            for (String raw : text.split("\n")) {
                lineNo++;
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("== ")) {
                    current = new Case(line.substring(3));
                    cases.add(current);
                    continue;
                }
                if (current == null) {
                    throw new IllegalStateException("line " + lineNo + ": no case started");
                }
                current.read(line, lineNo);
            }
            return cases;
        }

        private void read(String line, int lineNo) {
            List<String> words = Arrays.asList(line.split("\\s+"));
            List<String> rest = words.subList(1, words.size());
            switch (words.get(0)) {
                case "member" -> members.add(member(rest));
                case "groups" -> groups = List.copyOf(rest);
                case "holds" -> claims.put(rest.get(0), new LinkedHashSet<>(rest.subList(1, rest.size())));
                case "perRound" -> perRound = rest.get(0).equals("all") ? AllocationRequest.ALL : Integer.parseInt(rest.get(0));
                case "expect" -> expect.put(rest.get(0), List.copyOf(rest.subList(1, rest.size())));
                case "move" -> moves.add(String.join(" ", rest));
                case "moves" -> {
                    if (!rest.equals(List.of("none"))) {
                        throw new IllegalStateException("line " + lineNo + ": write 'moves none' or 'move G FROM -> TO REASON'");
                    }
                    noMoves = true;
                }
                case "pending" -> pending = Integer.parseInt(rest.get(0));
                default -> throw new IllegalStateException("line " + lineNo + ": unknown word " + words.get(0));
            }
        }

        private static Member member(List<String> words) {
            String name = words.get(0);
            Set<String> prefers = Set.of();
            Set<String> declines = Set.of();
            int weight = 1;
            boolean eligible = true;
            for (String w : words.subList(1, words.size())) {
                if (w.startsWith("prefers=")) {
                    prefers = Set.of(w.substring("prefers=".length()).split(","));
                } else if (w.startsWith("declines=")) {
                    declines = Set.of(w.substring("declines=".length()).split(","));
                } else if (w.startsWith("weight=")) {
                    weight = Integer.parseInt(w.substring("weight=".length()));
                } else if (w.equals("draining")) {
                    eligible = false;
                } else {
                    throw new IllegalStateException("unknown member attribute " + w);
                }
            }
            return new Member(name, weight, eligible, prefers, declines);
        }

        void check() {
            assertThat(expect.keySet()).as("every member needs an expect line")
                    .containsExactlyElementsOf(members.stream().map(Member::name).toList());
            Allocation a = Allocator.allocate(new AllocationRequest(members, groups, claims, perRound));
            for (Map.Entry<String, List<String>> e : expect.entrySet()) {
                assertThat(a.groupsOf(e.getKey())).as("groups of %s in %s", e.getKey(), a).containsExactlyElementsOf(e.getValue());
            }
            if (noMoves) {
                assertThat(a.moves()).as("moves").isEmpty();
            }
            if (!moves.isEmpty()) {
                assertThat(a.moves().stream().map(Case::format).toList()).as("moves").containsExactlyElementsOf(moves);
            }
            if (pending != null) {
                assertThat(a.pendingBalanceMoves()).as("pending balance moves").isEqualTo(pending);
            }
        }

        private static String format(Move m) {
            return m.group() + " " + (m.from() == null ? "-" : m.from()) + " -> " + (m.to() == null ? "-" : m.to()) + " " + m.reason();
        }
    }
}
