package org.wackamole.hooks;

import java.time.Instant;
import java.util.Objects;
import org.wackamole.config.VipGroup;

/**
 * Something that happened to one member: it acquired or released a VIP group, its state changed, or
 * another host answered for one of the pool's addresses.
 *
 * @param kind          what happened
 * @param time          when the member saw it
 * @param cluster       the cluster's name
 * @param node          this member's name
 * @param group         the VIP group acquired, released or in conflict; null for a state change
 * @param state         the member's state after a state change (JOINING, MATURING, RUNNING, PAUSED,
 *                      MINORITY, DRAINED, STOPPED), as JMX {@code State} shows it; null otherwise
 * @param previousState the state before, null for the first one and for other kinds
 * @param conflictMac   for a conflict: the hardware address of the other host
 * @param formerMember  for a conflict: the former member whose host still answers (a stale holder),
 *                      or null for a host that is no member of this cluster
 */
public record WackamoleEvent(Kind kind, Instant time, String cluster, String node, VipGroup group, String state,
                             String previousState, String conflictAddress, String conflictMac, String formerMember) {

    public enum Kind {
        ACQUIRED("acquire"), RELEASED("release"), STATE("state"), CONFLICT("conflict");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        /** The word scripts see in {@code WACKAMOLE_EVENT}. */
        public String word() {
            return word;
        }
    }

    public WackamoleEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(time, "time");
        if ((kind == Kind.STATE) == (group != null)) {
            throw new IllegalArgumentException(kind + " event " + (group == null ? "needs" : "takes no") + " group");
        }
    }

    public static WackamoleEvent acquired(String cluster, String node, VipGroup group) {
        return new WackamoleEvent(Kind.ACQUIRED, Instant.now(), cluster, node, group, null, null, null, null, null);
    }

    public static WackamoleEvent released(String cluster, String node, VipGroup group) {
        return new WackamoleEvent(Kind.RELEASED, Instant.now(), cluster, node, group, null, null, null, null, null);
    }

    public static WackamoleEvent stateChanged(String cluster, String node, String previous, String state) {
        return new WackamoleEvent(Kind.STATE, Instant.now(), cluster, node, null, state, previous, null, null, null);
    }

    public static WackamoleEvent conflict(String cluster, String node, VipGroup group, String address, String mac, String formerMember) {
        return new WackamoleEvent(Kind.CONFLICT, Instant.now(), cluster, node, group, null, null, address, mac, formerMember);
    }

    /** The group's identity (its first address, as JMX names groups); null for a state change. */
    public String identity() {
        return group == null ? null : group.identity();
    }
}
