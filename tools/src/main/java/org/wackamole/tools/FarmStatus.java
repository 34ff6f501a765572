package org.wackamole.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The pool as the reached members see it: who holds each VIP group (the coordinator's allocation
 * when it was reached), who prefers it, which reached members actually hold it, and what is wrong
 * (a group nobody covers, a group held twice). Pure: snapshots in, text or JSON out.
 */
final class FarmStatus {
    record Group(String identity, String holder, List<String> preferredBy, List<String> heldBy) {
    }

    private final List<MemberSnapshot> reached;
    private final MemberSnapshot reference;
    private final List<Group> groups = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    FarmStatus(List<MemberSnapshot> reached) {
        if (reached.isEmpty()) {
            throw new IllegalArgumentException("no member reached");
        }
        this.reached = List.copyOf(reached);
        this.reference = reached.stream().filter(s -> s.node().equals(s.coordinator())).findFirst().orElse(reached.get(0));
        for (String entry : reference.allocation()) {
            int eq = entry.indexOf('=');
            String identity = eq < 0 ? entry : entry.substring(0, eq);
            String holder = eq < 0 ? "" : entry.substring(eq + 1);
            List<String> preferredBy = reached.stream().filter(s -> s.preferred().contains(identity)).map(MemberSnapshot::node).toList();
            List<String> heldBy = reached.stream().filter(s -> s.held().contains(identity)).map(MemberSnapshot::node).toList();
            groups.add(new Group(identity, holder, preferredBy, heldBy));
            if (holder.isEmpty() && heldBy.isEmpty()) {
                problems.add("VIP " + identity + " is not covered");
            }
            if (heldBy.size() > 1) {
                problems.add("VIP " + identity + " is held twice: by " + String.join(" and ", heldBy));
            }
        }
        for (MemberSnapshot s : reached) {
            if (!s.viewId().equals(reference.viewId())) {
                problems.add(s.node() + " is in view " + s.viewId() + ", " + reference.node() + " in " + reference.viewId());
            }
        }
    }

    List<Group> groups() {
        return groups;
    }

    /** Empty when every group is held exactly once. */
    List<String> problems() {
        return problems;
    }

    /** The group of that identity, or null when the pool has none. */
    Group group(String identity) {
        return groups.stream().filter(g -> g.identity().equals(identity)).findFirst().orElse(null);
    }

    String text() {
        StringBuilder b = new StringBuilder();
        b.append("cluster ").append(reference.cluster()).append("  view ").append(reference.viewId())
                .append("  coordinator ").append(reference.coordinator()).append('\n').append('\n');
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"VIP GROUP", "HOLDER", "PREFERRED BY"});
        for (Group g : groups) {
            String holder = g.holder().isEmpty() ? "(uncovered)" : g.holder();
            rows.add(new String[] {g.identity(), holder, g.preferredBy().isEmpty() ? "-" : String.join(",", g.preferredBy())});
        }
        table(b, rows);
        b.append('\n');
        rows = new ArrayList<>();
        rows.add(new String[] {"MEMBER", "STATE", "DRAINED FOR", "HELD", "VIEW", "LAST FAILOVER"});
        for (String node : members()) {
            MemberSnapshot s = reached(node);
            if (s == null) {
                long held = groups.stream().filter(g -> g.holder().equals(node)).count();
                rows.add(new String[] {node, "(not reached)", "", Long.toString(held), "", ""});
                continue;
            }
            rows.add(new String[] {node, s.state(), s.drainReasons().isEmpty() ? "-" : String.join(",", s.drainReasons()),
                    Integer.toString(s.held().size()), s.viewId(),
                    s.lastFailoverMillis() < 0 ? "-" : s.lastFailoverMillis() + " ms (" + s.failovers() + " failovers)"});
        }
        table(b, rows);
        for (String p : problems) {
            b.append('\n').append("PROBLEM: ").append(p);
        }
        if (!problems.isEmpty()) {
            b.append('\n');
        }
        return b.toString();
    }

    String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("cluster", reference.cluster());
        root.put("viewId", reference.viewId());
        root.put("coordinator", reference.coordinator());
        List<Object> gs = new ArrayList<>();
        for (Group g : groups) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("identity", g.identity());
            m.put("holder", g.holder().isEmpty() ? null : g.holder());
            m.put("preferredBy", g.preferredBy());
            m.put("heldBy", g.heldBy());
            gs.add(m);
        }
        root.put("groups", gs);
        List<Object> ms = new ArrayList<>();
        for (String node : members()) {
            MemberSnapshot s = reached(node);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", node);
            m.put("reached", s != null);
            if (s != null) {
                m.put("state", s.state());
                m.put("drainReasons", s.drainReasons());
                m.put("viewId", s.viewId());
                m.put("held", s.held());
                m.put("failovers", s.failovers());
                m.put("lastFailoverMillis", s.lastFailoverMillis());
            }
            ms.add(m);
        }
        root.put("members", ms);
        root.put("problems", problems);
        StringBuilder b = new StringBuilder();
        Json.write(b, root);
        return b.append('\n').toString();
    }

    /** The view's members, then any reached member outside it (a stopped one). */
    private List<String> members() {
        List<String> all = new ArrayList<>(reference.members());
        for (MemberSnapshot s : reached) {
            if (!all.contains(s.node())) {
                all.add(s.node());
            }
        }
        return all;
    }

    private MemberSnapshot reached(String node) {
        return reached.stream().filter(s -> Objects.equals(s.node(), node)).findFirst().orElse(null);
    }

    private static void table(StringBuilder b, List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(r[i]);
                if (i < r.length - 1) {
                    line.append(" ".repeat(width[i] - r[i].length() + 2));
                }
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
    }
}
