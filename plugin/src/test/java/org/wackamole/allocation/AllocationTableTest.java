package org.wackamole.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.wackamole.testing.TableCases;

/** Runs the readable cases in {@code cases.txt}: view and claims in, required allocation out. */
class AllocationTableTest {

    @TestFactory
    Stream<DynamicTest> cases() {
        List<Case> cases = TableCases.read(getClass(), "cases.txt").stream().map(Case::of).toList();
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

        static Case of(TableCases.Case table) {
            Case c = new Case(table.title());
            table.lines().forEach(c::read);
            return c;
        }

        private void read(TableCases.Line line) {
            List<String> rest = line.args();
            switch (line.keyword()) {
                case "member" -> members.add(member(rest));
                case "groups" -> groups = rest;
                case "holds" -> claims.put(line.arg(0), new LinkedHashSet<>(line.argsFrom(1)));
                case "perRound" -> perRound = line.arg(0).equals("all") ? AllocationRequest.ALL : Integer.parseInt(line.arg(0));
                case "expect" -> expect.put(line.arg(0), line.argsFrom(1));
                case "move" -> moves.add(String.join(" ", rest));
                case "moves" -> {
                    if (!rest.equals(List.of("none"))) {
                        throw line.error("write 'moves none' or 'move G FROM -> TO REASON'");
                    }
                    noMoves = true;
                }
                case "pending" -> pending = Integer.parseInt(line.arg(0));
                default -> throw line.error("unknown word " + line.keyword());
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
