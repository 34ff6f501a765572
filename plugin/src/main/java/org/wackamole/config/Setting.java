package org.wackamole.config;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every key the configuration model understands. The names are a public contract: they are the
 * lines of {@code start.d/wackamole.ini}, the Jetty XML properties and the Tomcat attributes.
 */
public enum Setting {
    CLUSTER("wackamole.cluster", "wackamole",
            "Name of the JGroups cluster; every member of one farm uses the same name."),
    NODE("wackamole.node", null,
            "This member's name, unique in the cluster (default: the host name)."),
    INTERFACE("wackamole.interface", null,
            "Interface for pool addresses that do not name one, e.g. eth0."),
    VIPS("wackamole.vips", null,
            "The pool: comma-separated VIP groups. A group is one address [iface:]ip[/prefix], or several"
                    + " joined with '+' that always move together. The group's first address is its identity."),
    PREFER("wackamole.prefer", "",
            "Identities (first address) of the groups this member prefers, comma-separated; may be empty."),
    MATURE("wackamole.mature", "5s",
            "How long a fresh cluster waits before claiming anything, unless it sees a mature peer."),
    BALANCE_INTERVAL("wackamole.balance.interval", "4s",
            "How often the pool is rebalanced."),
    BALANCE_PER_ROUND("wackamole.balance.perRound", "all",
            "Balance moves per round: 'all' or a positive integer (gradual balancing)."),
    WEIGHT("wackamole.weight", "1",
            "This member's relative share of the pool (positive integer, at most " + WackamoleConfig.MAX_WEIGHT + ")."),
    PARTITION("wackamole.partition", "all",
            "What a partition does: 'all' (every partition keeps every VIP covered, as Wackamole) or 'quorum'"
                    + " (a partition smaller than wackamole.quorum holds nothing)."),
    QUORUM("wackamole.quorum", null,
            "Members a partition needs to hold VIPs; required with wackamole.partition=quorum."),
    NETWORK("wackamole.network", "linux",
            "'linux' holds VIPs for real (needs CAP_NET_ADMIN and CAP_NET_RAW); 'memory' is a dry run that only records,"
                    + " in a cluster of its own (wackamole.cluster + '-dry-run'); 'memory-in-farm' is a dry run that joins"
                    + " wackamole.cluster and holds nothing while real members are in it."),
    ANNOUNCE_COUNT("wackamole.announce.count", "3",
            "Gratuitous ARPs / neighbour advertisements sent after taking a VIP (the first at once)."),
    ANNOUNCE_INTERVAL("wackamole.announce.interval", "1s",
            "Time between those announcements."),
    ANNOUNCE_REFRESH("wackamole.announce.refresh", "0s",
            "Announce every held VIP again this often (0s: never)."),
    NOTIFY("wackamole.notify", "",
            "IPv4 hosts or ranges (e.g. the router, 198.51.100.1,198.51.100.0/28) sent an ARP naming each VIP taken."),
    NOTIFY_RATE("wackamole.notify.rate", "200",
            "Most notify ARPs sent per second."),
    WATCHDOG_INTERVAL("wackamole.watchdog.interval", "2s",
            "A held address someone removed is put back at once (rtnetlink notifications); this often every held address "
                    + "and pool interface is also checked, as a backstop (0s: never put back)."),
    HEALTH_URL("wackamole.health.url", null,
            "Optional HTTP URL on this server (e.g. http://127.0.0.1:8080/health): VIPs are held only while it answers 2xx."),
    HEALTH_INTERVAL("wackamole.health.interval", "2s",
            "How often the health URL is checked (each check times out after this long)."),
    HEALTH_THRESHOLD("wackamole.health.threshold", "3",
            "Failed checks in a row before this member drains; one success takes its share back."),
    JGROUPS_CONFIG("wackamole.jgroups.config", "wackamole-udp.xml",
            "JGroups stack: wackamole-udp.xml (multicast), wackamole-tcp.xml (TCPPING), or a file path."),
    JGROUPS_BIND_ADDRESS("wackamole.jgroups.bindAddress", null,
            "Address the cluster traffic binds to (default: JGroups' choice, a site-local address)."),
    JGROUPS_INITIAL_HOSTS("wackamole.jgroups.initialHosts", null,
            "For the TCP stack: the peers to contact, e.g. 198.51.100.1[7800],198.51.100.2[7800]."),
    SECURITY("wackamole.security", "required",
            "'required': cluster traffic is encrypted (SYM_ENCRYPT) and Wackamole's messages authenticated (HMAC-SHA256)"
                    + " with the farm key, and the server does not start without one; 'none': no encryption, no"
                    + " authentication, anyone on the LAN can join and take VIPs (logs a warning at every start)."),
    SECURITY_KEYSTORE("wackamole.security.keystore", null,
            "PKCS12 keystore holding the farm key (an AES secret key), the same file on every member. Create one with"
                    + " java -cp 'lib/wackamole/*' org.wackamole.security.KeyGen /etc/wackamole/farm.p12"),
    SECURITY_PASSWORD("wackamole.security.password", null,
            "Password of the keystore and its key. Prefer wackamole.security.passwordFile or the environment variable "
                    + "WACKAMOLE_SECURITY_PASSWORD: a password here is readable by whoever reads this file."),
    SECURITY_PASSWORD_FILE("wackamole.security.passwordFile", null,
            "File whose first line is the keystore password (keep it mode 0600, owned by the server's user)."),
    SECURITY_ALIAS("wackamole.security.alias", "wackamole",
            "Alias of the farm key in the keystore."),
    HOOK_ACQUIRE("wackamole.hook.acquire", null,
            "Executable run after this member acquired a VIP group, with WACKAMOLE_EVENT=acquire, WACKAMOLE_VIP,"
                    + " WACKAMOLE_GROUP, WACKAMOLE_INTERFACE, WACKAMOLE_NODE in its environment (e.g. a cloud CLI moving"
                    + " a secondary address). Never delays the acquisition."),
    HOOK_RELEASE("wackamole.hook.release", null,
            "Executable run after this member released a VIP group (WACKAMOLE_EVENT=release, same environment)."),
    HOOK_STATE("wackamole.hook.state", null,
            "Executable run after this member's state changed (WACKAMOLE_EVENT=state, WACKAMOLE_STATE, WACKAMOLE_PREVIOUS_STATE)."),
    HOOK_TIMEOUT("wackamole.hook.timeout", "10s",
            "A hook still running after this long is killed with its child processes and counted in HookTimeouts."),
    METRICS_ADDRESS("wackamole.metrics.address", null,
            "ip:port to serve Prometheus metrics on at /metrics, e.g. 127.0.0.1:9405 (default: no metrics endpoint)."),
    CLEANUP_FILE("wackamole.cleanup.file", null,
            "Absolute path of a file this member keeps while it runs: one 'ip -batch' line per address it may hold (the pool"
                    + " on its interfaces and the copies on lo), written before it touches any address and removed when it"
                    + " stops cleanly, so that 'ip -force -batch FILE' removes what a killed JVM left (the systemd unit's"
                    + " ExecStopPost; the unit sets it under RuntimeDirectory). Default: no file.");

    private final String key;
    private final String defaultValue;
    private final String description;

    Setting(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String key() {
        return key;
    }

    /** The default as it would be written in an ini file, or null when there is none. */
    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    public static Optional<Setting> forKey(String key) {
        return Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst();
    }
}
