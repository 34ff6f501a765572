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
     */
    record Round(ViewKey view, int round, int perRound, int quorum, List<Long> resyncs) implements WireMessage {
        public Round {
            resyncs = List.copyOf(resyncs);
        }

        public Round(ViewKey view, int round, int perRound, int quorum) {
            this(view, round, perRound, quorum, List.of());
        }
    }

    /**
     * What a member holds and wants, as of the start of a round.
     *
     * @param macs the hardware addresses of the member's VIP interfaces ({@code aa:bb:cc:dd:ee:ff}):
     *             when its JVM dies and its kernel keeps answering for its VIPs, the new holders
     *             recognise a stale member rather than a foreign host
     * @param handsOver whether this member can take part in a make-before-break hand-over (its host
     *                  can make an address local without answering ARP for it, and can point
     *                  neighbours at another host's hardware address)
     */
    record State(ViewKey view, int round, String node, boolean mature, boolean eligible, int weight,
                 int poolDigest, List<String> preferred, List<String> held, List<String> declined,
                 List<String> macs, boolean handsOver) implements WireMessage {
        public State {
            preferred = List.copyOf(preferred);
            held = List.copyOf(held);
            declined = List.copyOf(declined);
            macs = List.copyOf(macs);
        }

        public State(ViewKey view, int round, String node, boolean mature, boolean eligible, int weight,
                     int poolDigest, List<String> preferred, List<String> held, List<String> declined,
                     List<String> macs) {
            this(view, round, node, mature, eligible, weight, poolDigest, preferred, held, declined, macs, false);
        }

        public State(ViewKey view, int round, String node, boolean mature, boolean eligible, int weight,
                     int poolDigest, List<String> preferred, List<String> held, List<String> declined) {
            this(view, round, node, mature, eligible, weight, poolDigest, preferred, held, declined, List.of(), false);
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
