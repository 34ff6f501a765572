package org.wackamole.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The whole, validated configuration of one member. It is built from plain key/value settings so
 * that Jetty XML, an ini file, Tomcat attributes and tests all go through the same checks; it is
 * either built completely or not at all, so nothing ever starts half-configured.
 */
public final class WackamoleConfig {
    /** {@link #balancePerRound()} when every needed move is made in one round. */
    public static final int ALL = Integer.MAX_VALUE;
    public static final int MAX_WEIGHT = 1_000_000;
    /** Most members {@code wackamole.quorum} may ask for. */
    public static final int MAX_QUORUM = 100_000;
    /** Most groups in {@code wackamole.vips}: every state lists what its member holds, and peers refuse longer lists. */
    public static final int MAX_GROUPS = 65_536;
    /**
     * Appended to the cluster name of a dry run ({@code wackamole.network=memory}), so that it never
     * joins a real farm of that name; {@code memory-in-farm} joins the farm itself and holds nothing
     * while a real member is in the view.
     */
    public static final String DRY_RUN_SUFFIX = "-dry-run";

    private final String cluster;
    private final String node;
    private final String defaultInterface;
    private final List<VipGroup> groups;
    private final Map<String, VipGroup> groupsByIdentity;
    private final List<String> identities;
    private final Set<String> preferred;
    private final Duration mature;
    private final Duration balanceInterval;
    private final int balancePerRound;
    private final int weight;
    private final PartitionPolicy partitionPolicy;
    private final int quorum;
    private final NetworkSettings network;
    private final HealthSettings health;
    private final String jgroupsConfig;
    private final InetAddress jgroupsBindAddress;
    private final List<InetSocketAddress> jgroupsInitialHosts;
    private final SecuritySettings security;
    private final HookSettings hooks;
    private final InetSocketAddress metricsAddress;
    private final java.nio.file.Path cleanupFile;
    private final Map<String, String> settings;

    private WackamoleConfig(Parser p) {
        this.cluster = p.cluster;
        this.node = p.node;
        this.defaultInterface = p.defaultInterface;
        this.groups = List.copyOf(p.groups);
        this.groupsByIdentity = Collections.unmodifiableMap(p.byIdentity);
        this.identities = List.copyOf(p.byIdentity.keySet());
        this.preferred = Collections.unmodifiableSet(p.preferred);
        this.mature = p.mature;
        this.balanceInterval = p.balanceInterval;
        this.balancePerRound = p.perRound;
        this.weight = p.weight;
        this.partitionPolicy = p.partitionPolicy;
        this.quorum = p.quorum;
        this.network = p.network;
        this.health = p.health;
        this.jgroupsConfig = p.jgroupsConfig;
        this.jgroupsBindAddress = p.bindAddress;
        this.jgroupsInitialHosts = List.copyOf(p.initialHosts);
        this.security = p.security;
        this.hooks = p.hooks;
        this.metricsAddress = p.metricsAddress;
        this.cleanupFile = p.cleanupFile;
        this.settings = Collections.unmodifiableMap(new TreeMap<>(p.settings));
    }

    /**
     * Builds the configuration or throws a {@link ConfigException} naming the first bad key.
     *
     * @param settings    keys of {@link Setting}; keys outside {@code wackamole.} are ignored, blank values count as unset
     * @param defaultNode supplies the node name when {@code wackamole.node} is unset (usually the host name)
     */
    public static WackamoleConfig parse(Map<String, String> settings, Supplier<String> defaultNode) {
        return new WackamoleConfig(new Parser(settings, defaultNode).parse());
    }

    public String cluster() {
        return cluster;
    }

    public String node() {
        return node;
    }

    /** The interface for addresses that name none; null if unset. */
    public String defaultInterface() {
        return defaultInterface;
    }

    /** The pool in configuration order, which is also the order the allocation engine walks it. */
    public List<VipGroup> groups() {
        return groups;
    }

    public List<String> identities() {
        return identities;
    }

    public VipGroup group(String identity) {
        return groupsByIdentity.get(identity);
    }

