package org.wackamole.tools;

import java.util.List;
import org.wackamole.management.WackamoleMXBean;

/** One member as read once through its MXBean, so that a report is built from a consistent copy. */
record MemberSnapshot(String node, String cluster, String state, List<String> drainReasons, String viewId,
                      String coordinator, List<String> members, List<String> held, List<String> allocation,
                      List<String> preferred, long failovers, long lastFailoverMillis) {

    static MemberSnapshot read(WackamoleMXBean m) {
        return new MemberSnapshot(text(m.getNode()), text(m.getCluster()), text(m.getState()), list(m.getDrainReasons()),
                text(m.getViewId()), text(m.getCoordinator()), list(m.getMembers()), list(m.getHeldVips()),
                list(m.getAllocation()), list(m.getPreferred()), m.getFailovers(), m.getLastFailoverMillis());
    }

    // A stopped member has no view: its MXBean answers null there.
    private static String text(String s) {
        return s == null ? "" : s;
    }

    private static List<String> list(String[] a) {
        return a == null ? List.of() : java.util.Arrays.stream(a).filter(java.util.Objects::nonNull).toList();
    }
}
