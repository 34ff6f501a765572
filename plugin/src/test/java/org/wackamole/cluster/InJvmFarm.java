package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.DROP;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.SERIALIZE;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.stack.Protocol;
import org.jgroups.protocols.SHARED_LOOPBACK;
import org.jgroups.protocols.PING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import java.util.Optional;
import javax.crypto.SecretKey;
import org.wackamole.config.WackamoleConfig;
import org.wackamole.security.FarmKey;
import org.wackamole.security.TestKeys;
import org.wackamole.network.InMemoryNetwork;
import org.wackamole.network.NetworkLog;

/**
 * Many members in one JVM over JGroups' SHARED_LOOPBACK, each with a recording network, and DISCARD
 * in every stack to cut partitions. Real JGroups: real views, real failure detection, real merges.
 *
 * <p>Each name is a host with one process at a time. Faults are those of a real farm: {@link #kill}
 * (kill -9: the process dies, the host keeps its addresses and answers for them), {@link #killHost}
 * (host death: link cut, then the process dies; its addresses answer nobody), {@link #partition} and
 * {@link #heal}. The farm is the fault injector, so it records the connected segments in the log
 * ({@link NetworkLog.Kind#SEGMENTS}); {@link InvariantChecker} judges from those and the addresses,
 * never from members' views.
 *
 * <p>After a kill the addresses stay until the next process on the host removes them at start, or
 * until the clean-up the README's systemd unit runs ({@code ExecStopPost}, the documented remedy)
 * removes them: modelled here as {@link InMemoryNetwork#cleanUp} {@link #cleanupAfterKill} after the
 * kill (1 s by default, about what a JVM needs to start and run it; null: no clean-up). As under
 * systemd, a restart waits for that clean-up: it runs before the new process starts.
 */
