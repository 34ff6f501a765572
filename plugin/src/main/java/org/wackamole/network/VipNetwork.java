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

    /** Adds every address of the group and announces it. Adding an address already present is not an error. */
    void acquire(VipGroup group) throws NetworkException;

    /** Removes every address of the group. Removing an address already gone is not an error. */
    void release(VipGroup group) throws NetworkException;

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

    @Override
    default void close() {
    }
}
