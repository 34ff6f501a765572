package org.wackamole.cluster;

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

/** Runs the readable cases in {@code plans.txt}: a round's decision in, the member's plan out. */
class RoundPlanTableTest {

    @TestFactory
    Stream<DynamicTest> cases() throws IOException {
        String text;
        try (InputStream in = getClass().getResourceAsStream("plans.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Case> cases = Case.parseAll(text);
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
        final Map<String, String> expectAwaitPrepared = new LinkedHashMap<>();
        final Map<String, String> expectHandOverNow = new LinkedHashMap<>();
        final Map<String, List<String>> expectLists = new LinkedHashMap<>();
        final Map<String, Set<String>> expectWait = new LinkedHashMap<>();
        final Map<String, Set<String>> expectReannounce = new LinkedHashMap<>();

        Case(String title) {
            this.title = title;
        }

        static List<Case> parseAll(String text) {
            List<Case> cases = new ArrayList<>();
            Case c = null;
            int lineNo = 0;
            for (String raw : text.split("\n")) {
                lineNo++;
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("== ")) {
                    c = new Case(line.substring(3));
                    cases.add(c);
                    continue;
                }
                if (c == null) {
                    throw new IllegalArgumentException("line " + lineNo + ": outside a case: " + line);
                }
                Case cur = c;
                List<String> w = Arrays.asList(line.split("\\s+"));
                List<String> rest = w.subList(1, w.size());
                switch (w.get(0)) {
                    case "me" -> c.me = rest.get(0);
                    case "held" -> c.held = List.copyOf(rest);
                    case "mine" -> c.mine = List.copyOf(rest);
                    case "claims" -> c.claims.put(rest.get(0), List.copyOf(rest.subList(1, rest.size())));
                    case "released" -> rest.subList(1, rest.size())
                            .forEach(g -> cur.released.computeIfAbsent(g, k -> new LinkedHashSet<>()).add(rest.get(0)));
                    case "merge" -> c.merge = true;
                    case "owner" -> c.owners.put(rest.get(0), rest.get(1));
                    case "handsover" -> c.handsOver.addAll(rest);
                    case "prepared" -> rest.subList(1, rest.size())
                            .forEach(g -> cur.prepared.computeIfAbsent(g, k -> new LinkedHashSet<>()).add(rest.get(0)));
                    case "expect" -> {
                        String kind = rest.get(0);
                        List<String> args = rest.subList(1, rest.size());
                        switch (kind) {
                            case "release", "acquire", "announce", "prepare" -> c.expectLists.put(kind, List.copyOf(args));
                            case "wait" -> c.expectWait.put(args.get(0), Set.copyOf(args.subList(1, args.size())));
                            case "reannounce" -> c.expectReannounce.put(args.get(0), Set.copyOf(args.subList(1, args.size())));
                            case "handover" -> c.expectAwaitPrepared.put(args.get(0), args.get(1));
                            case "handovernow" -> c.expectHandOverNow.put(args.get(0), args.get(1));
                            default -> throw new IllegalArgumentException("line " + lineNo + ": unknown expectation " + kind);
                        }
                    }
                    default -> throw new IllegalArgumentException("line " + lineNo + ": unknown keyword " + w.get(0));
                }
            }
            return cases;
        }

        void check() {
            Map<String, String> decision = new LinkedHashMap<>(owners);
            mine.forEach(g -> decision.put(g, me));
            RoundPlan plan = RoundPlan.of(me, new LinkedHashSet<>(held), new LinkedHashSet<>(mine), decision, claims, released, merge,
                    handsOver, prepared);
            assertThat(plan.release()).as("release").isEqualTo(expectLists.getOrDefault("release", List.of()));
            assertThat(plan.acquireNow()).as("acquire").isEqualTo(expectLists.getOrDefault("acquire", List.of()));
            assertThat(plan.announceNow()).as("announce").isEqualTo(expectLists.getOrDefault("announce", List.of()));
            assertThat(plan.awaitRelease()).as("wait").isEqualTo(expectWait);
            assertThat(plan.awaitReannounce()).as("reannounce").isEqualTo(expectReannounce);
            assertThat(plan.prepare()).as("prepare").isEqualTo(expectLists.getOrDefault("prepare", List.of()));
            assertThat(plan.awaitPrepared()).as("handover").isEqualTo(expectAwaitPrepared);
            assertThat(plan.handOverNow()).as("handovernow").isEqualTo(expectHandOverNow);
        }
    }
}
