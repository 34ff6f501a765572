package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jgroups.Address;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.wackamole.cluster.wire.ViewKey;
import org.wackamole.cluster.wire.WireMessage;
import org.wackamole.config.WackamoleConfig;
import org.wackamole.testing.TableCases;

/** Runs the readable cases in {@code decisions.txt}: a round's states in, the engine's input, its decision and the plan out. */
class RoundDecisionTableTest {
    private static final ViewKey VIEW = new ViewKey(1, 2, 3);

    @TestFactory
    Stream<DynamicTest> cases() {
        List<Case> cases = TableCases.read(getClass(), "decisions.txt").stream().map(Case::of).toList();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(20);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.title, c::check));
    }

    private static final class Case {
        final String title;
        /** Member letters to fixed addresses (CI runs the same case every time), in order of first use. */
        final Map<String, Address> addresses = new LinkedHashMap<>();
        final List<String> view = new ArrayList<>();
        String me;
        List<String> pool = List.of();
        int quorum;
        int perRound = WackamoleConfig.ALL;
        final Map<String, WireMessage.State> states = new LinkedHashMap<>();
        final List<String> silent = new ArrayList<>();
        final List<String> silentHeld = new ArrayList<>();
        List<String> held;
        boolean merge;
        final Map<String, Set<Address>> released = new LinkedHashMap<>();
        final Map<String, Address> prepared = new LinkedHashMap<>();

        final Map<String, String> expectNames = new LinkedHashMap<>();
        Set<String> expectEligible;
        Boolean expectQuorate;
        Boolean expectAnyMature;
        final Map<String, String> expectOwners = new LinkedHashMap<>();
        Map<String, Set<String>> expectOthers;
        Integer expectPending;
        List<String> expectMine = List.of();
        final PlanExpectations expectPlan = new PlanExpectations();

        Case(String title) {
            this.title = title;
        }

        static Case of(TableCases.Case table) {
            Case c = new Case(table.title());
            table.lines().forEach(c::read);
            return c;
        }

        private Address address(String letter) {
            return addresses.computeIfAbsent(letter, k -> new UUID(0, addresses.size() + 1));
        }

        private void read(TableCases.Line line) {
            List<String> rest = line.args();
            switch (line.keyword()) {
                case "view" -> rest.forEach(m -> {
                    view.add(m);
                    address(m);
                });
                case "me" -> me = line.arg(0);
                case "pool" -> pool = rest;
                case "quorum" -> quorum = Integer.parseInt(line.arg(0));
                case "perRound" -> perRound = line.arg(0).equals("all") ? WackamoleConfig.ALL : Integer.parseInt(line.arg(0));
                case "state" -> states.put(line.arg(0), state(line));
                case "silent" -> silent.addAll(rest);
                case "silentheld" -> silentHeld.addAll(rest);
                case "held" -> held = rest;
                case "merge" -> merge = true;
                case "released" -> line.argsFrom(1).forEach(g ->
                        released.computeIfAbsent(g, k -> new LinkedHashSet<>()).add(address(line.arg(0))));
                case "prepared" -> line.argsFrom(1).forEach(g -> prepared.put(g, address(line.arg(0))));
                case "expect" -> expect(line);
                default -> throw line.error("unknown keyword " + line.keyword());
            }
        }

        private WireMessage.State state(TableCases.Line line) {
            String node = line.arg(0);
            boolean mature = true;
            boolean eligible = true;
            int weight = 1;
            int digest = 7;
            boolean dryRun = false;
            boolean handsOver = false;
            List<String> holds = List.of();
            List<String> prefers = List.of();
            List<String> declines = List.of();
            for (String option : line.argsFrom(1)) {
                String[] kv = option.split("=", 2);
                String value = kv.length > 1 ? kv[1] : "";
                List<String> list = value.isEmpty() ? List.of() : List.of(value.split(","));
                switch (kv[0]) {
                    case "node" -> node = value;
                    case "young" -> mature = false;
                    case "drained" -> eligible = false;
                    case "weight" -> weight = Integer.parseInt(value);
                    case "digest" -> digest = Integer.parseInt(value);
                    case "dryrun" -> dryRun = true;
                    case "handsover" -> handsOver = true;
                    case "holds" -> holds = list;
                    case "prefers" -> prefers = list;
                    case "declines" -> declines = list;
                    default -> throw line.error("unknown state option " + option);
                }
            }
            return new WireMessage.State(VIEW, 1, node, mature, eligible, weight, digest, prefers, holds, declines, List.of(),
                    handsOver, 0, dryRun, List.of());
        }

        private void expect(TableCases.Line line) {
            if (expectPlan.read(line)) {
                return;
            }
            String kind = line.arg(0);
            List<String> args = line.argsFrom(1);
            switch (kind) {
                case "name" -> expectNames.put(line.arg(1), String.join(" ", line.argsFrom(2)));
                case "eligible" -> expectEligible = Set.copyOf(args);
                case "quorate" -> expectQuorate = yes(line, line.arg(1));
                case "anymature" -> expectAnyMature = yes(line, line.arg(1));
                case "owner" -> expectOwners.put(line.arg(1), line.arg(2));
                case "others" -> {
                    if (expectOthers == null) {
                        expectOthers = new LinkedHashMap<>();
                    }
                    expectOthers.put(line.arg(1), Set.copyOf(line.argsFrom(2)));
                }
                case "pending" -> expectPending = Integer.parseInt(line.arg(1));
                case "mine" -> expectMine = args;
                default -> throw line.error("unknown expectation " + kind);
            }
        }

        private static boolean yes(TableCases.Line line, String word) {
            return switch (word) {
                case "yes" -> true;
                case "no" -> false;
                default -> throw line.error("yes or no, not " + word);
            };
        }

        void check() {
            List<Address> viewMembers = view.stream().map(this::address).toList();
            Map<Address, WireMessage.State> got = new LinkedHashMap<>();
            view.stream().filter(states::containsKey).forEach(m -> got.put(address(m), states.get(m)));
            List<Integer> ranks = silent.stream().map(view::indexOf).toList();
            WireMessage.Round round = new WireMessage.Round(VIEW, 1, 0, 0, List.of(), ranks, silentHeld);
            List<String> nowHeld = held != null ? held : states.get(me).held();
            RoundDecision d = RoundDecision.of(address(me), viewMembers, got, round,
                    new RoundDecision.Settings(quorum, perRound, pool), nowHeld, merge, released, prepared);

            // The table speaks of members by letter; the decision by their names in the round.
            Map<String, String> nameOf = new LinkedHashMap<>();
            view.forEach(m -> nameOf.put(m, d.names().get(address(m))));
            expectNames.forEach((m, name) -> assertThat(nameOf.get(m)).as("name of " + m).isEqualTo(name));
            if (expectEligible != null) {
                Set<String> eligible = d.names().keySet().stream().filter(a -> d.input().eligible(a))
                        .map(a -> letterOf(a)).collect(Collectors.toSet());
                assertThat(eligible).as("eligible").isEqualTo(expectEligible);
                assertThat(d.eligible()).as("me eligible").isEqualTo(expectEligible.contains(me));
            }
            if (expectQuorate != null) {
                assertThat(d.input().quorate()).as("quorate").isEqualTo(expectQuorate);
            }
            if (expectAnyMature != null) {
                assertThat(d.input().anyMature()).as("anymature").isEqualTo(expectAnyMature);
            }
            expectOwners.forEach((g, m) -> assertThat(d.allocation().owner(g)).as("owner of " + g)
                    .isEqualTo(m.equals("-") ? null : nameOf.get(m)));
            if (expectOthers != null) {
                Map<String, Set<String>> others = new LinkedHashMap<>();
                expectOthers.forEach((m, groups) -> others.put(nameOf.get(m), groups));
                assertThat(d.othersClaims()).as("others").isEqualTo(others);
            }
            if (expectPending != null) {
                assertThat(d.allocation().pendingBalanceMoves()).as("pending").isEqualTo(expectPending);
            }
            assertThat(d.me()).isEqualTo(nameOf.get(me));
            assertThat(new ArrayList<>(d.mine())).as("mine").isEqualTo(expectMine);
            expectPlan.check(d.plan(), nameOf::get);
        }

        private String letterOf(Address a) {
            return addresses.entrySet().stream().filter(e -> e.getValue().equals(a)).map(Map.Entry::getKey).findFirst().orElseThrow();
        }
    }
}
