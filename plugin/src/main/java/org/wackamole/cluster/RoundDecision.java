package org.wackamole.cluster;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jgroups.Address;
import org.wackamole.allocation.Allocation;
import org.wackamole.allocation.Allocator;
import org.wackamole.cluster.wire.WireMessage;
import org.wackamole.config.PartitionPolicy;
import org.wackamole.config.WackamoleConfig;

/**
 * A decided round as one member reads it, from the round alone: the engine's input ({@link RoundInput})
 * built from the states of the round's speaking members and what its ROUND says the silent ones may
 * hold, the engine's decision, and this member's part of it ({@link RoundPlan}). Pure, so that it
 * reads and is tested as a table ({@code decisions.txt}); the member applies it and keeps what it
 * needs of it (the names, to read who sent a RELEASED; the others' claims, to confirm a leave).
 *
 * @param input        the engine's input, with the round's names and who may hold
 * @param allocation   the engine's decision
 * @param me           this member's name in the round
 * @param eligible     whether this member may hold VIPs in the round
 * @param othersClaims what the other members of the round (the silent ones included) said, or are
 *                     said, to hold
 * @param plan         what this member releases, acquires, waits for and announces
 */
record RoundDecision(RoundInput input, Allocation allocation, String me, boolean eligible,
                     Map<String, Set<String>> othersClaims, RoundPlan plan) {

    /**
     * The member's own settings that shape a round. They are part of the configuration digest, so
     * every member that may hold VIPs has the same ones, whoever coordinates.
     *
     * @param quorum   members a round needs to be quorate; 0 when the partition policy is not {@code quorum}
     * @param perRound balance moves per round ({@link WackamoleConfig#ALL} or 0: all)
     * @param pool     the pool's identities, in configuration order
     */
    record Settings(int quorum, int perRound, List<String> pool) {
        Settings {
            pool = List.copyOf(pool);
        }

        static Settings of(WackamoleConfig config) {
            return new Settings(config.partitionPolicy() == PartitionPolicy.QUORUM ? config.quorum() : 0,
                    config.balancePerRound(), config.identities());
        }
    }

    /**
     * @param self     this member (one of {@code states}: a member named silent does not decide)
     * @param view     the view's members, in view order
     * @param states   the states of the round's speaking members, in view order
     * @param round    the ROUND being decided (its silent members and what they may hold)
     * @param held     what this member holds now
     * @param merge    whether the view is a merge
     * @param released groups whose RELEASED has already arrived this round, with who sent it
     * @param prepared groups whose PREPARED has already arrived this round, with who sent the latest
     */
    static RoundDecision of(Address self, List<Address> view, Map<Address, WireMessage.State> states, WireMessage.Round round,
                            Settings settings, Collection<String> held, boolean merge,
                            Map<String, ? extends Collection<Address>> released, Map<String, Address> prepared) {
        Set<String> pool = new HashSet<>(settings.pool());
        Map<Address, Set<String>> silentHeld = MayHold.ofRound(view, SilentMembers.ofRanks(view, round.silent()),
                round.silentHeld(), pool::contains);
        RoundInput input = RoundInput.of(List.copyOf(states.keySet()), states, silentHeld, settings.quorum(),
                settings.perRound(), settings.pool());
        Allocation allocation = Allocator.allocate(input.request());
        Map<Address, String> names = input.names();
        String me = names.get(self);

        // The speaking members' states and what the round says its silent members may hold: a group one of
        // them may hold moves off it only on its RELEASED.
        Map<String, Set<String>> claims = new LinkedHashMap<>(input.request().claims());
        Map<String, Set<String>> othersClaims = new HashMap<>(claims);
        othersClaims.remove(me);
        Set<String> handsOver = new HashSet<>();
        states.forEach((a, st) -> {
            if (st.handsOver()) {
                handsOver.add(names.get(a));
            }
        });
        RoundPlan plan = RoundPlan.of(me, new LinkedHashSet<>(held), allocation.groupsOf(me), allocation.owners(), claims,
                byName(released, names), merge, handsOver, byName(latest(prepared), names));
        return new RoundDecision(input, allocation, me, input.eligible(self),
                java.util.Collections.unmodifiableMap(othersClaims), plan);
    }

    /** The round's names of the members, by address. */
    Map<Address, String> names() {
        return input.names();
    }

    /** What the decision gives this member, in the engine's order. */
    Set<String> mine() {
        return allocation.groupsOf(me);
    }

    /** Group to the names (in the round) of the members that reported it; senders the round does not name are left out. */
    private static Map<String, Set<String>> byName(Map<String, ? extends Collection<Address>> bySender, Map<Address, String> names) {
        Map<String, Set<String>> result = new HashMap<>();
        bySender.forEach((g, senders) -> senders.forEach(a -> {
            String who = names.get(a);
            if (who != null) {
                result.computeIfAbsent(g, k -> new HashSet<>()).add(who);
            }
        }));
        return result;
    }

    private static Map<String, Set<Address>> latest(Map<String, Address> bySender) {
        Map<String, Set<Address>> senders = new HashMap<>();
        bySender.forEach((g, a) -> senders.put(g, Set.of(a)));
        return senders;
    }
}
