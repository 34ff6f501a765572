package org.wackamole.network;

import org.wackamole.config.VipAddress;

/**
 * What the host's network tells the cluster layer on its own initiative. Called on the network's
 * own threads, never under the caller's locks: an implementation hands the news to its own executor
 * and returns at once. Every method defaults to doing nothing.
 */
public interface NetworkListener {
    /** Listens to nothing: the listener until one is set. */
    NetworkListener NONE = new NetworkListener() {
    };

    /**
     * An interface of the pool went away: deleted, administratively down, or without carrier. The
     * network no longer puts back addresses of the groups held on it, and {@link VipNetwork#acquire}
     * on it fails while it is missing or down (without carrier it succeeds: the address answers once
     * the carrier is back). The held groups stay held until the cluster releases them (which always
     * works: an address on a deleted interface is gone with it).
     */
    default void interfaceLost(String name) {
    }

    /**
     * The interface is usable again (possibly recreated, with a new index). Held groups whose
     * addresses all survived are watched again; those missing an address (an interface recreated, or
     * IPv6 addresses the kernel dropped on link down) are not put back by the network: the cluster
     * decides, and calls {@link VipNetwork#acquire} (which adds what is missing and announces) or
     * {@link VipNetwork#release}.
     */
    default void interfaceBack(String name) {
    }

    /** A held address was removed by someone else and the network has put it back and announced it. */
    default void addressRestored(VipAddress address) {
    }

    /**
     * Another host answers for one of our addresses.
     *
     * @param address  the pool address
     * @param mac      the other host's hardware address
     * @param member   the node that host ran when it was a member of this cluster (its JVM died, its
     *                 kernel still answers: a stale holder we take over from and out-announce), or
     *                 null for a host that is no member (a conflict: another cluster, a static address)
     * @param probing  true when seen by the probe before adding the address (a foreign answer then
     *                 made {@link VipNetwork#acquire} fail), false while we hold it (we re-announce)
     */
    default void conflict(VipAddress address, String mac, String member, boolean probing) {
    }

    /**
     * Another member's host announced one of our addresses with a gratuitous ARP: a live member took
     * it (a killed JVM's kernel answers requests but announces nothing). The network does not defend
     * the address against it; the cluster lets it go, so that one host answers for it.
     *
     * @param address the pool address
     * @param mac     the announcing host's hardware address
     * @param member  the node that host runs, as told by {@link VipNetwork#knownMembers}
     */
    default void taken(VipAddress address, String mac, String member) {
    }
}
