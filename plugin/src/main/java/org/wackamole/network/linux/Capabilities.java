package org.wackamole.network.linux;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jnr.posix.POSIXFactory;
import org.wackamole.network.NetworkException;

/** The capabilities holding VIPs needs, checked once at start so a missing one fails with advice, not EPERM later. */
public final class Capabilities {
    static final int CAP_NET_ADMIN = 12;
    static final int CAP_NET_RAW = 13;

    private Capabilities() {
    }

    /** Throws naming every missing capability and how to grant it without running as root. */
    public static void require() throws NetworkException {
        BigInteger effective = effective(Path.of("/proc/self/status"));
        List<String> missing = missing(effective);
        if (!missing.isEmpty()) {
            int uid = POSIXFactory.getPOSIX().geteuid();
            throw new NetworkException(message(missing, uid));
        }
    }

    static List<String> missing(BigInteger effective) {
        List<String> missing = new ArrayList<>();
        if (!effective.testBit(CAP_NET_ADMIN)) {
            missing.add("CAP_NET_ADMIN (to add and remove VIP addresses)");
        }
        if (!effective.testBit(CAP_NET_RAW)) {
            missing.add("CAP_NET_RAW (to send gratuitous ARP and neighbour advertisements)");
        }
        return missing;
    }

    static String message(List<String> missing, int uid) {
        return "Wackamole cannot hold VIPs: this process (uid " + uid + ") lacks " + String.join(" and ", missing)
                + ". Grant them without root through systemd (AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW"
                + " and CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW in the Jetty unit) or"
                + " setpriv --inh-caps=+net_admin,+net_raw --ambient-caps=+net_admin,+net_raw;"
                + " or set wackamole.network=memory for a dry run that touches no interface.";
    }

    static BigInteger effective(Path status) throws NetworkException {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("CapEff:")) {
                    return new BigInteger(line.substring("CapEff:".length()).trim(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new NetworkException("cannot read the process capabilities from " + status + ": " + e.getMessage(), e);
        }
        throw new NetworkException("no CapEff line in " + status);
    }
}
