package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.wackamole.testing.TableCases;

/**
 * What a table case expects of a {@link RoundPlan}, written the same in {@code plans.txt} and
 * {@code decisions.txt}: {@code expect release|acquire|announce|prepare G ...} (a missing line = empty),
 * {@code expect wait|reannounce G M ...}, {@code expect handover|handovernow G M}.
 */
final class PlanExpectations {
    private final Map<String, List<String>> lists = new LinkedHashMap<>();
    private final Map<String, List<String>> wait = new LinkedHashMap<>();
    private final Map<String, List<String>> reannounce = new LinkedHashMap<>();
    private final Map<String, String> handover = new LinkedHashMap<>();
    private final Map<String, String> handOverNow = new LinkedHashMap<>();

    /** Reads an {@code expect} line if it is about the plan; false when it is not. */
    boolean read(TableCases.Line line) {
        String kind = line.arg(0);
        switch (kind) {
            case "release", "acquire", "announce", "prepare" -> lists.put(kind, line.argsFrom(1));
            case "wait" -> wait.put(line.arg(1), line.argsFrom(2));
            case "reannounce" -> reannounce.put(line.arg(1), line.argsFrom(2));
            case "handover" -> handover.put(line.arg(1), line.arg(2));
            case "handovernow" -> handOverNow.put(line.arg(1), line.arg(2));
            default -> {
                return false;
            }
        }
        return true;
    }

    /** @param name a member as the table writes it to its name in the round */
    void check(RoundPlan plan, UnaryOperator<String> name) {
        assertThat(plan.release()).as("release").isEqualTo(lists.getOrDefault("release", List.of()));
        assertThat(plan.acquireNow()).as("acquire").isEqualTo(lists.getOrDefault("acquire", List.of()));
        assertThat(plan.announceNow()).as("announce").isEqualTo(lists.getOrDefault("announce", List.of()));
        assertThat(plan.prepare()).as("prepare").isEqualTo(lists.getOrDefault("prepare", List.of()));
        assertThat(plan.awaitRelease()).as("wait").isEqualTo(names(wait, name));
        assertThat(plan.awaitReannounce()).as("reannounce").isEqualTo(names(reannounce, name));
        assertThat(plan.awaitPrepared()).as("handover").isEqualTo(name(handover, name));
        assertThat(plan.handOverNow()).as("handovernow").isEqualTo(name(handOverNow, name));
    }

    private static Map<String, Set<String>> names(Map<String, List<String>> members, UnaryOperator<String> name) {
        Map<String, Set<String>> result = new LinkedHashMap<>();
        members.forEach((g, ms) -> {
            Set<String> names = new HashSet<>();
            ms.forEach(m -> names.add(name.apply(m)));
            result.put(g, names);
        });
        return result;
    }

    private static Map<String, String> name(Map<String, String> members, UnaryOperator<String> name) {
        Map<String, String> result = new LinkedHashMap<>();
        members.forEach((g, m) -> result.put(g, name.apply(m)));
        return result;
    }
}
