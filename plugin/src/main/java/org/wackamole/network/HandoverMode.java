package org.wackamole.network;

/** How a planned move of a VIP is carried out between two live members. */
public enum HandoverMode {
    /**
     * The new holder first accepts traffic for the VIP without answering ARP for it; the old holder
     * points neighbours at the new holder's hardware address, then lets go; the new holder then
     * takes the address. No connection attempt finds nobody, and one host at a time answers ARP.
     */
    MAKE_BEFORE_BREAK,
    /**
     * The old holder lets go, the new one then takes the address: never two holders, but a
     * connection attempt in the few milliseconds between is lost (the client resends its SYN 1 s later).
     */
    RELEASE_BEFORE_ACQUIRE
}
