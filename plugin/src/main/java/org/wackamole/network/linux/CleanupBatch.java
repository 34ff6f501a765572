package org.wackamole.network.linux;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.wackamole.config.ConfigException;
import org.wackamole.config.Setting;
import org.wackamole.config.VipAddress;
import org.wackamole.config.VipGroup;

/**
 * The crash clean-up as {@code ip -batch} lines: one {@code address del} per address a member of
 * this pool may hold, so that {@code ip -force -batch FILE} (the systemd unit's {@code ExecStopPost})
 * undoes a killed JVM in milliseconds, without starting one. Pure: the pool in, the lines out.
 *
 * <p>Each line names exactly what {@link LinuxNetwork} adds: the address with its own prefix on its
 * interface, and the host-prefix copy on {@code lo} that a hand-over keeps for requests in flight
 * (a run killed mid hand-over leaves it). IPv4 lines also carry the {@code IFACE:wm} label the
 * member adds them with, and the kernel deletes an IPv4 address only if prefix and label match:
 * the same address put there by someone else, unlabelled or with another prefix, stays. Addresses
 * that are not there fail one line each, which {@code -force} goes past.
 */
public final class CleanupBatch {
    private static final String LOOPBACK = "lo";

    private CleanupBatch() {
    }

    /**
     * The file's lines: a comment saying what it is, then the interfaces' addresses (those answer
     * ARP: first), then the copies on lo.
     *
     * @throws ConfigException naming {@code wackamole.cleanup.file} for an interface name {@code ip -batch} would misread
     */
    public static List<String> lines(Collection<VipGroup> pool) {
        List<String> lines = new ArrayList<>();
        lines.add("# Wackamole: every address this member may hold, written at its start and removed when it stops cleanly.");
        lines.add("# After a crash, 'ip -force -batch' on this file removes them; an address that is not there fails its line only.");
        for (VipGroup g : pool) {
            for (VipAddress a : g.addresses()) {
                lines.add(delete(a.interfaceName(), a, a.prefixLength()));
            }
        }
        for (VipGroup g : pool) {
            for (VipAddress a : g.addresses()) {
                lines.add(delete(LOOPBACK, a, a.isIpv4() ? 32 : 128));
            }
        }
        return lines;
    }

    private static String delete(String device, VipAddress a, int prefix) {
        // ip -batch splits on blanks, honours quotes and backslashes, and cuts a line at '#'.
        if (device.isEmpty() || !device.chars().allMatch(c -> c > ' ' && c < 0x7f && "#\"'\\".indexOf(c) < 0)) {
            throw new ConfigException(Setting.CLEANUP_FILE.key(), "interface name '" + device
                    + "' cannot be written to an ip batch file (blanks, quotes, backslashes or '#')");
        }
        String line = "address del " + a.addressText() + "/" + prefix + " dev " + device;
        String label = a.isIpv4() ? Rtnetlink.label(device) : null;
        return label == null ? line : line + " label " + label;
    }
}
