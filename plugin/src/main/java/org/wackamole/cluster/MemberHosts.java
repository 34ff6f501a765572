package org.wackamole.cluster;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jgroups.Address;
import org.wackamole.cluster.wire.WireMessage;

/**
 * Which hosts are members', by the hardware addresses their states name: what the network is told
 * ({@code VipNetwork.knownMembers}) so that a host answering ARP for an address we take is told
 * apart: a stale holder if its member left or died (we take over), but not if its member is still
 * in the view and merely silent (a hung protocol thread keeps its addresses, its server may still
 * serve): then the answer refuses the acquisition, as a foreign host's does. Bounded: the least
 * recently seen addresses are forgotten first. Confined to the protocol thread.
 */
final class MemberHosts {
    private final int maxMacs;
    /** Hardware address to node, of every member seen in a state; the oldest are forgotten first. */
    private final Map<String, String> memberMacs;
    /** Hardware addresses per member of the view, to tell the network which hosts are silent members'. */
    private final Map<Address, List<String>> macsOf = new HashMap<>();

    MemberHosts(int maxMacs) {
        this.maxMacs = maxMacs;
        this.memberMacs = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > maxMacs;
            }
        };
    }

    /** Learns the hardware addresses of a state; whether that changes what the network must be told. */
    boolean learn(Address src, WireMessage.State s) {
        boolean changed = false;
        for (String mac : s.macs()) {
            changed |= !s.node().equals(memberMacs.put(mac, s.node()));
        }
        if (s.macs().size() <= maxMacs && !s.macs().equals(macsOf.put(src, s.macs()))) {
            changed = true;
        }
        return changed;
    }

    /** A new view: members that left it are no longer silent members of it (their hosts are former members'). */
    void viewChanged(Collection<Address> members) {
        macsOf.keySet().retainAll(members);
    }

    /** Hardware address to member, less the addresses of the silent members' hosts. */
    Map<String, String> known(Collection<Address> silent) {
        Map<String, String> known = new HashMap<>(memberMacs);
        for (Address a : silent) {
            macsOf.getOrDefault(a, List.of()).forEach(known::remove);
        }
        return Map.copyOf(known);
    }
}
