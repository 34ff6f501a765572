package org.wackamole.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.MergeView;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.util.NameCache;
import org.jgroups.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wackamole.allocation.Allocation;
import org.wackamole.cluster.wire.MalformedMessageException;
import org.wackamole.cluster.wire.MessageAuthenticator;
import org.wackamole.cluster.wire.ViewKey;
import org.wackamole.cluster.wire.WireCodec;
import org.wackamole.cluster.wire.WireMessage;
import org.wackamole.config.VipGroup;
import org.wackamole.config.WackamoleConfig;
import org.wackamole.config.VipAddress;
import org.wackamole.network.HandoverMode;
import org.wackamole.network.NetworkException;
import org.wackamole.network.NetworkListener;
import org.wackamole.network.VipNetwork;

/**
 * One member of a Wackamole cluster: joins the JGroups cluster and keeps its share of the pool.
 *
 * <p>The protocol runs in rounds. The coordinator of a view starts a round (on every view, and when
 * asked: maturity, drain, resume, pending balance moves); every member answers with its state (what
 * it holds, prefers, weighs, whether it is mature and eligible); once a member has the states of the
 * whole view for that round it runs the allocation engine on them. All members run it on the same
 * input and so reach the same decision without a coordinator handing it out. Each applies its part:
 * it releases at once what it must give up and says so; it acquires a group at once when no live
 * member of the round held it (its holder crashed or left), otherwise only after every holder has
 * said it released (release before acquire: never two holders in one partition).
 *
 * <p>Every message carries its view and round; older ones are dropped. A member abandons what it was
 * waiting for when a new round starts, before it reports its state, so a state once sent never
 * understates what that member holds. All of this runs on one thread per member: JGroups callbacks
 * only decode and enqueue, and the network is only touched from that thread.
 *
 * <p>This class is the channel, that loop and the dispatch of events and messages; each concern it
 * dispatches to has a class of its own, pure where it can be: {@link Admission} (which message is
 * read), {@link FutureMessages} (those of views to come), {@link RoundReports} (who reported what per
 * round), {@link RoundInput} and {@link RoundPlan} (the decision and this member's part of it),
 * {@link PlanWaits} (what the plan still waits for), {@link Holdings} (the network calls that apply
 * it), {@link SilentMembers} and {@link MayHold} (members that do not answer, and what they may
 * hold), {@link MemberHosts} (which hosts are members'), {@link UnholdableGroups} (what this host
 * cannot hold now), {@link LeaveConfirmation} (when a leaving member may go),
 * {@link NamesAndConfigReport} and {@link MemberStates} (what it shows), {@link PauseDetector},
 * {@link Rejections} and {@link DiscoveryProbe}.
 */