    /** Identities of the groups this member prefers, in the order given. */
    public Set<String> preferred() {
        return preferred;
    }

    public Duration mature() {
        return mature;
    }

    public Duration balanceInterval() {
        return balanceInterval;
    }

    /** Balance moves per round, {@link #ALL} for as many as needed. */
    public int balancePerRound() {
        return balancePerRound;
    }

    public int weight() {
        return weight;
    }

    public PartitionPolicy partitionPolicy() {
        return partitionPolicy;
    }

    /** Members a partition needs to hold anything; 0 unless {@link PartitionPolicy#QUORUM}. */
    public int quorum() {
        return quorum;
    }

    /** How VIPs are held on the host: real or dry run, announcements, notify list, watchdog. */
    public NetworkSettings network() {
        return network;
    }

    /** The optional HTTP health check that gates holding VIPs. */
    public HealthSettings health() {
        return health;
    }

    /** A classpath resource or file path of the JGroups stack. */
    public String jgroupsConfig() {
        return jgroupsConfig;
    }

    /** The address the cluster traffic binds to, or null for JGroups' own choice. */
    public InetAddress jgroupsBindAddress() {
        return jgroupsBindAddress;
    }

    /** TCPPING's peers; empty unless set. */
    public List<InetSocketAddress> jgroupsInitialHosts() {
        return jgroupsInitialHosts;
    }

    /** Where the farm key is, or that there is none ({@code wackamole.security=none}). */
    public SecuritySettings security() {
        return security;
    }

    /** The executables run on acquire, release and state changes, and their timeout. */
    public HookSettings hooks() {
        return hooks;
    }

    /** Where {@code /metrics} is served, or null when it is not. */
    public InetSocketAddress metricsAddress() {
        return metricsAddress;
    }

    /** Where the crash clean-up's {@code ip -batch} file is kept (absolute), or null when none is. */
    public java.nio.file.Path cleanupFile() {
        return cleanupFile;
    }

    /** The effective settings, defaults filled in, as they would be written in an ini file; a password shows as (hidden). */
    public Map<String, String> settings() {
        return settings;
    }

    @Override
    public String toString() {
        return "WackamoleConfig" + settings;
    }

    private static final class Parser {
        private final Map<String, String> raw = new HashMap<>();
        private final Supplier<String> defaultNode;
        private final Map<String, String> settings = new LinkedHashMap<>();

        String cluster;
        String node;
        String defaultInterface;
        final List<VipGroup> groups = new ArrayList<>();
        final Map<String, VipGroup> byIdentity = new LinkedHashMap<>();
        final Set<String> preferred = new LinkedHashSet<>();
        Duration mature;
        Duration balanceInterval;
        int perRound;
        int weight;
        PartitionPolicy partitionPolicy;
        int quorum;
        String jgroupsConfig;
        NetworkSettings network;
        HealthSettings health;
        InetAddress bindAddress;
        final List<InetSocketAddress> initialHosts = new ArrayList<>();
        SecuritySettings security;
        HookSettings hooks;
        InetSocketAddress metricsAddress;
        java.nio.file.Path cleanupFile;

        Parser(Map<String, String> input, Supplier<String> defaultNode) {
            this.defaultNode = Objects.requireNonNull(defaultNode, "defaultNode");
            for (Map.Entry<String, String> e : input.entrySet()) {
                String key = e.getKey();
                if (key == null || !key.startsWith("wackamole.")) {
                    continue;
                }
                if (Setting.forKey(key).isEmpty()) {
                    throw new ConfigException(key, e.getValue(), "unknown setting" + suggestion(key));
                }
                String value = e.getValue() == null ? "" : e.getValue().trim();
                if (!value.isEmpty()) {
                    raw.put(key, value);
                }
            }
        }

