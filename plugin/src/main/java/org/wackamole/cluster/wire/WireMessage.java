package org.wackamole.cluster.wire;

import java.util.List;

/**
 * The protocol's messages. Every message names the view and the round it belongs to, so a message
 * of an older view or round is recognised and dropped.
 */
public sealed interface WireMessage {
    ViewKey view();

    int round();

    /**
     * From the coordinator: a new round starts; everyone answers with a {@link State}.
     *
     * @param resyncs the {@link RoundRequest#resync() resync tokens} of the requests this round answers:
     *                a member that asked with one knows this round started after it asked
     * @param silent  ranks in the view of the members this round goes without (they sent no state when
     *                asked, see {@code SilentMembers}): they hold nothing in it, and the sender is the
     *                first member of the view not among them
     * @param silentHeld what the sender last knew the silent members to hold, as {@code rank:identity}:
     *                   their groups move off them only once they say RELEASED (a silent member may be
     *                   merely slow, its addresses still up)
     */
    record Round(ViewKey view, int round, int perRound, int quorum, List<Long> resyncs, List<Integer> silent,
                 List<String> silentHeld) implements WireMessage {
        public Round {
            resyncs = List.copyOf(resyncs);
            silent = List.copyOf(silent);
            silentHeld = List.copyOf(silentHeld);
        }

        public Round(ViewKey view, int round, int perRound, int quorum, List<Long> resyncs) {
            this(view, round, perRound, quorum, resyncs, List.of(), List.of());
        }

        public Round(ViewKey view, int round, int perRound, int quorum) {
            this(view, round, perRound, quorum, List.of());
        }
    }

    /**
     * What a member holds and wants, as of the start of a round.
     *
     * @param configDigest digest of the settings that must agree across the farm ({@code ConfigDigest})
     * @param macs the hardware addresses of the member's VIP interfaces ({@code aa:bb:cc:dd:ee:ff}):
     *             when its JVM dies and its kernel keeps answering for its VIPs, the new holders
     *             recognise a stale member rather than a foreign host
     * @param handsOver whether this member can take part in a make-before-break hand-over (its host
     *                  can make an address local without answering ARP for it, and can point
     *                  neighbours at another host's hardware address)
     * @param starter the rank in the view of the member whose ROUND this state answers: a round is
     *                decided only on states answering the same ROUND
     * @param dryRun  whether the member only records (wackamole.network=memory...)
     * @param settings the summary behind the digest, as {@code key=value} entries, for reports
     */
    record State(ViewKey view, int round, String node, boolean mature, boolean eligible, int weight,
                 int configDigest, List<String> preferred, List<String> held, List<String> declined,
                 List<String> macs, boolean handsOver, int starter, boolean dryRun, List<String> settings) implements WireMessage {
        public State {
            preferred = List.copyOf(preferred);
            held = List.copyOf(held);
            declined = List.copyOf(declined);
            macs = List.copyOf(macs);
            settings = List.copyOf(settings);
        }

        public State(ViewKey view, int round, String node, boolean mature, boolean eligible, int weight,
                     int configDigest, List<String> preferred, List<String> held, List<String> declined,
                     List<String> macs, boolean handsOver) {
            this(view, round, node, mature, eligible, weight, configDigest, preferred, held, declined, macs, handsOver, 0, false, List.of());
        }

        public State(ViewKey view, int round, String node, boolean mature, boolean eligible, int weight,
                     int configDigest, List<String> preferred, List<String> held, List<String> declined,
                     List<String> macs) {
            this(view, round, node, mature, eligible, weight, configDigest, preferred, held, declined, macs, false);
        }

        public State(ViewKey view, int round, String node, boolean mature, boolean eligible, int weight,
                     int configDigest, List<String> preferred, List<String> held, List<String> declined) {
            this(view, round, node, mature, eligible, weight, configDigest, preferred, held, declined, List.of(), false);
        }

        /** The digest under its former name (wire version 2 called it the pool digest). */
        public int poolDigest() {
            return configDigest;
        }
    }

    /** A member has released these groups as the round's decision asked: their new owners may acquire. */
    record Released(ViewKey view, int round, List<String> groups) implements WireMessage {
        public Released {
            groups = List.copyOf(groups);
        }
    }

    /**
     * The new owner of these groups has made them local without answering for them: their holder may
     * point neighbours at it and release.
     *
     * @param macs the hardware address to announce for each address of each group, groups in order and
     *             each group's addresses in configuration order
     */
    record Prepared(ViewKey view, int round, List<String> groups, List<String> macs) implements WireMessage {
        public Prepared {
            groups = List.copyOf(groups);
            macs = List.copyOf(macs);
        }
    }

    /**
     * To the coordinator: please start a round (maturity reached, drain, resume, rebalance).
     *
     * @param resync 0, or a token the next round names in {@link Round#resyncs()} (a member that was
     *               paused trusts only rounds started after it asked)
     */
    record RoundRequest(ViewKey view, int round, String reason, long resync) implements WireMessage {
        public RoundRequest(ViewKey view, int round, String reason) {
            this(view, round, reason, 0);
        }
    }
}
