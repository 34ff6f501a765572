package org.wackamole.network.linux;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.wackamole.config.IniSettings;
import org.wackamole.config.NetworkSettings;
import org.wackamole.config.VipAddress;
import org.wackamole.config.WackamoleConfig;

/**
 * Removes every pool address from this host: for systemd's {@code ExecStopPost}, so that a Jetty
 * killed with SIGKILL (which runs no shutdown hook) leaves no VIP behind to answer ARP.
 * {@code java -cp 'lib/wackamole/*' org.wackamole.network.linux.Cleanup $JETTY_BASE/start.d/wackamole.ini}
 */
public final class Cleanup {
    private Cleanup() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: Cleanup <wackamole.ini>");
            System.exit(64);
        }
        try {
            List<VipAddress> removed = run(Path.of(args[0]));
            System.out.println(removed.isEmpty() ? "no VIP of the pool was on this host" : "removed " + removed);
        } catch (Exception e) {
            System.err.println("cleanup failed: " + e.getMessage());
            System.exit(2);
        }
    }

    static List<VipAddress> run(Path ini) throws Exception {
        WackamoleConfig config = WackamoleConfig.parse(IniSettings.parse(Files.readString(ini)), () -> "cleanup");
        try (LinuxNetwork network = LinuxNetwork.open(NetworkSettings.oneShot())) {
            return network.removeStale(config.groups());
        }
    }
}