        Parser parse() {
            cluster = name(Setting.CLUSTER, get(Setting.CLUSTER));
            String nodeText = raw.get(Setting.NODE.key());
            node = name(Setting.NODE, nodeText != null ? nodeText : defaultNode.get());
            record(Setting.NODE, node);
            defaultInterface = raw.get(Setting.INTERFACE.key());
            if (defaultInterface != null) {
                VipParser.checkInterfaceName(Setting.INTERFACE.key(), defaultInterface, defaultInterface);
            }
            parsePool();
            parsePreferred();
            mature = Durations.parse(Setting.MATURE.key(), get(Setting.MATURE));
            balanceInterval = Durations.parse(Setting.BALANCE_INTERVAL.key(), get(Setting.BALANCE_INTERVAL));
            if (balanceInterval.isZero()) {
                throw new ConfigException(Setting.BALANCE_INTERVAL.key(), get(Setting.BALANCE_INTERVAL), "must be positive");
            }
            String rate = get(Setting.BALANCE_PER_ROUND);
            perRound = rate.equalsIgnoreCase("all") ? ALL : positive(Setting.BALANCE_PER_ROUND, rate, Integer.MAX_VALUE - 1);
            weight = positive(Setting.WEIGHT, get(Setting.WEIGHT), MAX_WEIGHT);
            parsePartition();
            parseNetwork();
            parseHealth();
            parseJGroups();
            parseSecurity();
            parseHooks();
            parseMetrics();
            parseCleanupFile();
            return this;
        }

        private String get(Setting s) {
            String value = raw.getOrDefault(s.key(), s.defaultValue());
            record(s, value);
            return value;
        }

        private void record(Setting s, String value) {
            if (value != null) {
                settings.put(s.key(), value);
            }
        }

        private void parsePool() {
            String text = get(Setting.VIPS);
            String key = Setting.VIPS.key();
            if (text == null) {
                throw new ConfigException(key, "is required: list the VIP groups, e.g. eth0:198.51.100.10/32,eth0:198.51.100.11/32");
            }
            Map<InetAddress, Integer> groupOf = new HashMap<>();
            String[] groupTexts = text.split(",", -1);
            if (groupTexts.length > MAX_GROUPS) {
                throw new ConfigException(key, groupTexts.length + " groups", "at most " + MAX_GROUPS + " groups");
            }
            for (int index = 0; index < groupTexts.length; index++) {
                String groupText = groupTexts[index];
                groupText = groupText.trim();
                if (groupText.isEmpty()) {
                    throw new ConfigException(key, text, "empty group (stray comma?)");
                }
                List<VipAddress> addresses = new ArrayList<>();
                for (String addressText : groupText.split("\\+", -1)) {
                    addressText = addressText.trim();
                    if (addressText.isEmpty()) {
                        throw new ConfigException(key, groupText, "empty address in group (stray '+'?)");
                    }
                    VipAddress address = VipParser.parse(key, addressText, defaultInterface);
                    Integer other = groupOf.putIfAbsent(address.address(), index);
                    if (other != null) {
                        String where = other == index ? "twice in the same group"
                                : "in two groups: '" + groupTexts[other].trim() + "' and '" + groupText + "'";
                        throw new ConfigException(key, text, address.addressText() + " appears " + where);
                    }
                    addresses.add(address);
                }
                VipGroup group = new VipGroup(addresses);
                groups.add(group);
                byIdentity.put(group.identity(), group);
            }
        }

        private void parsePartition() {
            String policy = get(Setting.PARTITION);
            String quorumText = get(Setting.QUORUM);
            switch (policy.toLowerCase(java.util.Locale.ROOT)) {
                case "all" -> partitionPolicy = PartitionPolicy.ALL;
                case "quorum" -> partitionPolicy = PartitionPolicy.QUORUM;
                default -> throw new ConfigException(Setting.PARTITION.key(), policy, "must be 'all' or 'quorum'");
            }
            if (partitionPolicy == PartitionPolicy.QUORUM) {
                if (quorumText == null) {
                    throw new ConfigException(Setting.QUORUM.key(), "is required with " + Setting.PARTITION.key() + "=quorum");
                }
                quorum = positive(Setting.QUORUM, quorumText, MAX_QUORUM);
            } else if (quorumText != null) {
                throw new ConfigException(Setting.QUORUM.key(), quorumText, "is only used with " + Setting.PARTITION.key() + "=quorum");
            }
        }

