package org.wackamole.network.linux;

import java.util.ArrayList;
import java.util.List;
import org.wackamole.network.NetworkException;

/**
 * Tells an operator whether this process could hold VIPs: capabilities, every socket holding needs,
 * and the interfaces (present, up, with carrier).
 * {@code java -cp 'lib/wackamole/*' org.wackamole.network.linux.NetworkCheck eth0 [eth1 ...]};
 * exit 0 when it could, 2 with the reason when it could not. Changes nothing, and needs nothing but
 * {@code lib/wackamole} on the class path (no logging framework).
 */
public final class NetworkCheck {
    private NetworkCheck() {
    }

    public static void main(String[] args) {
        try {
            List<String> problems = check(args);
            if (!problems.isEmpty()) {
                System.err.println(String.join("\n", problems));
                System.exit(2);
            }
            System.out.println("ok: this process can hold VIPs" + (args.length == 0 ? "" : " on " + String.join(", ", args)));
        } catch (NetworkException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    /** What stands in the way of holding VIPs on these interfaces; empty when nothing does. */
    static List<String> check(String... interfaces) throws NetworkException {
        Capabilities.require();
        List<String> problems = new ArrayList<>();
        try (Rtnetlink netlink = new Rtnetlink(); ArpAnnouncer arp = new ArpAnnouncer();
             NeighbourAdvertiser ndisc = new NeighbourAdvertiser(); RtnetlinkEvents events = new RtnetlinkEvents(1)) {
            for (String name : interfaces) {
                try {
                    Rtnetlink.Link link = netlink.link(name);
                    if (!link.usable()) {
                        problems.add("interface " + name + " is " + link.state());
                    }
                } catch (Rtnetlink.KernelError e) {
                    problems.add(e.errno == Errno.ENODEV ? "interface " + name + " does not exist: " + LibC.describe(e.errno)
                            : e.getMessage());
                }
            }
        }
        return problems;
    }
}