public final class ClusterMember implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterMember.class);
    /** A coordinator whose round has not completed by then starts another (lost member, slow member). */
    private static final long ROUND_TIMEOUT_MS = 2000;
    /** Messages of views not installed yet: at most this many, this many bytes, this long (a view that never comes). */
    static final int MAX_BUFFERED = 10_000;
    static final long MAX_BUFFERED_BYTES = 16L << 20;
    private static final long BUFFERED_TTL_NANOS = TimeUnit.SECONDS.toNanos(30);
    /**
     * States, RELEASED and PREPARED of a round this far ahead of ours are refused: the coordinator starts one round at a
     * time, so a member is at most a round or two behind; further ahead only a hostile sender goes.
     */
    static final int MAX_ROUNDS_AHEAD = 16;
    /** Decoded messages waiting for the protocol thread; a flood beyond this is refused, not queued without bound. */
    static final int MAX_QUEUED = 10_000;
    private static final int MAX_MEMBER_MACS = 4096;
    /** How long a lone member asks discovery for members it cannot join before it matures. */
    private static final long DISCOVERY_WAIT_MS = 1000;
    /** A member still waiting for a release after this long asks for a new round. */
    private static final long RELEASE_WAIT_MS = 1000;
    /**
     * How long a view that may be the smaller side of a split waits for discovery's answers before it
     * takes what the departed held: a dead member never answers, so this is added to its failover. A tie
     * (a farm of two losing one) waits the shorter time: that is a common death. Departed members that
     * outnumber the view all dying at once is rare, and a lossy link (TCP resends after 200 ms) answers late.
     */
    private static final long SPLIT_WAIT_TIE_MS = 150;
    private static final long SPLIT_WAIT_OUTNUMBERED_MS = 500;
    /** Such a view asks again after this, then twice as long each time up to {@link #SPLIT_RECHECK_MAX_MS}: a late answer, a side that died. */
    private static final long SPLIT_RECHECK_MS = 250;
    private static final long SPLIT_RECHECK_MAX_MS = 4000;
    private static final long REJOIN_GRACE_MS = 2000;
    /**
     * How long a raw suspicion stands: VERIFY_SUSPECT's check (75-100 ms in the shipped stacks) and the view
     * that follows it; a suspicion neither refuted by then nor ended by a view was refuted.
     */
    private static final long SUSPICION_MS = 500;
    /** A member that reports another view for this long is in it: views settle within GMS's 500 ms ack wait. */
    private static final long VIEW_REPORT_GRACE_MS = 600;
    /**
     * How long after being asked whether we are dead the asker's MERGE3 INFO must report our view to show it kept
     * us: longer than any shipped stack's VERIFY_SUSPECT timeout (100 ms) plus the view it would then install.
     */
    private static final long ASKED_CONFIRM_MS = 500;
    /**
     * How long a holder waits for the new owner's PREPARED before it releases anyway (the new owner
     * died, or could not prepare): the move then goes release before acquire.
     */
    private static final long PREPARE_WAIT_MS = 200;
    /** How long a leaving member waits for peers to take its groups over before it just lets go. */
    private static final long LEAVE_HANDOVER_MS = 2000;
    /** First and longest wait before a group whose acquisition failed here is tried here again. */
    private static final long RETRY_FIRST_MS = 1000;
    private static final long RETRY_MAX_MS = 30_000;
    /** Resync requests (one a second) after a pause before the member reconnects its channel. */
    private static final int RESYNC_REJOIN_CHECKS = 10;
    /**
     * How often, and how many times, a member whose cluster interface is back checks for the
     * transport's address before it reconnects: the link often comes up before its address is
     * configured again (ifup, networkd, a recreated VM NIC), and the transport cannot bind until it is.
     */
    private static final long ADDRESS_WAIT_STEP_MS = 50;
    private static final int ADDRESS_WAIT_STEPS = 600;

    private final WackamoleConfig config;
    private final VipNetwork network;
    private final ChannelFactory channels;
    private final MessageAuthenticator authenticator;
    private final List<ClusterListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService loop;
    private final ConfigDigest configDigest;
    /** This member's settings that shape every round's decision. */
    private final RoundDecision.Settings roundSettings;
    /** The configured preferences, then the groups an operator moved here ({@link #take}); replaced, never mutated. */
    private volatile List<String> preferred;
    private volatile JChannel channel;
    private volatile MemberStatus status;
    private volatile PauseDetector pauses;
    private volatile Thread ticker;
    private volatile HandoverMode handoverMode = HandoverMode.RELEASE_BEFORE_ACQUIRE;

    // Everything below is confined to the loop thread.
    private View view;
    private ViewKey viewKey;
    private long viewNanos;
    private int round;
    private int lastRoundStarted;
    /** A round we started and then refused when it came back to us, named silent meanwhile: nothing will decide it. */
    private int abandonedRound;
    private WireMessage.Round roundParams;
    private boolean decided;
    private boolean everDecided;
    private boolean roundWanted;
    /** The states, RELEASED and PREPARED of this view's rounds, kept until we decide (they can overtake each other). */
    private final RoundReports reports = new RoundReports();
    /** What this host holds and has prepared, and the network calls that change them. */
    private final Holdings holdings;
    /** Read-only views of {@link #holdings}. */
    private final Set<String> held;
    /** The current plan's waits for RELEASED and PREPARED. */
    private final PlanWaits waits = new PlanWaits();
    /** Groups made local here without answering for them, waiting for their holder's RELEASED. */
    private final Set<String> prepared;
    /** Names of the last decided round's members, to read who sent a RELEASED. */
    private Map<Address, String> roundNames = Map.of();
    private final FutureMessages future = new FutureMessages(MAX_BUFFERED, MAX_BUFFERED_BYTES, BUFFERED_TTL_NANOS);
    private Map<String, String> owners = Map.of();
    private int pendingBalance;
    private boolean mature;
    private boolean eligible = true;
    /** Groups an operator moved away from this member; kept away until {@link #takeBack()}. */
    private final Set<String> declined = new LinkedHashSet<>();
    private boolean leaving;
    /** While leaving: what it let go of; it disconnects only once a decided round shows peers holding them. */
    private final LeaveConfirmation leaveConfirmation = new LeaveConfirmation();
    private boolean stopped;
    private boolean excludedByLastDecision;
    private boolean quorate = true;
    private boolean strangersReported;
    /** Members of the view that sent no state when asked; see {@link SilentMembers}. */
    private final SilentMembers silent = new SilentMembers();
    /** The rank in the view of the sender of the round we answer (states must answer the same ROUND). */
    private int roundStarter;
    /** Who may not hold VIPs for its name or configuration, and why this member holds nothing although it asked to. */
    private final NamesAndConfigReport namesAndConfig;
    /** Which hosts are members', by their hardware addresses, to tell the network ({@link #tellKnownMembers}). */
    private final MemberHosts memberHosts = new MemberHosts(MAX_MEMBER_MACS);
    /** Members of the view we have had a valid message from in it (a silent coordinator sends none). */
    private final Set<Address> heardFrom = new HashSet<>();
    /** What each member of the view may hold, as far as we know: a superset, told to rounds for their silent members. */
    private final MayHold mayHold = new MayHold();
    /**
     * After a pause, the token of our request for a round; until a round names it, whatever we have
     * (view, queued states, releases) may be from a view the others have left, so we acquire nothing.
     * As coordinator, the tokens others asked with.
     */
    private final Resyncs resyncs = new Resyncs(new java.util.Random(), WireCodec.MAX_RESYNCS);
    /** partition=all: whether our view may be, or is, the smaller side of a split ({@link SplitWatch}). */
    private final SplitWatch<Address> split = new SplitWatch<>();
    /** Counts the split rule's checks: a discovery answer is for the check that asked, not a later one. */
    private long splitAsk;
    /**
     * Silent members of the view that discovery shows on another side of a split: they hold what that side's
     * rule gives them and let go by it, and their RELEASED goes to their own view, so a round does not wait for it.
     */
    private Set<Address> speaksElsewhere = Set.of();
    /** Members of our view whose MERGE3 INFO reports another view ({@link ViewReports}): they are not with us. */
    private final Set<Address> inOtherViews = new LinkedHashSet<>();
    /** Members of our view the failure detectors suspect, not yet verified or refuted, with when. */
    private final Map<Address, Long> suspectedAt = new HashMap<>();
    /** Whether we suspect most of our view: then we hold nothing until a view or the end of the suspicions. */
    private boolean suspectsMost;
    /**
     * Who of those that can exclude us asked whether we are dead, and when: until our view changes, or it reports
     * our view {@link #ASKED_CONFIRM_MS} later, we hold nothing.
     */
    private Address askedBy;
    private long askedAt;
    /**
     * The groups we let go of because the departed, or the others, may be taking them: a departed member's host
     * that answers ARP for one of them took it, so it is alive whatever discovery says ({@link #withTakers}).
     */
    private final Set<String> letGo = new LinkedHashSet<>();
    /** Members of our view whose last INFO reported another view, with that view and when it was first reported. */
    private final Map<Address, Map.Entry<org.jgroups.ViewId, Long>> reportedOtherView = new HashMap<>();
    /**
     * The members of the view we left to reconnect (ourselves as we were not among them): the next view
     * is judged against them by the split rule. A JOIN that goes unanswered (loss, a cut that lets our
     * requests out) ends in a view of our own, where we would otherwise claim the whole pool beside the
     * farm until MERGE3 (the TCP soak: 12-26 s of two holders after a reconnect).
     */
    private List<Address> rejoinedFrom;
    /**
     * When we last reconnected. For {@link #REJOIN_GRACE_MS} after it, discovery's silence is no sign of
     * death: on the TCP farm a rejoined member heard no answer in its first 500 ms (its connections were
     * being made again), took every VIP in a view of its own and yielded 250 ms later.
     */
    private long rejoinedNanos = System.nanoTime() - TimeUnit.HOURS.toNanos(1);
    /** The interface carrying the cluster's traffic is down or gone: silence from the departed proves nothing. */
    private boolean clusterInterfaceLost;
    /** Members whose latest state asked for no share (leaving, drained): their departure splits nothing. */
    private final Set<Address> notClaiming = new HashSet<>();
    /** Groups this host failed to acquire or whose interface is lost: declined until their retry, or until it is back. */
    private final UnholdableGroups unholdable;
    /**
     * The interface the JGroups transport is bound to, named once at connect: once that interface is
     * deleted, its address (and so the interface's name) can no longer be found from the address.
     */
    private volatile String clusterInterface;
    private CompletableFuture<Void> leaveWaiter;
    private ScheduledFuture<?> matureTimer;
    private ScheduledFuture<?> balanceTimer;
    private long failovers, lastFailoverMillis = -1, dropped, rounds, pausesSeen, conflicts;
    private String lastConflict;
    private final Rejections rejections = new Rejections(LOG, System::nanoTime);
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean publishWanted = new AtomicBoolean();

    public ClusterMember(WackamoleConfig config, VipNetwork network, ChannelFactory channels) {
        this.config = Objects.requireNonNull(config, "config");
        this.network = Objects.requireNonNull(network, "network");
        this.channels = Objects.requireNonNull(channels, "channels");
        this.authenticator = MessageAuthenticator.forConfig(config); // no farm key: refuses to start, unless security=none
        this.configDigest = ConfigDigest.of(config);
        this.roundSettings = RoundDecision.Settings.of(config);
        this.namesAndConfig = new NamesAndConfigReport(LOG, config.node());
        this.unholdable = new UnholdableGroups(config.groups(), RETRY_FIRST_MS, RETRY_MAX_MS);
        this.holdings = new Holdings(config, network, listeners, LOG);
        this.held = holdings.held();
        this.prepared = holdings.prepared();
        this.preferred = List.copyOf(config.preferred());
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wackamole-" + config.node());
            t.setDaemon(true);
            return t;
        });
        this.status = MemberStatus.initial(config.cluster(), config.node());
    }

    public void addListener(ClusterListener listener) {
        listeners.add(listener);
    }

    public WackamoleConfig config() {
        return config;
    }

    public MemberStatus status() {
        return status;
    }

    /**
     * Removes addresses of the pool left on the host by an earlier run, then joins the cluster.
     * Returns once connected; VIPs follow asynchronously, after maturity.
     */
    public void start() throws Exception {
        start(true);
    }

    /**
     * As {@link #start()}; with {@code eligible} false the member joins but claims nothing until
     * {@link #resume()} (a server adapter joins early and claims once its connectors accept).
     */
    public void start(boolean eligible) throws Exception {
        network.setListener(new NetworkListener() {
            @Override
            public void interfaceLost(String name) {
                submit(() -> onInterfaceLost(name));
            }

            @Override
            public void interfaceBack(String name) {
                submit(() -> onInterfaceBack(name));
            }

            @Override
            public void addressRestored(VipAddress address) {
                submit(holdings::restored);
            }

            @Override
            public void conflict(VipAddress address, String mac, String member, boolean probing) {
                submit(() -> onConflict(address, mac, member, probing));
            }

            @Override
            public void taken(VipAddress address, String mac, String member) {
                submit(() -> onTaken(address, mac, member));
            }
        });
        call(() -> {
            this.eligible = eligible;
            List<?> stale = network.removeStale(config.groups());
            if (!stale.isEmpty()) {
                LOG.warn("Removed {} address(es) of the pool left behind by an earlier run: {}", stale.size(), stale);
            }
            handoverMode = network.handoverMode(config.groups());
            publish();
            return null;
        });
        JChannel ch = channels.create();
        ch.name(config.node());
        ch.setReceiver(new Receiver() {
            @Override
            public void viewAccepted(View newView) {
                submit(() -> onView(newView));
            }

            @Override
            public void receive(Message msg) {
                onMessage(msg);
            }
        });
        ViewReports viewReports = ch.getProtocolStack().findProtocol(ViewReports.class);
        if (viewReports != null) {
            viewReports.listener((src, id) -> submit(() -> onViewReport(src, id)));
        }
        VerifySuspect verifySuspect = ch.getProtocolStack().findProtocol(VerifySuspect.class);
        if (verifySuspect != null) {
            verifySuspect.suspicions(suspects -> submit(() -> onSuspicion(suspects)));
            verifySuspect.askedIfDead(asker -> submit(() -> onAskedIfDead(asker)));
        }
        channel = ch;
        pauses = new PauseDetector(PauseDetector.thresholdFor(ch.getProtocolStack()), System::nanoTime);
        startTicker();
        LOG.info("Joining cluster '{}' as {} (pool of {} groups, preferring {}; a pause over {} ms makes it let go of its VIPs; "
                        + "planned moves: {})",
                config.cluster(), config.node(), config.groups().size(), preferred, pauses.thresholdMillis(), handoverMode);
        ch.connect(config.cluster());
        clusterInterface = interfaceOfBindAddress();
        submit(this::startMatureTimer);
        long interval = config.balanceInterval().toMillis();
        try {
            balanceTimer = loop.scheduleWithFixedDelay(guarded(this::balanceTick), interval, interval, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("Halted while starting: no balance timer"); // a kill -9 of the test farm during start
        }
    }

    private void startMatureTimer() {
        long matureMs = config.mature().toMillis();
        // Even without a wait (wackamole.mature=0s), a lone member first asks who else is there.
        matureTimer = schedule(() -> matureTimerFired(matureMs), matureMs);
    }

    /**
     * The mature timer of a member alone in its view: before it claims the pool, it asks discovery
     * (which runs below the encryption, in clear) whether members of its cluster answer that are not
     * in its view. If some do, it cannot join them (another farm key, another wire version) and must
     * not take their VIPs: it stays immature, says so once, and asks again each period. Members that
     * merely started at the same moment are merged by MERGE3 within seconds and then mature as usual.
     */
    private void matureTimerFired(long matureMs) {
        JChannel ch = channel;
        if (mature || stopped || ch == null || view == null || view.size() > 1) {
            becomeMature("waited " + matureMs + " ms");
            return;
        }
        DiscoveryProbe.strangers(ch, view.getMembers(), DISCOVERY_WAIT_MS, "wackamole-discovery-" + config.node(), LOG,
                strangers -> submit(() -> strangersFound(strangers, matureMs)));
    }

    /** The answer of the discovery probe before maturing: mature, or wait another period if strangers answer alone. */
    private void strangersFound(Set<String> strangers, long matureMs) {
        if (mature || stopped) {
            return;
        }
        if (strangers.isEmpty() || view == null || view.size() > 1) {
            becomeMature("waited " + matureMs + " ms");
        } else {
            if (!strangersReported) {
                strangersReported = true;
                LOG.error("Members {} of cluster '{}' answer discovery but I cannot join them (another farm key in "
                        + "wackamole.security.keystore, or another wire version): claiming nothing", strangers, config.cluster());
            }
            matureTimer = schedule(() -> matureTimerFired(matureMs), Math.max(matureMs, 1000));
        }
    }

    /** Daemon thread that only reads the clock; on a pause it wakes the protocol thread, which handles it first. */
    private void startTicker() {
        Thread t = new Thread(() -> {
            PauseDetector detector = pauses;
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(PauseDetector.TICK_MS);
                } catch (InterruptedException e) {
                    return;
                }
                if (detector.tick()) {
                    submit(() -> {
                    });
                }
            }
        }, "wackamole-pause-" + config.node());
        t.setDaemon(true);
        ticker = t;
        t.start();
    }

    /** Stops holding VIPs but stays in the cluster (health check failed, operator drain). */
    public void drain() {
        submit(() -> {
            if (eligible) {
                eligible = false;
                LOG.info("Draining: releasing my VIPs, staying in the cluster");
                requestRound("drain");
            }
        });
    }

    /** Takes a share again after {@link #drain()}. */
    public void resume() {
        submit(() -> {
            if (!eligible) {
                eligible = true;
                LOG.info("Resuming: taking my share again");
                requestRound("resume");
            }
        });
    }

    /** Accepts again the groups moved away by {@link #moveAway}, and lets go of the pins of {@link #take}. */
    public void takeBack() {
        submit(() -> {
            List<String> configured = List.copyOf(config.preferred());
            if (!declined.isEmpty() || !preferred.equals(configured)) {
                LOG.info("Accepting {} again; preferring only {} again", declined, configured);
                declined.clear();
                preferred = configured;
                requestRound("take back");
            }
        });
    }

    /**
     * Moves one group here (an operator's planned move to this member): this member prefers it
     * until {@link #takeBack()}, so the allocation hands it over from its holder like a preferred
     * group taken back (make before break where both hosts are set up for it). A holder that
     * prefers it too keeps it (a preferring holder is never displaced) unless it is moved away
     * from there ({@link #moveAway}) as well.
     *
     * @throws IllegalArgumentException when the identity is not in the pool
     */
    public void take(String identity) {
        if (config.group(identity) == null) {
            throw new IllegalArgumentException(identity + " is not a group of wackamole.vips " + config.identities());
        }
        submit(() -> {
            boolean wasDeclined = declined.remove(identity);
            if (wasDeclined || !preferred.contains(identity)) {
                List<String> more = new ArrayList<>(preferred);
                if (!more.contains(identity)) {
                    more.add(identity);
                }
                preferred = List.copyOf(more);
                LOG.info("Taking {} here on request", identity);
                requestRound("take " + identity);
            }
        });
    }

    /** The groups this member prefers now: the configured ones, then those an operator moved here. */
    public List<String> preferredNow() {
        return preferred;
    }

    /**
     * Moves one group to another member (a planned move: released here before it is acquired
     * there) and keeps it away from this member until {@link #takeBack()}. If no other member can
     * take it, it stays.
     *
     * @throws IllegalArgumentException when the identity is not in the pool
     */
    public void moveAway(String identity) {
        if (config.group(identity) == null) {
            throw new IllegalArgumentException(identity + " is not a group of wackamole.vips " + config.identities());
        }
        submit(() -> {
            if (declined.add(identity)) {
                LOG.info("Moving {} away on request", identity);
                requestRound("move " + identity + " away");
            }
        });
    }

    /** Asks for a round now rather than at the next balance interval. */
    public void rebalance() {
        submit(() -> requestRound("rebalance requested"));
    }

    /**
     * Graceful leave. The member first drains: a round hands its groups to peers as planned moves
     * (it releases, they acquire on its word, one message later) while it is still in the view, so
     * nobody waits for the view change. Then it releases whatever is left and disconnects. Idempotent.
     */
    public void leave() {
        JChannel ch = channel;
        CompletableFuture<Void> handedOver = new CompletableFuture<>();
        submit(() -> {
            leaveWaiter = handedOver;
            if (!stopped && view != null && !leaving) {
                leaving = true;
                LOG.info("Leaving: handing {} VIP group(s) over to peers", held.size());
                requestRound("leaving");
            }
            checkHandedOver();
        });
        try {
            handedOver.get(LEAVE_HANDOVER_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("Peers did not take over within {} ms; releasing anyway", LEAVE_HANDOVER_MS);
        } catch (Exception e) {
            LOG.debug("Hand-over interrupted: {}", e.toString());
        }
        try {
            call(() -> {
                if (!stopped) {
                    leaving = true;
                    releaseAll("leaving");
                }
                return null;
            });
        } catch (Exception e) {
            LOG.warn("Could not release VIPs before leaving: {}", e.toString());
        }
        if (ch != null) {
            ch.close();
        }
        shutdownLoop();
    }

    @Override
    public void close() {
        leave();
    }

    /** For tests that simulate a crash: the channel, to shut it down without leaving. */
    JChannel channel() {
        return channel;
    }

    /** For tests: returns once every step queued on the protocol thread before this call has run. */
    void awaitQueued() throws Exception {
        call(() -> null);
    }

    /** For tests: reconnect as after an interface loss or an unconfirmed pause. */
    void rejoin(String why) {
        submit(() -> reconnect(why));
    }

    /** For tests that simulate a crash: stop the protocol thread without releasing anything. */
    void halt() {
        shutdownLoop();
    }

    private void shutdownLoop() {
        try {
            call(() -> {
                stopped = true;
                cancelTimers();
                publish();
                return null;
            });
        } catch (Exception e) {
            // the loop is already gone
        }
        loop.shutdownNow();
        Thread t = ticker;
        if (t != null) {
            t.interrupt();
        }
    }

    // ---------------------------------------------------------------- JGroups side (any thread)

    /**
     * Authenticates and decodes on JGroups' thread; what fails is counted and logged here without reaching the protocol
     * thread, so that a flood of junk costs no queue space.
     */
    private void onMessage(Message msg) {
        Address src = msg.getSrc();
        byte[] body;
        try {
            // We send only BytesMessages; any other kind (or none) carries nothing we wrote, and fails below.
            body = msg.hasArray()
                    ? authenticator.open(src, msg.getArray(), msg.getOffset(), msg.getLength())
                    : authenticator.open(src, new byte[0], 0, 0);
        } catch (RuntimeException e) {
            body = null;
        }
        if (body == null) {
            reject(src, "fails authentication (not written with this farm's key, or altered)");
            return;
        }
        WireMessage decoded;
        try {
            decoded = WireCodec.decode(body, 0, body.length);
        } catch (MalformedMessageException e) {
            reject(src, "malformed: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            reject(src, "undecodable: " + e);
            return;
        }
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            reject(src, "more than " + MAX_QUEUED + " messages wait for the protocol thread");
            return;
        }
        int size = body.length;
        submit(() -> {
            queued.decrementAndGet();
            dispatch(src, decoded, size);
        });
    }

    /** Counts and logs (rate-limited) a refused message; the JMX counters follow at the next publish, asked once. */
    private void reject(Address src, String why) {
        rejections.reject(src, why);
        if (publishWanted.compareAndSet(false, true)) {
            submit(() -> {
                publishWanted.set(false);
                publish();
            });
        }
    }

    private void submit(Runnable task) {
        try {
            loop.execute(guarded(task));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopped: late callbacks are ignored
        }
    }

    private ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        try {
            return loop.schedule(guarded(task), delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return null;
        }
    }

    /** Every protocol step: a pause is handled before anything that was queued during it. */
    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                PauseDetector detector = pauses;
                long paused = detector == null ? 0 : detector.takePause();
                if (paused > 0) {
                    onPause(paused, detector.thresholdMillis());
                }
                task.run();
            } catch (RuntimeException e) {
                LOG.error("Protocol step failed", e);
            }
        };
    }

    private <T> T call(java.util.concurrent.Callable<T> task) throws Exception {
        Future<T> f = loop.submit(task);
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        } catch (TimeoutException e) {
            f.cancel(true);
            throw e;
        }
    }

    // ---------------------------------------------------------------- protocol (loop thread)

    private void onView(View newView) {
        if (stopped) {
            return;
        }
        boolean merge = newView instanceof MergeView;
        List<Address> before = view != null ? view.getMembers() : rejoinedFrom;
        rejoinedFrom = null;
        view = newView;
        viewKey = keyOf(newView);
        viewNanos = System.nanoTime();
        round = 0;
        lastRoundStarted = 0;
        abandonedRound = 0;
        roundParams = null;
        decided = false;
        roundWanted = false;
        reports.clear();
        waits.clear();
        LOG.info("{} view {}: {}", merge ? "Merged" : "New", newView.getViewId(), newView.getMembers());
        resyncs.viewChanged();
        silent.viewChanged(newView.getMembers(), channel.getAddress(), merge);
        speaksElsewhere = Set.of();
        inOtherViews.clear();
        reportedOtherView.clear();
        suspectedAt.keySet().retainAll(newView.getMembers());
        askedBy = null;
        heardFrom.clear();
        memberHosts.viewChanged(newView.getMembers());
        mayHold.viewChanged(newView.getMembers());
        checkSplit(before == null ? null : before.stream().filter(a -> !notClaiming.contains(a)).toList());
        notClaiming.retainAll(newView.getMembers());
        tellKnownMembers();
        if (isCoordinator()) {
            startRound();
        } else {
            scheduleCoordinatorCheck();
        }
        if (resyncs.waiting()) {
            requestRound("resync after a pause"); // a view, even a fresh one, says nothing of what is still queued
        }
        future.takeFor(viewKey).forEach(p -> dispatch(p.src(), p.message(), p.size()));
        reannounceKept();
        judgeSuspicions();
        publish();
    }

    /**
     * The failure detectors suspect members of our view (before VERIFY_SUSPECT verifies it). A member that
     * suspects most of its view is, more likely than not, the one cut off (a lossy link stalls its connections:
     * it hears too little), and the others will take its VIPs as soon as they have excluded it: it lets go now,
     * before them, and holds nothing until a view or {@link #SUSPICION_MS} ends the suspicions. On the TCP soak
     * under loss the others took the lossy host's VIPs 0.2-1 s before it let go at its own view change.
     * A farm of two never suspects most of itself: a peer's death costs the survivor nothing.
     */
    private void onSuspicion(Collection<Address> suspects) {
        if (stopped || view == null) {
            return;
        }
        long now = System.nanoTime();
        suspects.stream().filter(a -> view.containsMember(a) && !a.equals(channel.getAddress()))
                .forEach(a -> suspectedAt.put(a, now));
        judgeSuspicions();
    }

    private void judgeSuspicions() {
        if (view == null) {
            return;
        }
        long now = System.nanoTime();
        suspectedAt.values().removeIf(t -> now - t > TimeUnit.MILLISECONDS.toNanos(SUSPICION_MS));
        boolean most = suspectedAt.size() * 2 > view.size();
        if (most && !suspectsMost) {
            suspectsMost = true;
            LOG.warn("Suspecting {} of view {} at once: holding nothing until a view or the end of the suspicions",
                    suspectedAt.keySet(), viewKey);
            letGo("suspecting most of the view");
            recheckSuspicions();
        } else if (!most && suspectsMost) {
            suspectsMost = false;
            LOG.info("No longer suspecting most of view {}: holding again", viewKey);
            requestRound("suspicions ended");
            publish();
        }
    }

    /**
     * A member that can exclude us (the coordinator; any member if we are it) asks whether we are dead: it suspects
     * us and excludes us unless our reply reaches it within its VERIFY_SUSPECT timeout. A member whose own messages
     * are lost suspects nobody and would learn of its exclusion only from the next view or INFO, a second or more
     * after the others took its VIPs (the TCP soak under 20 % loss). Letting go now costs a member falsely
     * suspected its VIPs until the asker shows it kept us; a member excluded lets go before the others take over.
     */
    private void onAskedIfDead(Address asker) {
        if (stopped || view == null || asker.equals(channel.getAddress()) || !view.containsMember(asker)
                || !isCoordinator() && !asker.equals(view.getCoord())) {
            return;
        }
        boolean first = askedBy == null;
        askedBy = asker;
        askedAt = System.nanoTime();
        if (first) {
            LOG.warn("{} asks whether I am dead: holding nothing until view {} is shown to keep me or a new view",
                    asker, view.getViewId());
            letGo("asked whether it is dead");
            publish();
        }
    }

    private void recheckSuspicions() {
        schedule(() -> {
            if (!stopped && suspectsMost) {
                judgeSuspicions();
                if (suspectsMost) {
                    recheckSuspicions();
                }
            }
        }, SUSPICION_MS + 10);
    }

    /**
     * What we keep across a view change we announce again. A member that left or joined our view may
     * have announced it in a view we did not share (each side of a partition covers every VIP; a member
     * excluded unawares held its own), and its release, sent in that view, never reaches us: a client
     * whose neighbour entry names that member's MAC would stay on it until the entry expired (the soak:
     * an IPv6 VIP unanswered for 38 s after a heal whose merge was cut short by another view change). A few
     * frames per view change; the re-announcements of a merge's winners after the losers' RELEASED stay.
     */
    private void reannounceKept() {
        List.copyOf(held).forEach(this::announce);
    }

    /**
     * partition=all. A view that lost members may be one side of a split whose members are alive (a lossy
     * link, two survivors that starved at once), each side about to take every VIP ({@link SplitWatch}).
     * If ours may be the smaller side, it takes nothing the departed held until discovery says who of them
     * answers; it keeps what it holds meanwhile (a peer's death in a farm of two costs the survivor's own
     * VIPs nothing), unless the departed outnumber it: then they may be taking its VIPs now, and it lets go
     * at once. On the smaller side it lets go and holds nothing until a view no longer leaves the
     * larger side out. While any departed member may be alive it asks again, after 250 ms, then less and
     * less often, up to every 4 s: an answer came late, or a side died. {@code before}: the members of the
     * last view that asked for a share; the side judged is the members of this view that speak in it.
     */
    private void checkSplit(List<Address> before) {
        List<Address> members = speaking();
        splitAsk++;
        List<Address> reincarnated = reincarnated(before);
        split.forget(reincarnated);
        if (before != null) {
            before = before.stream().filter(a -> !reincarnated.contains(a)).toList();
        }
        SplitWatch.ViewStep<Address> step = split.viewChanged(before, members, sharedView(),
                config.partitionPolicy() == org.wackamole.config.PartitionPolicy.ALL);
        if (step.holdsAgain()) {
            LOG.info("View {} can no longer be the smaller side of a split: holding again", viewKey);
        }
        if (step.yieldsNow()) {
            LOG.warn("{} of my last view are not in view {} or do not speak in it, and outnumber those who do: holding nothing "
                    + "until discovery says they are dead (partition=all)", step.departed(), viewKey);
            letGo("outnumbered by the departed");
        }
        if (step.departed().isEmpty()) {
            letGo.clear();
            return;
        }
        if (split.asking()) {
            LOG.info("View {} left out {} of my last view: asking discovery whether they are alive before taking their VIPs",
                    viewKey, step.departed());
        }
        askSplit(splitAsk, split.reference(), members, SPLIT_RECHECK_MS);
    }

    /** Members of the last views whose node is in this view under another address: a process since restarted. */
    private List<Address> reincarnated(List<Address> before) {
        Set<String> names = new HashSet<>();
        view.getMembers().forEach(a -> names.add(NameCache.get(a)));
        List<Address> last = new ArrayList<>(before == null ? List.of() : before);
        if (split.reference() != null) {
            last.addAll(split.reference());
        }
        return last.stream().distinct().filter(a -> !view.containsMember(a))
                .filter(a -> NameCache.get(a) != null && names.contains(NameCache.get(a))).toList();
    }

    /**
     * Members named silent, or speaking again: the split rule counts the members that speak, not the view's. A
     * view can keep a member that installed another one (a lossy host's TCP connections: two members excluded
     * each other, one made itself coordinator of a view with the third, which took it; the other's view kept the
     * third, which never answered there): alone in practice, that member holds every group unless it asks.
     */
    private void silenceChanged() {
        tellKnownMembers();
        checkSplit(view.getMembers().stream().filter(a -> !notClaiming.contains(a)).toList());
    }

    /**
     * The members of the view that speak in it and report no other view, this one always (named silent, it lets
     * go): the side the split rule judges.
     */
    private List<Address> speaking() {
        Address self = channel.getAddress();
        return view.getMembers().stream().filter(a -> a.equals(self) || !silent.isSilent(a) && !inOtherViews.contains(a)).toList();
    }

    /** The view as far as we know: its members less those that report another view. */
    private List<Address> sharedView() {
        return view.getMembers().stream().filter(a -> !inOtherViews.contains(a)).toList();
    }

    /**
     * A MERGE3 INFO: a member of our view that keeps reporting one other view, in INFOs {@link #VIEW_REPORT_GRACE_MS}
     * apart, is in a view we are not in: we were excluded unawares, or it was. (Once is not enough: a new view
     * reaches members a few milliseconds apart, hundreds over a lossy link, and its coordinator's INFO may
     * overtake it.) The split rule then counts it as departed: alone, or outnumbered by such members, this
     * member lets go until a view joins them. Reporting our view again undoes it.
     */
    private void onViewReport(Address src, org.jgroups.ViewId reported) {
        if (stopped || view == null || src.equals(channel.getAddress()) || !view.containsMember(src)) {
            return;
        }
        if (reported.equals(view.getViewId())) {
            if (src.equals(askedBy) && System.nanoTime() - askedAt >= TimeUnit.MILLISECONDS.toNanos(ASKED_CONFIRM_MS)) {
                askedBy = null;
                LOG.info("{}, who asked whether I am dead, still reports view {}: holding again", src, reported);
                requestRound("kept in the view by who asked whether it is dead");
                publish();
            }
            reportedOtherView.remove(src);
            if (inOtherViews.remove(src)) {
                LOG.info("{} reports view {} again", src, reported);
                silenceChanged();
            }
            return;
        }
        long now = System.nanoTime();
        Map.Entry<org.jgroups.ViewId, Long> first = reportedOtherView.get(src);
        if (first == null || !first.getKey().equals(reported)) {
            reportedOtherView.put(src, Map.entry(reported, now));
        } else if (now - first.getValue() >= TimeUnit.MILLISECONDS.toNanos(VIEW_REPORT_GRACE_MS) && inOtherViews.add(src)) {
            LOG.warn("{}, a member of view {}, keeps reporting view {}: it is not in our view, or we are not in its", src,
                    view.getViewId(), reported);
            silenceChanged();
        }
    }

    private void askSplit(long asked, List<Address> last, List<Address> members, long nextCheckMs) {
        List<Address> departed = last.stream().filter(a -> !members.contains(a)).toList();
        long wait = departed.size() > members.size() ? SPLIT_WAIT_OUTNUMBERED_MS : SPLIT_WAIT_TIE_MS;
        // Only fresh answers end the wait early: members that answered before may be dead now.
        List<Address> inView = sharedView();
        DiscoveryProbe.answers(channel, wait, "wackamole-split-" + config.node(), LOG,
                answers -> SplitSides.loses(last, members, SplitWatch.anotherSide(answers, departed, inView))
                        || answers.keySet().containsAll(departed),
                (answers, waited) -> submit(() -> splitAnswered(asked, members, answers, waited, nextCheckMs)));
    }

    private void splitAnswered(long asked, List<Address> members, Map<Address, Boolean> answers, boolean waited,
                               long nextCheckMs) {
        if (stopped || asked != splitAsk) {
            return; // a newer view, or a change of who speaks, asks for itself
        }
        List<Address> last = split.reference();
        answers = withTakers(answers, members);
        // A wait cut short by answers that decided says nothing of the members that had not answered yet.
        SplitWatch.Answer<Address> answer = split.answered(members, sharedView(), answers,
                waited && !clusterInterfaceLost && System.nanoTime() - rejoinedNanos > TimeUnit.MILLISECONDS.toNanos(REJOIN_GRACE_MS),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime()));
        LOG.debug("Discovery answered {}; alive as far as known: {}", answers, answer.alive());
        Set<Address> elsewhere = answer.alive().stream().filter(view::containsMember).collect(Collectors.toUnmodifiableSet());
        boolean newlyElsewhere = !speaksElsewhere.containsAll(elsewhere);
        speaksElsewhere = elsewhere;
        switch (answer.change()) {
            case YIELD -> {
                LOG.warn("{} of my last view answer discovery but are not in view {}, or do not speak in it: they are the larger side of a split "
                        + "(partition=all), so I hold nothing until a view joins us", answer.alive(), viewKey);
                letGo("the smaller side of a split");
            }
            case TAKE_OVER -> {
                LOG.info("No larger side of my last view answers discovery: taking over in view {}", viewKey);
                publish();
                requestRound("the departed members do not answer");
            }
            case NONE -> {
                if (newlyElsewhere) {
                    LOG.info("{}, silent in view {}, answer discovery from another side of a split: their VIPs are not waited for",
                            elsewhere, viewKey);
                    requestRound("silent members speak in another view");
                }
            }
        }
        if (answer.askAgain()) {
            schedule(() -> {
                if (!stopped && asked == splitAsk && split.reference() != null) {
                    askSplit(asked, last, members, Math.min(2 * nextCheckMs, SPLIT_RECHECK_MAX_MS));
                }
            }, nextCheckMs);
        }
    }

    /**
     * Discovery's answers, and the departed members whose hosts answer ARP for a group we let go of: they took it,
     * so they are alive and acting (a killed JVM's kernel answers only for what it held, never for what it did
     * not). On the TCP soak under loss a lone lossy host heard none of the others for three rounds, took every
     * VIP and held each twice; the others' hosts were answering ARP for its own VIPs all along.
     */
    private Map<Address, Boolean> withTakers(Map<Address, Boolean> answers, List<Address> members) {
        List<Address> last = split.reference();
        letGo.removeAll(held);
        if (last == null || letGo.isEmpty()) {
            return answers;
        }
        List<Address> unheard = last.stream().filter(a -> !members.contains(a) && !answers.containsKey(a)).toList();
        if (unheard.isEmpty()) {
            return answers;
        }
        Set<String> hosts;
        try {
            hosts = network.answering(letGo.stream().map(config::group).filter(Objects::nonNull).toList());
        } catch (NetworkException | RuntimeException e) {
            LOG.debug("Could not ask who answers for {}: {}", letGo, e.toString());
            return answers;
        }
        Map<String, String> nodes = memberHosts.known(List.of());
        Set<String> taking = hosts.stream().map(nodes::get).filter(Objects::nonNull).collect(Collectors.toSet());
        List<Address> takers = unheard.stream().filter(a -> taking.contains(NameCache.get(a))).toList();
        if (takers.isEmpty()) {
            return answers;
        }
        LOG.info("{} hold VIPs I let go of (their hosts answer ARP for them): alive, whatever discovery says", takers);
        Map<Address, Boolean> more = new LinkedHashMap<>(answers);
        takers.forEach(a -> more.put(a, false));
        return more;
    }

    private void dispatch(Address src, WireMessage m, int size) {
        boolean joined = !stopped && view != null;
        Admission admission = Admission.of(joined ? viewKey : null, round, joined && src != null && view.containsMember(src),
                m, MAX_ROUNDS_AHEAD);
        switch (admission.verdict()) {
            case BUFFER -> {
                future(src, m, size);
                return;
            }
            case DROP -> {
                dropped++;
                return;
            }
            case REJECT -> {
                reject(src, admission.why());
                return;
            }
            case READ -> {
            }
        }
        heardFrom.add(src);
        if (m instanceof WireMessage.Round r) {
            onRound(src, r);
        } else if (m instanceof WireMessage.State s) {
            onState(src, s);
        } else if (m instanceof WireMessage.Released r) {
            onReleased(src, r);
        } else if (m instanceof WireMessage.Prepared p) {
            onPrepared(src, p);
        } else if (m instanceof WireMessage.RoundRequest r) {
            onRoundRequest(src, r);
        }
        publish();
    }

    private void future(Address src, WireMessage m, int size) {
        long now = System.nanoTime();
        dropped += future.expire(now); // their view never came
        String full = future.offer(src, m, size, now);
        if (full != null) {
            reject(src, full);
        }
    }

    private void startRound() {
        int next = Math.max(round, lastRoundStarted) + 1;
        lastRoundStarted = next;
        roundWanted = false;
        int perRound = config.balancePerRound() == WackamoleConfig.ALL ? 0 : config.balancePerRound();
        List<Long> answered = resyncs.takeForRound();
        List<Integer> silentRanks = SilentMembers.ranks(view.getMembers(), silent.silent());
        Set<Address> awaited = silent.silent().stream().filter(a -> !speaksElsewhere.contains(a)).collect(Collectors.toSet());
        List<String> silentHeld = mayHold.silentHeld(view.getMembers(), SilentMembers.ranks(view.getMembers(), awaited));
        send(null, new WireMessage.Round(viewKey, next, perRound, config.quorum(), answered, silentRanks, silentHeld));
        ViewKey startedIn = viewKey;
        schedule(() -> goWithoutSilent(startedIn, next), SilentMembers.WAIT_MS);
        schedule(() -> {
            if (!stopped && startedIn.equals(viewKey) && isCoordinator() && (round < next || !decided) && lastRoundStarted == next) {
                LOG.warn("Round {} of view {} did not complete in {} ms; starting another", next, viewKey, ROUND_TIMEOUT_MS);
                startRound();
            }
        }, ROUND_TIMEOUT_MS);
    }

    /**
     * The coordinator's bounded wait: members that have not answered round {@code started} by now
     * are named silent, and a round without them starts (see {@link SilentMembers}).
     */
    private void goWithoutSilent(ViewKey startedIn, int started) {
        if (stopped || !startedIn.equals(viewKey) || !isCoordinator() || lastRoundStarted != started
                || (round == started && decided)) {
            return;
        }
        Map<Address, WireMessage.State> got = reports.states(started);
        List<Address> missing = SilentMembers.speaking(view.getMembers(), silent.silent()).stream()
                .filter(a -> !got.containsKey(a) || got.get(a).starter() != view.getMembers().indexOf(channel.getAddress()))
                .toList();
        if (missing.isEmpty()) {
            return;
        }
        Set<Address> added = silent.add(missing.stream().filter(a -> !a.equals(channel.getAddress())).toList());
        if (added.isEmpty()) {
            return;
        }
        LOG.warn("No state from {} within {} ms for round {} of view {}: going on without them; they hold nothing "
                + "until they answer (a hung member, another wire version, or a bare channel with the farm key)",
                added, SilentMembers.WAIT_MS, started, viewKey);
        silenceChanged();
        startRound();
    }

    /**
     * A member that has seen no valid ROUND {@link SilentMembers#WAIT_MS} after a view goes without
     * the coordinator; if that makes it the first member not silent, it starts the rounds.
     */
    private void scheduleCoordinatorCheck() {
        ViewKey in = viewKey;
        schedule(() -> {
            if (stopped || view == null || !in.equals(viewKey) || roundParams != null || isCoordinator()) {
                return;
            }
            Address coordinator = SilentMembers.coordinator(view.getMembers(), silent.silent());
            if (heardFrom.contains(coordinator)) {
                // It speaks, its ROUND went missing (JGroups notices such a gap at the sender's next message): ask.
                requestRound("no round seen in this view");
                scheduleCoordinatorCheck();
                return;
            }
            silent.add(List.of(coordinator));
            LOG.warn("No round from coordinator {} within {} ms of view {}: going on without it", coordinator,
                    SilentMembers.WAIT_MS, viewKey);
            silenceChanged();
            if (isCoordinator()) {
                startRound();
            } else {
                scheduleCoordinatorCheck();
            }
        }, SilentMembers.WAIT_MS);
    }

    private void onRound(Address src, WireMessage.Round r) {
        List<Address> members = view.getMembers();
        if (!SilentMembers.fromCoordinator(members, src, r.silent()) || r.round() <= round || lateFromSilent(src, r)) {
            dropped++;
            return;
        }
        round = r.round();
        roundParams = r;
        roundStarter = members.indexOf(src);
        decided = false;
        rounds++;
        Set<Address> silentBefore = Set.copyOf(silent.silent());
        silent.adopt(members, r.silent());
        if (!silent.silent().equals(silentBefore)) {
            silenceChanged();
        }
        if (silent.isSilent(channel.getAddress())) {
            // The others go without us and may already hold what we hold: let go first, then answer
            // (our state tells the coordinator we speak again; the next round takes us back).
            if (!held.isEmpty() || !prepared.isEmpty()) {
                LOG.warn("Round {} of view {} names me silent (I did not answer in time): releasing everything", round, viewKey);
            }
            releaseAll("named silent by round " + round);
        }

        // Whatever the previous round still waited for is abandoned before our state goes out (a
        // hand-over not begun leaves the group here, and the state says so). Prepared groups stay
        // prepared until this round's plan says whether they are still coming.
        waits.clear();
        reports.forgetBefore(round);
        send(null, new WireMessage.State(viewKey, round, config.node(), mature, eligible && !leaving,
                config.weight(), configDigest.digest(), preferred, List.copyOf(held), declinedNow(), hardwareAddresses(),
                handoverMode == HandoverMode.MAKE_BEFORE_BREAK && !resyncs.waiting(), roundStarter, !config.network().real(),
                configDigest.entries()));
        tryDecide();
        // A state can go missing here while the others complete the round (JGroups drops a message
        // from a member not yet in the receiver's view, and only notices the gap at the sender's next
        // message): then this member asks for another round rather than waiting forever.
        scheduleIncompleteCheck(viewKey, round);
    }

    /**
     * Asks for another round while round {@code started} stays undecided here, every {@link #ROUND_TIMEOUT_MS}
     * until a round or a view ends the wait: a single request can reach a member that does not take itself for
     * the coordinator (the soak saw a round wait 37 s for the next view).
     */
    private void scheduleIncompleteCheck(ViewKey startedIn, int started) {
        schedule(() -> {
            if (!stopped && startedIn.equals(viewKey) && round == started && !decided) {
                Map<Address, WireMessage.State> got = reports.states(started);
                List<Address> missing = view.getMembers().stream().filter(a -> !got.containsKey(a)).toList();
                LOG.warn("Round {} of view {} incomplete after {} ms (no state from {}); asking for another",
                        started, viewKey, ROUND_TIMEOUT_MS, missing);
                requestRound("round " + started + " incomplete");
                scheduleIncompleteCheck(startedIn, started);
            }
        }, ROUND_TIMEOUT_MS);
    }

    /**
     * A ROUND sent before its sender learnt it was named silent, arriving late (its connection stalled): it names
     * silent the members that never saw the round they were to answer. Followed, it would make them let go of
     * everything (the healthy side uncovered) and its sender decide alone. Its sender drops it once it counts
     * itself silent or has started a later round; a member it names drops it when it names the sender silent and
     * the round would go with fewer members than ours. The coordinator takes it as "the sender speaks again" (the
     * next round includes it); any other member tells the sender it speaks, so neither waits for the other.
     */
    private boolean lateFromSilent(Address src, WireMessage.Round r) {
        Address self = channel.getAddress();
        if (src.equals(self)) {
            // Our own round is stale when a round named us silent, or when we started a later one since: a
            // request that told us we speak again can overtake our own late rounds on the way back to us.
            if (isCoordinator() && r.round() > abandonedRound) {
                return false;
            }
            LOG.info("Round {} of view {} comes back after a round named me silent or a later round of mine: abandoned",
                    r.round(), viewKey);
            abandonedRound = Math.max(abandonedRound, r.round());
            return true;
        }
        if (!SilentMembers.fromSideNotHeard(view.getMembers(), silent.silent(), self, src, r.silent())) {
            return false;
        }
        LOG.warn("Round {} of view {} from {}, whom we named silent, names me silent: its messages came late; not followed",
                r.round(), viewKey, src);
        if (isCoordinator()) {
            silent.spoke(src);
            silenceChanged();
            requestRound(src + " speaks again");
        } else {
            // The sender may go on without us while our coordinator follows it: tell it we speak, or each of us
            // would wait for the other for good (CI saw two members refuse every round of a member that had
            // named them silent, while the deputy they followed started none).
            send(src, new WireMessage.RoundRequest(viewKey, round, config.node() + " speaks", resyncs.token()));
        }
        return true;
    }

    private void onState(Address src, WireMessage.State s) {
        if (s.round() < round) {
            dropped++;
            return;
        }
        reports.state(src, s);
        if (s.eligible()) {
            notClaiming.remove(src);
        } else {
            notClaiming.add(src);
        }
        learnMacs(src, s);
        mayHold.stated(src, s.held());
        if (silent.isSilent(src) && isCoordinator()) {
            silent.spoke(src);
            LOG.info("{} ({}) answers again: it takes part from the next round", src, s.node());
            silenceChanged();
            requestRound(s.node() + " answers again");
        }
        if (s.round() == round) {
            tryDecide();
        }
    }

    private void tryDecide() {
        if (decided || roundParams == null || roundParams.round() != round) {
            return;
        }
        Map<Address, WireMessage.State> all = reports.states(round);
        if (all.isEmpty()) {
            return;
        }
        Set<Address> without = SilentMembers.ofRanks(view.getMembers(), roundParams.silent());
        Map<Address, WireMessage.State> got = new LinkedHashMap<>();
        for (Address a : SilentMembers.speaking(view.getMembers(), without)) {
            WireMessage.State s = all.get(a);
            if (s == null || s.starter() != roundStarter) {
                return; // not in, or an answer to another ROUND of the same number
            }
            got.put(a, s);
        }
        decided = true;
        everDecided = true;
        if (without.contains(channel.getAddress())) {
            // Named silent: the others decide without us; we hold nothing in this round.
            excludedByLastDecision = true;
            checkHandedOver();
        } else {
            decide(got);
        }
        if (roundWanted && isCoordinator()) {
            startRound();
        }
    }

    private void decide(Map<Address, WireMessage.State> got) {
        if (channel.getAddress() == null) {
            return; // the channel closed under a queued state: the member is stopping (seen once in the demo's restart)
        }
        if (resyncs.confirmedBy(roundParams.resyncs(), got.size())) {
            LOG.info("Round {} of view {} started after my pause and is decided: acquiring again", round, viewKey);
        }
        RoundDecision decision = RoundDecision.of(channel.getAddress(), view.getMembers(), got, roundParams, roundSettings,
                held, view instanceof MergeView, reports.releasedBy(round), reports.preparedBy(round));
        RoundInput input = decision.input();
        if (input.anyMature() && !mature) {
            becomeMature("a mature peer is in the cluster");
        }
        quorate = input.quorate();
        namesAndConfig.report(input, got, channel.getAddress());
        if (!quorate && !held.isEmpty()) {
            LOG.warn("Partition of {} answering members is below wackamole.quorum={}: releasing everything", got.size(), config.quorum());
        }
        Allocation allocation = decision.allocation();
        Map<Address, String> names = decision.names();

        Map<String, String> previousOwners = owners;
        owners = allocation.owners();
        names.forEach((a, name) -> mayHold.decided(a, allocation.groupsOf(name), input.request().claims().get(name)));
        pendingBalance = allocation.pendingBalanceMoves();
        String me = decision.me();
        excludedByLastDecision = !decision.eligible();

        roundNames = names;
        leaveConfirmation.decided(decision.othersClaims());
        RoundPlan plan = decision.plan();
        apply(plan, me, names, previousOwners);
        LOG.debug("Round {} of {} decided: I hold {}; waiting for {}", round, viewKey, held, waits.awaitedReleases());
        if (waits.awaitsRelease()) {
            int decidedRound = round;
            ViewKey decidedView = viewKey;
            schedule(() -> releaseWaitExpired(decidedView, decidedRound), RELEASE_WAIT_MS);
        }
        checkHandedOver();
    }

    /** The bound on the wait for a decided round's releases: asks for a new round unless only silent members hold them. */
    private void releaseWaitExpired(ViewKey decidedView, int decidedRound) {
        if (!stopped && decidedView.equals(viewKey) && round == decidedRound && waits.awaitsRelease()) {
            Set<String> silentNames = new HashSet<>();
            silent.silent().forEach(a -> silentNames.add(roundNames.get(a)));
            if (waits.releasesOnlyFrom(silentNames)) {
                // Only silent members hold them: a new round would wait the same. They come when those speak.
                LOG.debug("Waiting for silent members to release {}", waits.awaitedReleases());
                return;
            }
            LOG.warn("Still waiting for {} to be released after {} ms; asking for a new round",
                    waits.awaitedReleases(), RELEASE_WAIT_MS);
            requestRound("release wait timed out");
        }
    }

    private void apply(RoundPlan plan, String me, Map<Address, String> names, Map<String, String> previousOwners) {
        prepare(plan.prepare());
        // Prepared for an earlier plan and no longer coming here: not local any more either.
        for (String g : List.copyOf(prepared)) {
            if (!plan.awaitRelease().containsKey(g) && !plan.acquireNow().contains(g)) {
                unprepare(g);
            }
        }
        List<String> released = new ArrayList<>();
        for (String g : plan.release()) {
            if (release(g)) {
                released.add(g);
            }
        }
        plan.handOverNow().keySet().forEach(g -> {
            if (handOver(g, reports.preparedMacs(round, g))) {
                released.add(g);
            }
        });
        if (!released.isEmpty()) {
            send(null, new WireMessage.Released(viewKey, round, released));
        }
        waits.awaitPrepared(plan.awaitPrepared());
        if (!plan.awaitPrepared().isEmpty()) {
            int decidedRound = round;
            ViewKey decidedView = viewKey;
            schedule(() -> prepareWaitExpired(decidedView, decidedRound), PREPARE_WAIT_MS);
        }
        for (String g : plan.acquireNow()) {
            String before = previousOwners.get(g);
            if (acquire(g) && before != null && !before.equals(me) && !names.containsValue(before)) {
                failovers++;
                lastFailoverMillis = (System.nanoTime() - viewNanos) / 1_000_000;
            }
        }
        waits.awaitReleases(plan);
        plan.announceNow().forEach(this::announce);
    }

    /** The bound on the wait for new owners' PREPARED: what is still here is released first, as without a hand-over. */
    private void prepareWaitExpired(ViewKey decidedView, int decidedRound) {
        if (!stopped && decidedView.equals(viewKey) && round == decidedRound && waits.awaitsPrepared()) {
            LOG.warn("No PREPARED for {} within {} ms; releasing them before their new owners acquire",
                    waits.awaitedPrepared(), PREPARE_WAIT_MS);
            List<String> late = new ArrayList<>();
            for (String g : waits.takeAwaitingPrepared()) {
                if (release(g)) {
                    late.add(g);
                }
            }
            if (!late.isEmpty()) {
                send(null, new WireMessage.Released(viewKey, round, late));
            }
            checkHandedOver();
            publish();
        }
    }

    /** Completes a graceful leave once peers are seen holding what this member let go of ({@link LeaveConfirmation}). */
    private void checkHandedOver() {
        if (leaveWaiter == null || leaveWaiter.isDone()) {
            return;
        }
        switch (leaveConfirmation.next(!stopped && view != null, leaving, decided, excludedByLastDecision, held.isEmpty(), owners)) {
            case DONE -> leaveWaiter.complete(null);
            case CONFIRM -> requestRound("leaving: confirming that peers hold what I released");
            case WAIT -> {
            }
        }
    }

    private void onReleased(Address src, WireMessage.Released r) {
        // Whatever round it was in, a member let go: a group declined here after a failed acquisition
        // (its host may have been the one answering) is tried again now.
        for (String g : r.groups()) {
            if (!src.equals(channel.getAddress()) && config.group(g) != null && unholdable.releasedElsewhere(g)) {
                LOG.info("Trying {} here again: {} let go of it", g, src);
                requestRound("retry " + g);
            }
        }
        if (r.round() < round) {
            dropped++;
            return;
        }
        mayHold.released(src, r.groups());
        for (String g : r.groups()) {
            if (config.group(g) != null) { // only our pool's groups are kept: nothing else can be waited for
                reports.released(r.round(), g, src);
            }
        }
        if (r.round() != round || !decided) {
            return; // applied when this round is decided
        }
        String who = roundNames.get(src);
        for (String g : r.groups()) {
            if (waits.releasedForAcquire(g, who)) {
                acquire(g);
            }
            if (waits.releasedForReannounce(g, who)) {
                announce(g);
            }
        }
    }

    /** The new owner of groups we hold has prepared them: point neighbours at it, let go, say so. */
    private void onPrepared(Address src, WireMessage.Prepared p) {
        if (p.round() < round) {
            dropped++;
            return;
        }
        Map<String, List<String>> macs = macsByGroup(src, p);
        if (macs == null) {
            return;
        }
        macs.forEach((g, m) -> reports.prepared(p.round(), g, src, m));
        if (p.round() != round || !decided) {
            return; // applied when this round is decided
        }
        String who = roundNames.get(src);
        List<String> released = new ArrayList<>();
        macs.forEach((g, m) -> {
            if (waits.preparedBy(g, who) && handOver(g, m)) {
                released.add(g);
            }
        });
        if (!released.isEmpty()) {
            send(null, new WireMessage.Released(viewKey, round, released));
        }
        checkHandedOver();
    }

    /** The PREPARED's hardware addresses per group; null (and dropped) when they do not fit our pool. */
    private Map<String, List<String>> macsByGroup(Address src, WireMessage.Prepared p) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        int at = 0;
        for (String g : p.groups()) {
            VipGroup group = config.group(g);
            int n = group == null ? -1 : group.addresses().size();
            if (n < 0 || at + n > p.macs().size()) {
                dropped++;
                LOG.warn("Dropped a PREPARED from {} that does not fit the pool ({} with {} hardware addresses)",
                        src, p.groups(), p.macs().size());
                return null;
            }
            result.put(g, List.copyOf(p.macs().subList(at, at + n)));
            at += n;
        }
        return result;
    }

    private void onRoundRequest(Address src, WireMessage.RoundRequest r) {
        Address self = channel.getAddress();
        if (!isCoordinator() && silent.isSilent(self)
                && src.equals(SilentMembers.coordinator(view.getMembers(), silent.silent()))) {
            // The member we follow heard us again and takes us for the coordinator: our state reached it, and it
            // waits for a round from us while we would wait for one from it.
            silent.spoke(self);
            abandonedRound = lastRoundStarted; // started unheard: the round we start now supersedes them
            LOG.info("{} asks me for a round: I speak again in view {}", src, viewKey);
            silenceChanged();
        }
        if (isCoordinator()) {
            if (silent.spoke(src)) {
                LOG.info("{} asks for a round: it speaks again and takes part from the next round", src);
                silenceChanged();
            }
            LOG.debug("Round requested: {}", r.reason());
            resyncs.askedBy(r.resync());
            requestRound(r.reason());
        }
    }

    private void requestRound(String reason) {
        if (view == null || stopped) {
            return;
        }
        if (isCoordinator()) {
            resyncs.askedByMe();
        }
        if (!isCoordinator()) {
            send(SilentMembers.coordinator(view.getMembers(), silent.silent()),
                    new WireMessage.RoundRequest(viewKey, round, reason, resyncs.token()));
        } else if (round < lastRoundStarted && lastRoundStarted != abandonedRound || !decided) {
            roundWanted = true; // one round at a time; the next starts when this one is decided
        } else {
            startRound();
        }
    }

    private void becomeMature(String why) {
        if (mature || stopped) {
            return;
        }
        mature = true;
        if (matureTimer != null) {
            matureTimer.cancel(false);
        }
        LOG.info("Mature ({}): claiming VIPs", why);
        requestRound("mature");
        publish();
    }

    private void balanceTick() {
        if (!stopped && view != null && isCoordinator() && decided && pendingBalance > 0) {
            requestRound(pendingBalance + " balance moves pending");
        }
    }

    private boolean acquire(String g) {
        if (resyncs.waiting()) {
            return false; // decided on what may be a view the others have left
        }
        if (!split.mayAcquire()) {
            return false; // the departed may be alive, and the larger side
        }
        if (suspectsMost) {
            return false; // we may be the one cut off, about to be excluded
        }
        if (askedBy != null) {
            return false; // about to be excluded, unless our reply reached the asker
        }
        if (unholdable.takenElsewhere(g)) {
            return false; // a live member of another view answers for it
        }
        Exception failure = holdings.acquire(g);
        if (failure != null) {
            acquireFailed(g, failure);
            return false;
        }
        unholdable.acquired(g);
        return true;
    }

    /**
     * This host cannot hold the group now (the kernel refused an address, an interface is missing):
     * decline it so that another member takes it, and try again here later, waiting longer each time.
     * Only this group moves; the member keeps the rest of its share.
     */
    private void acquireFailed(String g, Exception e) {
        if (prepared.contains(g)) {
            unprepare(g);
        }
        UnholdableGroups.Failure failure = unholdable.acquireFailed(g);
        if (!failure.newlyDeclined()) {
            LOG.error("Could not acquire {}: {}. Still leaving it to another member (failure {} in a row, its retry pending)",
                    config.group(g), e.getMessage(), failure.failures());
            return;
        }
        LOG.error("Could not acquire {}: {}. Leaving it to another member; trying again here in {} ms (failure {} in a row)",
                config.group(g), e.getMessage(), failure.retryMs(), failure.failures());
        requestRound("cannot hold " + g);
        schedule(() -> retryAcquire(g), failure.retryMs());
    }

    /** The back-off after a failed acquisition ran out: the group may come here again (not while its interface is lost). */
    private void retryAcquire(String g) {
        if (!stopped && unholdable.retry(g)) {
            LOG.info("Trying {} here again", g);
            requestRound("retry " + g);
        }
    }

    private List<String> hardwareAddresses() {
        try {
            return network.hardwareAddresses();
        } catch (RuntimeException e) {
            LOG.debug("Could not read the interfaces' hardware addresses: {}", e.toString());
            return List.of();
        }
    }

    private void learnMacs(Address src, WireMessage.State s) {
        if (memberHosts.learn(src, s)) {
            tellKnownMembers();
        }
    }

    /**
     * Tells the network whose hosts are members: a host that answers ARP for an address we take is a
     * stale holder if its member left or died (we take over), but not if its member is still in the
     * view and merely silent (a hung protocol thread keeps its addresses, its server may still serve):
     * then the answer refuses the acquisition, as a foreign host's does, and the group stays where
     * the outside sees it until that member speaks again or leaves the view.
     */
    private void tellKnownMembers() {
        network.knownMembers(memberHosts.known(silent.silent()));
    }

    /**
     * An interface of the pool went down or away: its groups move to members that can hold them
     * (released here first, so that they may take them at once), and come back when it returns.
     */
    private void onInterfaceLost(String name) {
        List<String> affected = unholdable.interfaceLost(name);
        if (affected == null) {
            return;
        }
        LOG.warn("Interface {} is gone or down: handing {} to other members until it is back", name, affected);
        clusterInterfaceLost |= carriesClusterTraffic(name);
        List<String> released = new ArrayList<>();
        for (String g : affected) {
            if (held.contains(g) && release(g)) {
                released.add(g);
            }
        }
        if (!released.isEmpty() && viewKey != null) {
            send(null, new WireMessage.Released(viewKey, round, released));
        }
        requestRound("interface " + name + " lost");
        publish();
    }

    private void onInterfaceBack(String name) {
        onInterfaceBack(name, unholdable.linkEvent(name), 0);
    }

    /**
     * The interface is usable again. If it carries the cluster's traffic, it stays lost (its groups
     * declined) until the transport's address is on it again and the channel has reconnected: until
     * then the member cannot hear the cluster, and may even be alone in a view of its own (its peers'
     * connections broke with the interface), where it would claim the whole pool.
     */
    private void onInterfaceBack(String name, int event, int waited) {
        if (stopped || !unholdable.stillLost(name, event)) {
            return;
        }
        boolean cluster = carriesClusterTraffic(name);
        if (cluster && !name.equals(interfaceOfBindAddress()) && waited < ADDRESS_WAIT_STEPS) {
            if (waited == 0) {
                LOG.info("Interface {} is back but the cluster's address is not on it yet: waiting for it before reconnecting", name);
            }
            schedule(() -> onInterfaceBack(name, event, waited + 1), ADDRESS_WAIT_STEP_MS);
            return;
        }
        if (cluster && waited >= ADDRESS_WAIT_STEPS) {
            LOG.error("Interface {} is back but the cluster's address did not come back on it in {} ms; reconnecting anyway", name,
                    ADDRESS_WAIT_STEP_MS * ADDRESS_WAIT_STEPS);
        }
        List<String> back = unholdable.interfaceBack(name);
        LOG.info("Interface {} is back: {} may be held here again", name, back);
        if (cluster) {
            rejoinAfterInterfaceLoss(name);
            clusterInterfaceLost = false;
        }
        requestRound("interface " + name + " back");
        publish();
    }

    /** Whether the JGroups transport is bound to an address of that interface (as found at connect, or now). */
    private boolean carriesClusterTraffic(String name) {
        return name.equals(clusterInterface) || name.equals(interfaceOfBindAddress());
    }

    /** The interface that has the transport's bind address now; null when none has it (or it is the wildcard). */
    private String interfaceOfBindAddress() {
        JChannel ch = channel;
        try {
            java.net.InetAddress bound = ch == null ? null : ch.getProtocolStack().getTransport().getBindAddress();
            java.net.NetworkInterface nic = bound == null ? null : java.net.NetworkInterface.getByInetAddress(bound);
            return nic == null ? null : nic.getName();
        } catch (java.net.SocketException | RuntimeException e) {
            return null;
        }
    }

    /**
     * An interface deleted and created again takes the multicast group memberships of the cluster's
     * sockets with it: the member would stay in the view but hear no multicast (no ROUND, no state
     * from it), and every round would stall. Reconnecting opens the sockets afresh; the member holds
     * nothing on that interface meanwhile (it released its groups when the interface was lost).
     */
    private void rejoinAfterInterfaceLoss(String name) {
        JChannel ch = channel;
        if (ch == null || stopped || leaving) {
            return;
        }
        reconnect("interface " + name + ", which carries the cluster's traffic, came back");
    }

    /** Lets go of everything, forgets the view and reconnects the channel: JGroups gives a fresh view on the JOIN. */
    private void reconnect(String why) {
        JChannel ch = channel;
        if (ch == null || stopped || leaving) {
            return;
        }
        LOG.warn("Reconnecting to cluster '{}': {}", config.cluster(), why);
        releaseAll("reconnecting");
        Address self = ch.getAddress();
        rejoinedFrom = view == null ? null : view.getMembers().stream().filter(a -> !a.equals(self)).toList();
        rejoinedNanos = System.nanoTime();
        view = null;
        viewKey = null;
        reports.clear();
        waits.clear();
        future.clear();
        silent.clear();
        try {
            ch.disconnect();
            ch.connect(config.cluster());
        } catch (Exception e) {
            LOG.error("Could not reconnect to cluster '{}': {}", config.cluster(), e.toString());
        }
    }

    /**
     * Another member's host announced a group we hold: it took it, on a view we are not in (or
     * ahead of ours). Defending it would leave two hosts answering until the views agree; we let it
     * go at once instead, decline it with the failed acquisition's back-off, and acquire it again only
     * after that, so a split's double lasts as long as the taker's announcement takes to arrive.
     */
    private void onTaken(VipAddress address, String mac, String member) {
        String g = groupOf(address);
        if (stopped || !held.contains(g)) {
            return;
        }
        conflicts++;
        lastConflict = java.time.Instant.now() + " " + address + " announced by " + mac + " (host of member " + member
                + ") while held here: let go";
        UnholdableGroups.Failure failure = unholdable.taken(g);
        LOG.warn("{} was announced by {} (host of member {}) while held here: letting it go so that one host answers;"
                + " not taking it again for {} ms", config.group(g), mac, member, failure.retryMs());
        if (release(g)) {
            letGo.add(g);
            if (viewKey != null) {
                send(null, new WireMessage.Released(viewKey, round, List.of(g)));
            }
        }
        if (failure.newlyDeclined()) {
            schedule(() -> retryAcquire(g), failure.retryMs());
        }
        requestRound("taken by " + member);
        publish();
    }

    private String groupOf(VipAddress address) {
        return config.groups().stream().filter(g -> g.addresses().contains(address)).map(VipGroup::identity)
                .findFirst().orElse(address.address().getHostAddress());
    }

    private void onConflict(VipAddress address, String mac, String member, boolean probing) {
        conflicts++;
        String group = groupOf(address);
        lastConflict = java.time.Instant.now() + " " + address + " answered by " + mac
                + (member == null ? " (no member of this cluster)" : " (stale: host of former member " + member + ")")
                + (probing ? " before acquiring" : " while held here");
        listeners.forEach(l -> l.conflict(group, address.address().getHostAddress(), mac, member));
        publish();
    }

    /** What this member's state declines: groups an operator moved away and groups this host failed to hold. */
    private List<String> declinedNow() {
        return unholdable.declined(declined);
    }

    /**
     * The process did not run for {@code millis}: peers may have excluded this member and given its
     * VIPs to others while this kernel kept answering for them, and what is queued (views, rounds,
     * states, releases) may be from a view the others have left. Let go of everything at once, then
     * acquire nothing until a round names the token we ask with: that round started after we asked,
     * so its states are fresh. In a view the others have left no such round ever completes, and we
     * hold nothing until JGroups merges us back. (Rejoining instead was tried: when a load spike
     * pauses several members at once, they all rejoin, find no coordinator and become singletons
     * that each take the whole pool.)
     */
    private void onPause(long millis, long thresholdMillis) {
        pausesSeen++;
        if (stopped || leaving || view == null || view.size() == 1) {
            // Not joined yet, or alone: nobody can have taken over from us.
            LOG.info("This process did not run for {} ms", millis);
            return;
        }
        LOG.warn("This process did not run for {} ms (longer than the {} ms after which peers may exclude it): "
                + "releasing every VIP until a round started after this pause confirms the view", millis, thresholdMillis);
        releaseAll("paused for " + millis + " ms");
        waits.dropReannounces();
        long token = resyncs.paused();
        publish();
        requestRound("resync after a pause of " + millis + " ms");
        scheduleResyncCheck(token, 1);
    }

    /**
     * Asks again while no round has named our token (request lost, coordinator gone, or we were
     * excluded). If none has after {@link #RESYNC_REJOIN_CHECKS} tries, MERGE3 has not brought us
     * back (seen once on the farm: no merge in 30 s after a second pause): the member reconnects.
     * Only then: members paused together by one load spike are merged long before, so they do not
     * all rejoin at once and become singletons.
     */
    private void scheduleResyncCheck(long token, int checks) {
        schedule(() -> {
            if (stopped || !resyncs.waitingFor(token)) {
                return;
            }
            if (checks >= RESYNC_REJOIN_CHECKS) {
                reconnect("no round confirmed the view " + checks + " s after a pause");
                resyncs.rejoined();
                requestRound("resync after a pause");
            } else {
                LOG.debug("No round has confirmed the view since my pause yet; asking again");
                requestRound("resync after a pause");
            }
            scheduleResyncCheck(token, checks >= RESYNC_REJOIN_CHECKS ? 0 : checks + 1);
        }, RELEASE_WAIT_MS);
    }

    /**
     * Makes the groups local without answering for them and tells their holder (PREPARED). One that
     * fails is left to the holder's bound: it releases anyway, and we acquire as after any release.
     */
    private void prepare(List<String> groups) {
        if (resyncs.waiting() || groups.isEmpty()) {
            return;
        }
        Holdings.Preparation done = holdings.prepare(groups);
        if (!done.groups().isEmpty()) {
            LOG.debug("Prepared {}", done.groups());
            send(null, new WireMessage.Prepared(viewKey, round, done.groups(), done.macs()));
        }
    }

    private void unprepare(String g) {
        holdings.unprepare(g);
    }

    /** Points neighbours at the new owner, then releases: make before break. */
    private boolean handOver(String g, List<String> macs) {
        return letGo(g, holdings.handOver(g, macs));
    }

    private boolean release(String g) {
        return letGo(g, holdings.release(g));
    }

    /** While leaving, what was let go of is what peers must be seen holding before it disconnects. */
    private boolean letGo(String g, boolean released) {
        if (released && leaving) {
            leaveConfirmation.handedAway(g);
        }
        return released;
    }

    private void announce(String g) {
        holdings.announce(g);
    }

    /** Releases everything because others may be taking it now: what we held is {@link #letGo}. */
    private void letGo(String why) {
        letGo.addAll(held);
        releaseAll(why);
    }

    private void releaseAll(String why) {
        if (!held.isEmpty()) {
            LOG.info("Releasing {} VIP group(s): {}", held.size(), why);
        }
        List<String> released = new ArrayList<>();
        for (String g : List.copyOf(held)) {
            if (release(g)) {
                released.add(g);
            }
        }
        if (!released.isEmpty() && viewKey != null) {
            send(null, new WireMessage.Released(viewKey, round, released));
        }
        waits.dropMoves();
        List.copyOf(prepared).forEach(this::unprepare);
        publish();
    }

    private void cancelTimers() {
        if (matureTimer != null) {
            matureTimer.cancel(false);
        }
        if (balanceTimer != null) {
            balanceTimer.cancel(false);
        }
    }

    private void send(Address to, WireMessage m) {
        JChannel ch = channel;
        if (ch == null || ch.isClosed()) {
            return;
        }
        try {
            ch.send(message(to, authenticator.seal(ch.getAddress(), WireCodec.encode(m))));
        } catch (Exception e) {
            if (!ch.isConnected()) {
                // Leaving, or between the two halves of a reconnect: the next view starts a round that asks again.
                LOG.debug("Not sent, the channel is disconnected: {}", m.getClass().getSimpleName());
            } else {
                LOG.warn("Could not send {} to {}: {}", m.getClass().getSimpleName(), to == null ? "all" : to, e.toString());
            }
        }
    }

    /**
     * A message of the protocol, past flow control (NO_FC): the protocol thread must never wait for
     * credits, and its messages are a few hundred bytes a round. In JGroups 5.4.13, UFC's stop() marks
     * every unicast credit done but keeps it, so after {@link #reconnect} a peer that was in the view
     * before and after keeps a dead credit: a unicast to it spun in UFC for as long as the peer stayed
     * in the view (a link flap left this thread there and the member silent, its VIPs on no host).
     */
    static Message message(Address to, byte[] payload) {
        return new BytesMessage(to, payload).setFlag(Message.Flag.NO_FC);
    }

    /** Whether this member starts the rounds: the first member of the view not named silent. */
    private boolean isCoordinator() {
        return view != null && channel != null
                && Objects.equals(SilentMembers.coordinator(view.getMembers(), silent.silent()), channel.getAddress());
    }

    static ViewKey keyOf(View v) {
        Address creator = v.getViewId().getCreator();
        long high = 0;
        long low = creator == null ? 0 : creator.hashCode();
        if (creator instanceof UUID u) {
            high = u.getMostSignificantBits();
            low = u.getLeastSignificantBits();
        }
        return new ViewKey(high, low, v.getViewId().getId());
    }

    private void publish() {
        MemberState state = MemberStates.of(stopped, view != null && everDecided, resyncs.waiting(), namesAndConfig.refusal(), mature,
                eligible && !leaving, quorate && !split.yields());
        List<String> members = view == null ? List.of() : view.getMembers().stream().map(Object::toString).toList();
        MemberStatus next = new MemberStatus(state, config.cluster(), config.node(), members,
                view == null ? null : String.valueOf(SilentMembers.coordinator(view.getMembers(), silent.silent())),
                view == null ? null : String.valueOf(view.getViewId()), round,
                Set.copyOf(held), owners, pendingBalance, // owners: the engine's unmodifiable map, never changed in place
                new MemberStatus.Counters(holdings.acquisitions(), holdings.releases(), holdings.announcements(), failovers, lastFailoverMillis,
                        dropped + rejections.count(), rounds, pausesSeen, conflicts, rejections.count()),
                lastConflict, handoverMode, silent.silent().stream().map(String::valueOf).toList(),
                namesAndConfig.configDifferences());
        status = next;
        listeners.forEach(l -> l.statusChanged(next));
    }
}