        private void parseNetwork() {
            String mode = get(Setting.NETWORK);
            boolean real = switch (mode) {
                case "linux" -> true;
                case "memory", "memory-in-farm" -> false;
                default -> throw new ConfigException(Setting.NETWORK.key(), mode, "must be 'linux', 'memory' or 'memory-in-farm'");
            };
            if (mode.equals("memory")) {
                // A dry run must not join the real farm of the same name by accident (it would take a share of
                // the pool and serve none of it): it meets only other dry runs, unless it opts in.
                cluster = cluster + DRY_RUN_SUFFIX;
            }
            int count = positive(Setting.ANNOUNCE_COUNT, get(Setting.ANNOUNCE_COUNT), 100);
            Duration interval = Durations.parse(Setting.ANNOUNCE_INTERVAL.key(), get(Setting.ANNOUNCE_INTERVAL));
            if (interval.isZero() && count > 1) {
                throw new ConfigException(Setting.ANNOUNCE_INTERVAL.key(), get(Setting.ANNOUNCE_INTERVAL),
                        "must be positive when wackamole.announce.count is above 1");
            }
            Duration refresh = Durations.parse(Setting.ANNOUNCE_REFRESH.key(), get(Setting.ANNOUNCE_REFRESH));
            List<InetAddress> notify = new ArrayList<>();
            String notifyText = get(Setting.NOTIFY);
            if (!notifyText.isEmpty()) {
                for (String item : notifyText.split(",", -1)) {
                    notify.addAll(NotifyTargets.parse(Setting.NOTIFY.key(), item.trim()));
                }
            }
            int rate = positive(Setting.NOTIFY_RATE, get(Setting.NOTIFY_RATE), 100_000);
            Duration watchdog = Durations.parse(Setting.WATCHDOG_INTERVAL.key(), get(Setting.WATCHDOG_INTERVAL));
            network = new NetworkSettings(real, count, interval, refresh, notify, rate, watchdog);
        }

        private void parseHealth() {
            String url = get(Setting.HEALTH_URL);
            java.net.URI uri = null;
            if (url != null) {
                try {
                    uri = new java.net.URI(url);
                } catch (java.net.URISyntaxException e) {
                    throw new ConfigException(Setting.HEALTH_URL.key(), url, "not a URL: " + e.getReason());
                }
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw new ConfigException(Setting.HEALTH_URL.key(), url, "must be an http:// or https:// URL with a host");
                }
            }
            Duration interval = Durations.parse(Setting.HEALTH_INTERVAL.key(), get(Setting.HEALTH_INTERVAL));
            if (interval.isZero()) {
                throw new ConfigException(Setting.HEALTH_INTERVAL.key(), get(Setting.HEALTH_INTERVAL), "must be positive");
            }
            int threshold = positive(Setting.HEALTH_THRESHOLD, get(Setting.HEALTH_THRESHOLD), 1000);
            health = new HealthSettings(uri, interval, threshold);
        }

        private void parseJGroups() {
            jgroupsConfig = get(Setting.JGROUPS_CONFIG);
            String bind = get(Setting.JGROUPS_BIND_ADDRESS);
            if (bind != null) {
                bindAddress = IpLiterals.parse(bind);
                if (bindAddress == null) {
                    throw new ConfigException(Setting.JGROUPS_BIND_ADDRESS.key(), bind, "not an IP address");
                }
            }
            String hosts = get(Setting.JGROUPS_INITIAL_HOSTS);
            if (hosts != null) {
                for (String host : hosts.split(",", -1)) {
                    initialHosts.add(hostAndPort(Setting.JGROUPS_INITIAL_HOSTS.key(), host.trim()));
                }
            }
        }