final class InJvmFarm implements AutoCloseable {
    private static final AtomicInteger FARMS = new AtomicInteger();
    private static final ScheduledExecutorService CLEANUPS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "farm-cleanup");
        t.setDaemon(true);
        return t;
    });

    /** Delay of the systemd clean-up after a kill; null: none (addresses stay until the next start). */
    volatile Duration cleanupAfterKill = Duration.ofSeconds(1);

    final NetworkLog log = new NetworkLog();
    /** Which hosts are set up for make-before-break hand-overs (decided when a host first starts). */
    volatile java.util.function.Predicate<String> handsOver = name -> false;
    /** Runs on a member's protocol thread right after its network prepared a group (to inject a death there). */
    volatile java.util.function.BiConsumer<String, String> afterPrepare = (name, group) -> {
    };
    final String cluster = "farm-" + FARMS.incrementAndGet() + "-" + ProcessHandle.current().pid();
    final List<String> pool;
    private final Map<String, String> common = new HashMap<>();
    final Map<String, Node> nodes = new LinkedHashMap<>();
    /** Names in the view that are no Wackamole member of the farm (bare channels): settled views may show them. */
    final Set<String> bystanders = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<JChannel> bareChannels = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A second DISCARD in one stack: JGroups refuses two protocols of one class id, and a subclass has an id of its own. */
    static final class SplitDiscard extends DISCARD {
    }

    static final class Node {
        final String name;
        final ClusterMember member;
        final InMemoryNetwork network;
        final DISCARD discard;
        /** Above discovery: cuts members apart while discovery still answers ({@link #split}). */
        final SplitDiscard split;
        final DROP drop;
        /** At the top of the stack: the member's own messages held back, then sent late ({@link Hold}). */
        final Hold hold;
        final WackamoleConfig config;
        volatile boolean alive = true;
        /** The pending systemd clean-up after a kill, if any. */
        volatile ScheduledFuture<?> cleanup;

        Node(String name, ClusterMember member, InMemoryNetwork network, DISCARD discard, SplitDiscard split, DROP drop, Hold hold,
                WackamoleConfig config) {
            this.name = name;
            this.member = member;
            this.network = network;
            this.discard = discard;
            this.split = split;
            this.drop = drop;
            this.hold = hold;
            this.config = config;
        }

        Address address() {
            return member.channel().getAddress();
        }
    }

    InJvmFarm(int groups, Map<String, String> settings) {
        List<String> vips = new ArrayList<>();
        for (int i = 0; i < groups; i++) {
            // documentation ranges only: 198.51.100.10 and up, then 2001:db8::/32 for large pools
            vips.add(i < 240 ? "198.51.100." + (10 + i) : "2001:db8::" + Integer.toHexString(i));
        }
        pool = List.copyOf(vips);
        common.put("wackamole.cluster", cluster);
        common.put("wackamole.interface", "veth0");
        common.put("wackamole.vips", String.join(",", vips));
        common.put("wackamole.mature", "0s");
        common.put("wackamole.balance.interval", "300ms");
        common.putAll(TestKeys.farm()); // secured as a real farm is by default; wackamole.security=none in settings opts out
        common.putAll(settings);
    }

    InJvmFarm(int groups) {
        this(groups, Map.of());
    }

    /** Starts a process on host {@code name}: a new host, or the next process of one whose process is gone. */
    /** Starts the named members with the farm's settings and waits until they settle. */
    void startSettled(Duration settle, String... names) throws Exception {
        for (String n : names) {
            start(n);
        }
        awaitSettled(settle);
    }

    /** Starts the named members, the i-th preferring the pool's i-th group, and waits until they settle. */
    void startEachPreferringItsOwn(Duration settle, String... names) throws Exception {
        for (int i = 0; i < names.length; i++) {
            start(names[i], "wackamole.prefer", pool.get(i));
        }
        awaitSettled(settle);
    }

    Node start(String name, String... settings) throws Exception {
        Node previous = nodes.get(name);
        if (previous != null && previous.alive) {
            throw new IllegalStateException(name + " is running");
        }
        Map<String, String> s = new HashMap<>(common);
        for (int i = 0; i < settings.length; i += 2) {
            s.put(settings[i], settings[i + 1]);
        }
        s.putIfAbsent("wackamole.node", name); // a test may give several hosts one node name
        WackamoleConfig config = WackamoleConfig.parse(s, () -> name);
        InMemoryNetwork network;
        if (previous == null) {
            network = new InMemoryNetwork(name, log, handsOver.test(name));
        } else {
            // systemd runs ExecStopPost to its end before it restarts the service.
            ScheduledFuture<?> pending = previous.cleanup;
            if (pending != null) {
                if (pending.cancel(false)) {
                    cleanUp(previous);
                } else {
                    pending.get();
                }
            }
            network = previous.network.nextProcess();
            closeQuietly(previous); // a dead host's channel was left open until it comes back
        }
        DISCARD discard = new DISCARD();
        SplitDiscard split = new SplitDiscard();
        DROP drop = new DROP();
        Hold hold = new Hold();
        Optional<SecretKey> farmKey = FarmKey.load(config.security());
        ClusterMember member = new ClusterMember(config, new Preparing(name, network), () -> channel(discard, split, drop, hold, farmKey));
        member.addListener(new ClusterListener() {
            private String lastView;

            // For information (the failover benchmark measures from it); the checker ignores views.
            @Override
            public void statusChanged(MemberStatus status) {
                if (status.viewId() != null && !status.viewId().equals(lastView)) {
                    lastView = status.viewId();
                    log.add(name, NetworkLog.Kind.VIEW, String.join(",", status.members()));
                }
            }
        });
        Node node = new Node(name, member, network, discard, split, drop, hold, config);
        nodes.put(name, node);
        member.start();
        return node;
    }

    /** The host's network, telling {@link #afterPrepare} of each group it prepared. */
    private final class Preparing implements org.wackamole.network.VipNetwork {
        private final String name;
        private final InMemoryNetwork network;

        Preparing(String name, InMemoryNetwork network) {
            this.name = name;
            this.network = network;
        }

        @Override
        public void acquire(org.wackamole.config.VipGroup group) {
            network.acquire(group);
        }

        @Override
        public void release(org.wackamole.config.VipGroup group) {
            network.release(group);
        }

        @Override
        public void announce(org.wackamole.config.VipGroup group) {
            network.announce(group);
        }

        @Override
        public List<org.wackamole.config.VipAddress> removeStale(java.util.Collection<org.wackamole.config.VipGroup> pool) {
            return network.removeStale(pool);
        }

        @Override
        public org.wackamole.network.HandoverMode handoverMode(java.util.Collection<org.wackamole.config.VipGroup> pool) {
            return network.handoverMode(pool);
        }

        @Override
        public List<String> prepare(org.wackamole.config.VipGroup group) throws org.wackamole.network.NetworkException {
            List<String> macs = network.prepare(group);
            afterPrepare.accept(name, group.identity());
            return macs;
        }

        @Override
        public void handOver(org.wackamole.config.VipGroup group, List<String> macs) {
            network.handOver(group, macs);
        }

        @Override
        public List<String> hardwareAddresses() {
            return network.hardwareAddresses();
        }

        @Override
        public Set<String> answering(java.util.Collection<org.wackamole.config.VipGroup> groups) {
            return network.answering(groups);
        }

        @Override
        public void setListener(org.wackamole.network.NetworkListener listener) {
            network.setListener(listener);
        }
    }

    /**
     * A bare JGroups channel with the members' stack and the farm key, joined to the farm's cluster under
     * {@code name}: in the view, answering heartbeats, never sending a state (what a hung member or one of
     * another wire version looks like to the others). Closed with the farm.
     */
    JChannel joinBare(String name) throws Exception {
        JChannel ch = channel(new DISCARD(), new SplitDiscard(), new DROP(), new Hold(), FarmKey.load(WackamoleConfig.parse(common, () -> name).security()));
        ch.name(name);
        bystanders.add(name);
        bareChannels.add(ch);
        ch.connect(cluster);
        return ch;
    }

    /** Short timeouts so that a test farm detects a death in well under a second. */
    private static JChannel channel(DISCARD discard, SplitDiscard split, DROP drop, Hold hold, Optional<SecretKey> farmKey) throws Exception {
        // PING, not SHARED_LOOPBACK_PING: that one reads every member from the JVM's registry, so a partition cut
        // below it still let discovery answer across it. PING asks by message, which the partition's DISCARD drops.
        List<Protocol> protocols = new ArrayList<>(List.of(new SHARED_LOOPBACK(), discard, new PING(), split));
        if (farmKey.isPresent()) { // where the shipped stacks have them: everything above discovery is encrypted
            SYM_ENCRYPT encrypt = new SYM_ENCRYPT().symAlgorithm("AES/CBC/PKCS5Padding").symIvLength(16);
            protocols.add(encrypt.setSecretKey(farmKey.get()));
            protocols.add(new SERIALIZE());
        }
        protocols.addAll(List.of(
                new ViewReports().setMinInterval(300).setMaxInterval(600).setCheckInterval(1500),
                // As in the shipped stacks: a connect to the next ping peer happens inside the view installation.
                new FD_SOCK2().setPortRange(200).setValue("connect_timeout", 300),
                new FD_ALL3().setTimeout(600).setInterval(100),
                new VerifySuspect().setTimeout(100),
                new NAKACK2().setXmitInterval(100),
                new UNICAST3().setXmitInterval(100),
                drop, // above the reliable layers: a message dropped here is lost for good, later ones still flow
                new STABLE(),
                new GMS().setJoinTimeout(300).setViewAckCollectionTimeout(500).printLocalAddress(false),
                new FRAG4(),
                hold));
        return new JChannel(protocols);
    }

    /**
     * kill -9 with the host alive: the process stops at once and nobody is told; its addresses stay on
     * the host, answering, until the clean-up {@link #cleanupAfterKill} later or the next start.
     */
    void kill(String name) {
        Node n = nodes.get(name);
        n.alive = false;
        n.network.processKilled();
        Duration delay = cleanupAfterKill;
        if (delay != null) {
            n.cleanup = CLEANUPS.schedule(() -> cleanUp(n), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
        n.member.halt();
        n.discard.discardAll(true);
        // FD_SOCK2's socket closes as a killed process's would. A killed process sends no LEAVE: the
        // one close() sends is discarded, and without this close() would wait GMS's leave_timeout
        // (1 s) for its answer before the socket closes, delaying detection by as much.
        closeQuietly(n);
    }

    private static void closeQuietly(Node n) {
        JChannel ch = n.member.channel();
        GMS gms = ch.getProtocolStack().findProtocol(GMS.class);
        if (gms != null) {
            gms.setLeaveTimeout(1);
        }
        ch.close();
    }

    private static void cleanUp(Node n) {
        n.network.cleanUp(n.config.groups());
    }

    /**
     * Host death: its link is cut (nothing it sends or would answer arrives), its addresses answer
     * nobody, and its process dies with it. No socket closes: peers find out by FD_ALL3's timeout.
     */
    void killHost(String name) {
        Node n = nodes.get(name);
        n.alive = false;
        n.discard.discardAll(true);
        n.network.hostDied();
        n.member.halt();
        // The channel stays open (a dead host sends no FIN); close() disposes of it.
    }

    void leave(String name) {
        Node n = nodes.get(name);
        n.alive = false;
        n.member.leave();
    }

    /**
     * Cuts the farm into the given groups of names: members only hear members of their own group.
     * Recorded as the connected segments; a host named in no group (one whose process is dead, say)
     * counts as reaching every segment, the strict choice.
     */
    void partition(List<List<String>> parts) {
        log.add(null, NetworkLog.Kind.SEGMENTS, parts.stream().map(p -> String.join(",", p)).collect(Collectors.joining("|")));
        isolate(parts);
    }

    /**
     * Cuts the farm's cluster traffic into the given groups, discovery included, while the hosts stay on one
     * segment (ARP and clients cross): a link so lossy that the cluster's TCP connections and discovery stall
     * while some frames still get through. Not recorded as segments: a VIP on hosts of two groups is held twice.
     */
    void isolate(List<List<String>> parts) {
        for (List<String> part : parts) {
            for (String name : part) {
                Node n = nodes.get(name);
                n.discard.resetIgnoredMembers();
                live().stream().filter(o -> !part.contains(o.name)).forEach(o -> n.discard.addIgnoreMember(o.address()));
            }
        }
    }

    /**
     * Cuts the farm's members into the given groups above discovery: heartbeats, views and our messages
     * are lost between groups, but discovery still answers, as across a lossy link that stalls TCP, or
     * between members that starve at once. The segments stay connected: clients reach every host.
     */
    void split(List<List<String>> parts) {
        for (List<String> part : parts) {
            for (String name : part) {
                Node n = nodes.get(name);
                n.split.resetIgnoredMembers();
                for (Node other : live()) {
                    if (!part.contains(other.name)) {
                        n.split.addIgnoreMember(other.address());
                    }
                }
            }
        }
    }

    /**
     * Cuts two members apart above discovery while both still hear the others: the partial cut a lossy
     * host's TCP connections make, where each of the two excludes the other and a third sits in both views.
     */
    void cut(String one, String other) {
        nodes.get(one).split.addIgnoreMember(nodes.get(other).address());
        nodes.get(other).split.addIgnoreMember(nodes.get(one).address());
    }

    /**
     * The others stop hearing {@code name} above discovery while it still hears them: they exclude it, and
     * it, hearing their heartbeats, never suspects anyone and keeps its view (excluded unawares).
     */
    void mute(String name) {
        Node n = nodes.get(name);
        live().stream().filter(o -> o != n).forEach(o -> o.split.addIgnoreMember(n.address()));
    }

    /** {@code name} stops hearing the others above discovery while they still hear it. */
    void deafen(String name) {
        Node n = nodes.get(name);
        live().stream().filter(o -> o != n).forEach(o -> n.split.addIgnoreMember(o.address()));
    }

    void heal() {
        live().forEach(n -> n.split.resetIgnoredMembers());
        live().forEach(n -> n.discard.resetIgnoredMembers());
        log.add(null, NetworkLog.Kind.SEGMENTS, "");
    }

    List<Node> live() {
        return nodes.values().stream().filter(n -> n.alive).toList();
    }

    Map<String, Set<String>> holdings() {
        Map<String, Set<String>> h = new LinkedHashMap<>();
        live().forEach(n -> h.put(n.name, n.network.held()));
        return h;
    }

    /**
     * Waits until each given partition (all live members when none is given) agrees on its view and
     * its holdings satisfy the rules: every group once, counts balanced, preferences honoured.
     */
    void awaitSettled(Duration timeout, List<List<String>> partitions) {
        List<List<String>> parts = partitions.isEmpty()
                ? List.of(live().stream().map(n -> n.name).toList()) : partitions;
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> problems(parts).isEmpty());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("not settled after " + timeout + ": " + problems(parts) + "\nholdings " + holdings()
                    + "\nstatus " + live().stream().map(n -> {
                        MemberStatus st = n.member.status();
                        return n.name + "=" + st.state() + " view " + st.viewId() + st.members() + " round " + st.round()
                                + " dropped " + st.counters().droppedMessages() + " rounds " + st.counters().rounds();
                    }).toList(), e);
        }
    }

    void awaitSettled(Duration timeout) {
        awaitSettled(timeout, List.of());
    }

    List<String> problems(List<List<String>> parts) {
        List<String> problems = new ArrayList<>();
        for (Node n : nodes.values()) {
            Set<String> left = n.alive ? Set.of() : n.network.held();
            if (!left.isEmpty()) {
                problems.add(n.name + " is down but its host still has " + left);
            }
        }
        for (List<String> part : parts) {
            List<Node> members = part.stream().map(nodes::get).toList();
            Set<String> names = new HashSet<>(part);
            for (Node n : members) {
                MemberStatus st = n.member.status();
                Set<String> seen = new HashSet<>(st.members());
                seen.removeAll(bystanders);
                if (!seen.equals(names)) {
                    problems.add(n.name + " sees " + st.members());
                }
                if (st.state() != MemberState.RUNNING && st.state() != MemberState.DRAINED && st.state() != MemberState.MINORITY) {
                    problems.add(n.name + " is " + st.state());
                }
            }
            problems.addAll(checkPartition(members));
        }
        return problems;
    }

    /** Rules for one settled partition, computed from the recording networks only. */
    private List<String> checkPartition(List<Node> members) {
        List<String> problems = new ArrayList<>();
        List<Node> eligible = members.stream().filter(n -> n.member.status().state() == MemberState.RUNNING).toList();
        Map<String, List<String>> holders = new HashMap<>();
        for (Node n : members) {
            for (String g : n.network.held()) {
                holders.computeIfAbsent(g, k -> new ArrayList<>()).add(n.name);
            }
        }
        // A drained or minority member still holding is a move under way, not a settled farm.
        for (Node n : members) {
            if (!eligible.contains(n) && !n.network.held().isEmpty()) {
                problems.add(n.name + " is " + n.member.status().state() + " but holds " + n.network.held());
            }
        }
        for (String g : pool) {
            List<String> h = holders.getOrDefault(g, List.of());
            int expected = eligible.isEmpty() ? 0 : 1;
            if (h.size() != expected) {
                problems.add(g + " held by " + h);
            }
        }
        if (eligible.isEmpty()) {
            return problems;
        }
        // Rule 4 with equal weights: counts differ by at most one unless the larger holds only preferred groups.
        for (Node a : eligible) {
            for (Node b : eligible) {
                Set<String> ha = a.network.held();
                int ca = ha.size();
                int cb = b.network.held().size();
                boolean onlyPreferred = a.config.preferred().containsAll(ha);
                if (ca > cb + 1 && !onlyPreferred) {
                    problems.add("unbalanced: " + a.name + "=" + ca + " " + b.name + "=" + cb);
                }
            }
        }
        for (String g : pool) {
            List<Node> preferring = eligible.stream().filter(n -> n.config.preferred().contains(g)).toList();
            if (!preferring.isEmpty() && preferring.stream().noneMatch(n -> n.network.held().contains(g))) {
                problems.add(g + " not with a member preferring it " + preferring.stream().map(n -> n.name).toList());
            }
        }
        return problems;
    }

    String describe() {
        return holdings().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }

    @Override
    public void close() {
        bareChannels.forEach(JChannel::close);
        for (Node n : nodes.values()) {
            ScheduledFuture<?> pending = n.cleanup;
            if (pending != null) {
                pending.cancel(false);
            }
            if (!n.alive) {
                closeQuietly(n); // a dead host's channel was left open; idempotent otherwise
            }
            if (n.alive) {
                try {
                    n.member.leave();
                } catch (RuntimeException e) {
                    // best effort: the test already failed or passed
                }
                n.alive = false;
            }
        }
    }
}
