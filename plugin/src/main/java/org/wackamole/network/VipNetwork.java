package org.wackamole.network;

import java.util.Collection;
import java.util.List;
import org.wackamole.config.VipAddress;
import org.wackamole.config.VipGroup;

/**
 * What holding a VIP means on the host. The cluster layer calls it from its single executor only,
 * one call at a time; implementations must not block for long (repeated announcements are
 * scheduled, not slept through).
 */
public interface VipNetwork extends AutoCloseable {

    /**
     * Adds every address of the group and announces it. Adding an address already present is not an
     * error. A {@link #prepare prepared} group is moved onto its interfaces (and no longer prepared).
     */
    void acquire(VipGroup group) throws NetworkException;

    /**
     * Removes every address of the group, prepared ones too. Removing an address already gone is not
     * an error. A network that can {@link #handOver} keeps a held group local without answering for
     * it for a while, as after a hand-over, so that requests in flight are still answered.
     */
    void release(VipGroup group) throws NetworkException;

    /**
     * Whether this host can take part in make-before-break hand-overs: {@link #prepare} a group so
     * that it accepts traffic without answering ARP or neighbour solicitations for it, and
     * {@link #handOver} a group by pointing neighbours at another host. Read once, at start, for the
     * pool; a network that cannot says why in its log.
     */
    default HandoverMode handoverMode(Collection<VipGroup> pool) {
        return HandoverMode.RELEASE_BEFORE_ACQUIRE;
    }

    /**
     * Makes the group's addresses local without answering for them (neighbours keep reaching the
     * current holder until it points them here). Only when {@link #handoverMode()} is
     * {@link HandoverMode#MAKE_BEFORE_BREAK}.
     *
     * @return the hardware address ({@code aa:bb:cc:dd:ee:ff}) neighbours should use for each address
     *         of the group, in the group's order
     */
    default List<String> prepare(VipGroup group) throws NetworkException {
        throw new NetworkException("this network cannot prepare " + group + ": it releases before acquiring");
    }

    /**
     * Points neighbours at another host for every address of the group (gratuitous ARP and
     * unsolicited neighbour advertisements naming {@code macs}, as returned by that host's
     * {@link #prepare}), then removes the addresses as {@link #release} does.
     */
    default void handOver(VipGroup group, List<String> macs) throws NetworkException {
        release(group);
    }

    /** Announces the group again, so neighbours that still point at a former holder move to us. */
    void announce(VipGroup group) throws NetworkException;

    /**
     * Removes addresses of the pool that are on the host although this process holds none of them
     * (left behind by a run that was killed). Called once before joining the cluster.
     *
     * @return the addresses removed
     */
    List<VipAddress> removeStale(Collection<VipGroup> pool) throws NetworkException;

    /**
     * Where to report interface loss and return, and addresses put back behind the cluster's back.
     * Set once, before {@link #acquire}; networks that see no such events ignore it.
     */
    default void setListener(NetworkListener listener) {
    }

    /**
     * The hardware addresses of the interfaces the pool uses ({@code aa:bb:cc:dd:ee:ff}), told to
     * peers so that they recognise this host's kernel if it keeps answering after our JVM died.
     */
    default List<String> hardwareAddresses() {
        return List.of();
    }

    /**
     * Hardware addresses of hosts that run or ran a member of this cluster, by node name: a host
     * among them that answers for a VIP we take is a stale holder (its JVM died, its kernel did not),
     * any other host is a conflict.
     */
    default void knownMembers(java.util.Map<String, String> macToNode) {
    }

    /**
     * Asks the segment, as the probe before an acquisition does, who answers for the groups' addresses
     * now, without taking them: the hardware addresses of the other hosts that answer (empty when this
     * network cannot tell, e.g. for IPv6 addresses). Waits a few milliseconds at most.
     */
    default java.util.Set<String> answering(Collection<VipGroup> groups) throws NetworkException {
        return java.util.Set.of();
    }

    @Override
    default void close() {
    }
}