        private void parseSecurity() {
            String mode = get(Setting.SECURITY);
            boolean required = switch (mode) {
                case "required" -> true;
                case "none" -> false;
                default -> throw new ConfigException(Setting.SECURITY.key(), mode, "must be 'required' or 'none'");
            };
            String keystore = get(Setting.SECURITY_KEYSTORE);
            String password = raw.get(Setting.SECURITY_PASSWORD.key());
            if (password != null) {
                settings.put(Setting.SECURITY_PASSWORD.key(), "(hidden)"); // settings() is shown in JMX and logs
            }
            String passwordFile = get(Setting.SECURITY_PASSWORD_FILE);
            if (password != null && passwordFile != null) {
                throw new ConfigException(Setting.SECURITY_PASSWORD_FILE.key(), passwordFile,
                        "set either it or " + Setting.SECURITY_PASSWORD.key() + ", not both");
            }
            String alias = get(Setting.SECURITY_ALIAS);
            security = new SecuritySettings(required, path(Setting.SECURITY_KEYSTORE, keystore), password,
                    path(Setting.SECURITY_PASSWORD_FILE, passwordFile), alias);
        }

        private void parseHooks() {
            java.nio.file.Path acquire = executable(Setting.HOOK_ACQUIRE);
            java.nio.file.Path release = executable(Setting.HOOK_RELEASE);
            java.nio.file.Path state = executable(Setting.HOOK_STATE);
            String timeoutText = get(Setting.HOOK_TIMEOUT);
            Duration timeout = Durations.parse(Setting.HOOK_TIMEOUT.key(), timeoutText);
            if (timeout.isZero()) {
                throw new ConfigException(Setting.HOOK_TIMEOUT.key(), timeoutText, "must be positive");
            }
            if (timeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new ConfigException(Setting.HOOK_TIMEOUT.key(), timeoutText, "must be at most 1h");
            }
            hooks = new HookSettings(acquire, release, state, timeout);
        }

        /**
         * A hook must be runnable when the member starts: a missing script found at the first
         * failover, with nobody watching, is the failure hooks exist to prevent.
         */
        private java.nio.file.Path executable(Setting s) {
            String text = get(s);
            java.nio.file.Path file = path(s, text);
            if (file == null) {
                return null;
            }
            if (!java.nio.file.Files.exists(file)) {
                throw new ConfigException(s.key(), text, "no such file" + (file.isAbsolute() ? "" : " (relative to "
                        + java.nio.file.Path.of("").toAbsolutePath() + "; write an absolute path)"));
            }
            if (!java.nio.file.Files.isRegularFile(file)) {
                throw new ConfigException(s.key(), text, "not a regular file");
            }
            if (!java.nio.file.Files.isExecutable(file)) {
                throw new ConfigException(s.key(), text, "not executable by this user (chmod +x, or check the owner)");
            }
            return file.toAbsolutePath();
        }

        private void parseMetrics() {
            String text = get(Setting.METRICS_ADDRESS);
            if (text != null) {
                metricsAddress = ipAndPort(Setting.METRICS_ADDRESS.key(), text);
            }
        }

        /**
         * Only the form is checked here (the file is written at start, when a failure names the key too):
         * a relative path would depend on the directory the server happens to start in, which the
         * clean-up that reads it does not share.
         */
        private void parseCleanupFile() {
            String text = get(Setting.CLEANUP_FILE);
            java.nio.file.Path file = path(Setting.CLEANUP_FILE, text);
            if (file != null && !file.isAbsolute()) {
                throw new ConfigException(Setting.CLEANUP_FILE.key(), text, "must be an absolute path (e.g. /run/wackamole/cleanup.batch)");
            }
            cleanupFile = file == null ? null : file.normalize();
        }

