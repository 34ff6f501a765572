package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.wackamole.testing.TableCases;

/** Runs the readable cases in {@code plans.txt}: a round's decision in, the member's plan out. */
class RoundPlanTableTest {

    @TestFactory
    Stream<DynamicTest> cases() {
        List<Case> cases = TableCases.read(getClass(), "plans.txt").stream().map(Case::of).toList();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(20);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.title, c::check));
    }

    private static final class Case {
        final String title;
        String me;
        List<String> held = List.of();
        List<String> mine = List.of();
        final Map<String, List<String>> claims = new LinkedHashMap<>();
        final Map<String, Set<String>> released = new LinkedHashMap<>();
        boolean merge;
        final Map<String, String> owners = new LinkedHashMap<>();
        final Set<String> handsOver = new LinkedHashSet<>();
        final Map<String, Set<String>> prepared = new LinkedHashMap<>();
        final PlanExpectations expect = new PlanExpectations();

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
                case "me" -> me = line.arg(0);
                case "held" -> held = rest;
                case "mine" -> mine = rest;
                case "claims" -> claims.put(line.arg(0), line.argsFrom(1));
                case "released" -> line.argsFrom(1).forEach(g -> released.computeIfAbsent(g, k -> new LinkedHashSet<>()).add(rest.get(0)));
                case "merge" -> merge = true;
                case "owner" -> owners.put(line.arg(0), line.arg(1));
                case "handsover" -> handsOver.addAll(rest);
                case "prepared" -> line.argsFrom(1).forEach(g -> prepared.computeIfAbsent(g, k -> new LinkedHashSet<>()).add(rest.get(0)));
                case "expect" -> {
                    if (!expect.read(line)) {
                        throw line.error("unknown expectation " + line.arg(0));
                    }
                }
                default -> throw line.error("unknown keyword " + line.keyword());
            }
        }

        void check() {
            Map<String, String> decision = new LinkedHashMap<>(owners);
            mine.forEach(g -> decision.put(g, me));
            RoundPlan plan = RoundPlan.of(me, new LinkedHashSet<>(held), new LinkedHashSet<>(mine), decision, claims, released, merge,
                    handsOver, prepared);
            expect.check(plan, m -> m);
        }
    }
}
