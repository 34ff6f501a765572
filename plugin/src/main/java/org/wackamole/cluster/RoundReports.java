package org.wackamole.cluster;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jgroups.Address;
import org.wackamole.cluster.wire.WireMessage;

/**
 * Who reported what, per round of the current view: the STATEs a decision waits for, and the
 * RELEASED and PREPARED that can overtake the states we still miss (kept per round and group until
 * we decide, then read by the decision as already received, {@link RoundDecision}). Rounds before the current one are
 * forgotten as it starts; a new view forgets everything. Confined to the protocol thread.
 */
final class RoundReports {

    /** A PREPARED for one group: who said it and the hardware addresses to point neighbours at. */
    record PreparedBy(Address src, List<String> macs) {
    }

    private final Map<Integer, Map<Address, WireMessage.State>> states = new HashMap<>();
    private final Map<Integer, Map<String, Set<Address>>> releasedBy = new HashMap<>();
    private final Map<Integer, Map<String, PreparedBy>> preparedBy = new HashMap<>();

    void state(Address src, WireMessage.State s) {
        states.computeIfAbsent(s.round(), k -> new HashMap<>()).put(src, s);
    }

    /** The states of that round so far, by sender (empty when none). */
    Map<Address, WireMessage.State> states(int round) {
        return states.getOrDefault(round, Map.of());
    }

    void released(int round, String group, Address src) {
        releasedBy.computeIfAbsent(round, k -> new HashMap<>()).computeIfAbsent(group, k -> new HashSet<>()).add(src);
    }

    void prepared(int round, String group, Address src, List<String> macs) {
        preparedBy.computeIfAbsent(round, k -> new HashMap<>()).put(group, new PreparedBy(src, macs));
    }

    /** Group to the senders of its RELEASED in that round (empty when none). */
    Map<String, Set<Address>> releasedBy(int round) {
        Map<String, Set<Address>> result = new HashMap<>();
        releasedBy.getOrDefault(round, Map.of()).forEach((g, senders) -> result.put(g, Set.copyOf(senders)));
        return result;
    }

    /** Group to the sender of its latest PREPARED in that round (empty when none). */
    Map<String, Address> preparedBy(int round) {
        Map<String, Address> result = new HashMap<>();
        preparedBy.getOrDefault(round, Map.of()).forEach((g, p) -> result.put(g, p.src()));
        return result;
    }

    /** The hardware addresses of the PREPARED of {@code group} in that round (the plan hands over only groups that have one). */
    List<String> preparedMacs(int round, String group) {
        return preparedBy.get(round).get(group).macs();
    }

    /** A round starts: what earlier rounds reported can no longer be decided on. */
    void forgetBefore(int round) {
        states.keySet().removeIf(k -> k < round);
        releasedBy.keySet().removeIf(k -> k < round);
        preparedBy.keySet().removeIf(k -> k < round);
    }

    void clear() {
        states.clear();
        releasedBy.clear();
        preparedBy.clear();
    }
}