        /** {@code 127.0.0.1:9405} or {@code [::1]:9405}; only literals, so nothing is resolved. Port 0: any free port. */
        private static InetSocketAddress ipAndPort(String key, String text) {
            int colon = text.lastIndexOf(':');
            String host = colon < 0 ? "" : text.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.contains(":")) {
                throw new ConfigException(key, text, "write an IPv6 address in brackets, e.g. [::1]:9405");
            }
            InetAddress address = host.isEmpty() ? null : IpLiterals.parse(host);
            if (address == null) {
                throw new ConfigException(key, text, "write ip:port, e.g. 127.0.0.1:9405");
            }
            String port = text.substring(colon + 1);
            int value;
            try {
                value = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new ConfigException(key, text, "port '" + port + "' is not a number");
            }
            if (value < 0 || value > 65535) {
                throw new ConfigException(key, text, "port " + value + " out of range 0..65535");
            }
            return new InetSocketAddress(address, value);
        }

        private static java.nio.file.Path path(Setting s, String text) {
            if (text == null) {
                return null;
            }
            try {
                return java.nio.file.Path.of(text);
            } catch (java.nio.file.InvalidPathException e) {
                throw new ConfigException(s.key(), text, "not a file path: " + e.getReason());
            }
        }

        /** JGroups' own notation, {@code ip[port]}; only literals, so nothing is resolved. */
        private static InetSocketAddress hostAndPort(String key, String text) {
            int open = text.lastIndexOf('[');
            if (open <= 0 || !text.endsWith("]")) {
                throw new ConfigException(key, text, "write peers as ip[port], e.g. 198.51.100.1[7800]");
            }
            InetAddress address = IpLiterals.parse(text.substring(0, open));
            if (address == null) {
                throw new ConfigException(key, text, "not an IP address");
            }
            String port = text.substring(open + 1, text.length() - 1);
            int value;
            try {
                value = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new ConfigException(key, text, "port '" + port + "' is not a number");
            }
            if (value < 1 || value > 65535) {
                throw new ConfigException(key, text, "port " + value + " out of range 1..65535");
            }
            return new InetSocketAddress(address, value);
        }

        private void parsePreferred() {
            String text = get(Setting.PREFER);
            String key = Setting.PREFER.key();
            if (text.isEmpty()) {
                return;
            }
            for (String item : text.split(",", -1)) {
                item = item.trim();
                if (item.isEmpty()) {
                    throw new ConfigException(key, text, "empty entry (stray comma?)");
                }
                // Any spelling of the address is accepted: "198.51.100.10", "/32", with an interface, ...
                String identity = VipParser.parse(key, item, defaultInterface, false).addressText();
                if (!byIdentity.containsKey(identity)) {
                    VipGroup owner = groups.stream()
                            .filter(g -> g.addresses().stream().anyMatch(a -> a.addressText().equals(identity)))
                            .findFirst().orElse(null);
                    throw new ConfigException(key, item, owner == null
                            ? identity + " is not in " + Setting.VIPS.key()
                            : identity + " is not a group identity; prefer its group by its first address " + owner.identity());
                }
                preferred.add(identity);
            }
        }

        private static String name(Setting s, String value) {
            if (value == null || value.isEmpty()) {
                throw new ConfigException(s.key(), "must not be empty");
            }
            if (value.length() > 64) {
                throw new ConfigException(s.key(), value, "longer than 64 characters");
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == ',' || c == '=' || c == '+' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                    throw new ConfigException(s.key(), value, "must not contain '" + c + "'");
                }
            }
            return value;
        }

        private static int positive(Setting s, String text, int max) {
            long value;
            try {
                value = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new ConfigException(s.key(), text, "not a whole number");
            }
            if (value < 1) {
                throw new ConfigException(s.key(), text, "must be positive");
            }
            if (value > max) {
                throw new ConfigException(s.key(), text, "must be at most " + max);
            }
            return (int) value;
        }

        private static String suggestion(String key) {
            String best = null;
            int bestDistance = Integer.MAX_VALUE;
            for (Setting s : Setting.values()) {
                int d = distance(key, s.key());
                if (d < bestDistance) {
                    bestDistance = d;
                    best = s.key();
                }
            }
            return bestDistance <= 3 ? " (did you mean " + best + "?)" : "";
        }

        private static int distance(String a, String b) {
            int[] prev = new int[b.length() + 1];
            int[] cur = new int[b.length() + 1];
            for (int j = 0; j <= b.length(); j++) {
                prev[j] = j;
            }
            for (int i = 1; i <= a.length(); i++) {
                cur[0] = i;
                for (int j = 1; j <= b.length(); j++) {
                    int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                    cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                }
                int[] t = prev;
                prev = cur;
                cur = t;
            }
            return prev[b.length()];
        }
    }
}
