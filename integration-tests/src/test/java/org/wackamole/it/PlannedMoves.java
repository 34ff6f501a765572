package org.wackamole.it;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.wackamole.management.WackamoleMXBean;

/**
 * Every kind of planned move on the real farm (the old holder is alive and agrees), each watched
 * from the client on one VIP, h3's preferred {@value #VIP}: a new connection every 10 ms with a
 * 100 ms timeout, each on time whatever the others wait for ({@link ConnectionProbes}), the hosts
 * whose kernels accept them ({@link SynAcks}), an ARP request every 2 ms with the hosts that answer
 * each very request ({@link ArpRequestAnswers}), and from the servers' logs the move's decision (the
 * round that gave the VIP to its new holder, DEBUG lines), the old holder's release and the new
 * holder's acquisition.
 *
 * <p>Hosts are set up for make-before-break ({@code arp_ignore=1}, {@code arp_announce=2}) and have
 * a health endpoint each ({@link HealthSwitch}, checked every 200 ms, 2 failures drain). Kinds:
 * graceful stop (SIGTERM), take-back when the preferring member rejoins, balance (a member joins
 * and takes a group it does not prefer), drain by an operator (JMX {@code drain()}), drain by a
 * failing health check, an operator's move (JMX {@code release(VIP)}), and the take-back after
 * {@code resume()} or recovery. Used by {@link HitlessFarmTest} (a few moves per kind) and by
 * {@link FailoverBenchmark}'s planned mode (20 and more). Root only.
 */
final class PlannedMoves implements AutoCloseable {
    static final String VIP = "198.51.100.102";
    private static final Pattern DECIDED = Pattern.compile("Round (\\d+) of (\\S+) decided: I hold \\[([^]]*)]; waiting for \\[([^]]*)]");

    enum Kind {
        GRACEFUL_STOP("graceful stop (SIGTERM)"),
        TAKE_BACK("take-back on rejoin"),
        BALANCE("balance (a member joins)"),
        OPERATOR_DRAIN("drain (operator, JMX)"),
        HEALTH_DRAIN("drain (health check fails)"),
        OPERATOR_MOVE("operator move (JMX release)"),
        RESUME("take-back after resume/recovery");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /**
     * One move of the VIP as the client and the servers saw it.
     *
     * @param failed             new connection attempts that failed (connect timeout, refused): what the goal counts
     * @param slow               connections accepted whose answer took over 100 ms, or reset by the new holder
     *                           (a request in flight on the old holder at the switch may be reset at once)
     * @param maxResponders      the most hosts that answered one ARP question during the move
     * @param questions          ARP questions asked during the move
     * @param decisionToAcquired the round's decision (earliest of both holders' logs) to the new holder's acquisition, ms; -1 unknown
     * @param decisionToPointed  the decision to the client's first gratuitous ARP naming the new holder's MAC (the
     *                           kernel's receive time, not rounded to a probe's 10 ms), ms: the switch; -1 unknown
     * @param decisionToAccepted the decision to the first connection the new holder's kernel accepted (its SYN-ACK, seen
     *                           by the client), ms: when the new holder answers for the VIP; -1 unknown
     * @param decisionToAnswer   the decision to the first HTTP answer from the new holder (a probe's end), ms: that, plus
     *                           how fast its server answers (slow for the first requests a fresh JVM serves); -1 unknown
     * @param releaseToAcquired  the old holder's release to the new holder's acquisition (servers' logs), ms; -1 unknown
     * @param answeredArp        the hosts that answered ARP for the VIP during the move
     * @param arp                the exact per-request ARP verdict ({@link ArpRequestAnswers})
     * @param whole              whether every running member stayed in one view throughout the move and ended in one:
     *                           false when a JVM was not scheduled for longer than the failure detector allows (on a
     *                           loaded machine) during the move, or a false suspicion split the farm meanwhile, even
     *                           if it merged again before the move ended: that is a failover (the paused member drops
     *                           its VIPs; each side of a split holds them), not a planned move
     */
    record Move(Kind kind, String from, String to, long failed, long straddled, long slow, int maxResponders, int questions,
                long decisionToAcquired, long decisionToPointed, long decisionToAccepted, long decisionToAnswer, long releaseToAcquired,
                List<String> answeredArp, ArpRequestAnswers.Verdict arp, boolean whole, String report) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s%s %s -> %s: failed %d (straddling the switch %d), slow %d, max ARP responders per request %d, "
                            + "decision -> acquired %d ms, -> pointed %d ms, -> accepted %d ms, -> answered %d ms, release -> acquired %d ms; "
                            + "ARP answered by %s (%s); %s",
                    whole ? "" : "[SPLIT OR PAUSED] ", kind.label, from, to, failed, straddled, slow, maxResponders, decisionToAcquired,
                    decisionToPointed, decisionToAccepted, decisionToAnswer, releaseToAcquired, answeredArp, arp, report);
        }
    }

    private final JettyFarm farm;
    private final Map<String, HealthSwitch> health = new LinkedHashMap<>();
    private final List<Move> moves = new ArrayList<>();
    private final Consumer<Move> progress;
    private int splitsWaited;
    private boolean lastWhole = true;
    private final List<InFlight> inFlight = new ArrayList<>();

    /**
     * A slow request to the VIP accepted by its holder before the holder was told to stop.
     *
     * @param answer what the client got: the node that answered, or "!" and the error
     * @param millis from sending the request to its answer (or failure)
     */
    record InFlight(String answer, long slowMillis, long millis) {
    }

    /** A farm on {@code stack} with every host started and h3 holding {@value #VIP}. */
    PlannedMoves(Path work, String stack, Consumer<Move> progress) throws Exception {
        this.progress = progress;
        if (System.getProperty("wackamole.farm.log") == null) {
            System.setProperty("wackamole.farm.log", "DEBUG"); // the decided rounds are DEBUG lines
        }
        farm = new JettyFarm(work, stack, Set.of(), Map.of(
                "wackamole.health.url", HealthSwitch.URL,
                "wackamole.health.interval", "200ms",
                "wackamole.health.threshold", "2"));
        try {
            for (String host : JettyFarm.HOSTS) {
                farm.network().exec(host, "sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=1");
                farm.network().exec(host, "sysctl", "-q", "-w", "net.ipv4.conf.all.arp_announce=2");
                health.put(host, HealthSwitch.open(farm, host));
                farm.start(host);
            }
            ArpSenders.addTo(farm);
            awaitAnswering("h3");
            warmUp();
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /**
     * Has every server answer the probe's request a few hundred times on its own address. In a farm
     * each server serves its own VIPs' clients; here only {@value #VIP} is asked, so without this a
     * member that never held it would answer its first requests after a move as a server that never
     * ran the servlet does: 100-300 ms late on this machine, which is the server's warm-up, not the
     * move. A freshly started member (a take-back on rejoin, a balance join) is cold all the same.
     */
    private void warmUp() throws Exception {
        for (String host : JettyFarm.HOSTS) {
            String address = "198.51.100." + (JettyFarm.HOSTS.indexOf(host) + 1);
            farm.network().inNamespace("c", () -> {
                for (int i = 0; i < 300; i++) {
                    JettyFarm.getOrError(address, "/wackamole-sample/node", 2000);
                }
                return null;
            });
        }
    }

    JettyFarm farm() {
        return farm;
    }

    List<Move> moves() {
        return List.copyOf(moves);
    }

    /**
     * From h3 holding the VIP, {@code cycles} times: SIGTERM and restart, operator drain and resume,
     * operator move and resume, failing health check and recovery. Ends with h3 holding it.
     */
    void operatorCycles(int cycles) throws Exception {
        for (int i = 0; i < cycles; i++) {
            gracefulStopWithRequestInFlight("h3", 2000);
            move(Kind.TAKE_BACK, () -> farm.start("h3"));
            move(Kind.OPERATOR_DRAIN, () -> FarmOperator.on(farm, "h3", WackamoleMXBean::drain));
            move(Kind.RESUME, () -> FarmOperator.on(farm, "h3", WackamoleMXBean::resume));
            move(Kind.OPERATOR_MOVE, () -> FarmOperator.on(farm, "h3", m -> m.release(VIP)));
            move(Kind.RESUME, () -> FarmOperator.on(farm, "h3", WackamoleMXBean::resume));
            move(Kind.HEALTH_DRAIN, () -> health.get("h3").healthy(false));
            move(Kind.RESUME, () -> health.get("h3").healthy(true));
        }
    }

    /**
     * Balance: with h3 stopped and h1 holding the whole pool, h2 joins and takes its preferred VIP and,
     * to balance, {@value #VIP} (the first group h1 does not prefer); h2 stops again (a graceful stop of
     * the VIP back to h1), {@code joins} times. Then h3 rejoins and takes it back. Starts from h3
     * holding the VIP and ends so.
     */
    void balanceJoins(int joins) throws Exception {
        move(Kind.GRACEFUL_STOP, () -> farm.stop("h3"));
        if ("h2".equals(farm.ask(VIP, 1000))) {
            move(Kind.GRACEFUL_STOP, () -> farm.stop("h2"));
        } else {
            farm.stop("h2");
        }
        awaitAnswering("h1");
        for (int i = 0; i < joins; i++) {
            move(Kind.BALANCE, () -> farm.start("h2"));
            if (i + 1 < joins) {
                move(Kind.GRACEFUL_STOP, () -> farm.stop("h2"));
            }
        }
        move(Kind.TAKE_BACK, () -> farm.start("h3"));
    }

    /**
     * SIGTERM to {@code host} (which holds the VIP) while a request of {@code slowMillis} to the VIP
     * is being served there: the VIP moves at once, and the request must still be answered by
     * {@code host} (Jetty's graceful stop waits for it, up to {@code jetty.server.stopTimeout}).
     */
    Move gracefulStopWithRequestInFlight(String host, int slowMillis) throws Exception {
        CompletableFuture<InFlight>[] request = new CompletableFuture[1];
        Move m = move(Kind.GRACEFUL_STOP, () -> {
            request[0] = CompletableFuture.supplyAsync(() -> {
                long t = System.nanoTime();
                try {
                    String answer = farm.network().inNamespace("c",
                            () -> getByLength(VIP, "/wackamole-sample/slow?ms=" + slowMillis, slowMillis + 10_000));
                    return new InFlight(answer, slowMillis, (System.nanoTime() - t) / 1_000_000);
                } catch (Exception e) {
                    return new InFlight("!" + e, slowMillis, (System.nanoTime() - t) / 1_000_000);
                }
            });
            Thread.sleep(300); // accepted and in the servlet by now
            farm.stop(host);
        });
        InFlight done = request[0].get(slowMillis + 20_000L, java.util.concurrent.TimeUnit.MILLISECONDS);
        inFlight.add(done);
        System.out.println("request in flight at SIGTERM: " + done);
        return m;
    }

    /**
     * A GET that reads the response as an HTTP/1.1 client does: the head, then Content-Length bytes,
     * not until the connection closes (the new holder resets the old connection once the client's
     * acknowledgement reaches it). The body, or "!" and what went wrong.
     */
    static String getByLength(String host, String path, int timeoutMillis) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(InetAddress.getByName(host), 8080), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    return "!closed in the response head: " + head;
                }
                head.append((char) c);
            }
            if (!head.toString().startsWith("HTTP/1.1 200")) {
                return "!" + head.toString().lines().findFirst().orElse("");
            }
            Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(head);
            if (!length.find()) {
                return "!no Content-Length: " + head;
            }
            byte[] body = in.readNBytes(Integer.parseInt(length.group(1)));
            return new String(body, java.nio.charset.StandardCharsets.UTF_8).trim();
        } catch (java.io.IOException e) {
            return "!" + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    List<InFlight> inFlight() {
        return List.copyOf(inFlight);
    }

    interface Step {
        void run() throws Exception;
    }

    /** One move of the VIP: starts watching, runs the step, waits until another host answers, then judges. */
    Move move(Kind kind, Step step) throws Exception {
        // Settled before anything is counted: a move that had to wait for a split farm to merge must
        // not be charged with the split's two holders.
        awaitOneView();
        long windowStart = System.currentTimeMillis();
        Inet4Address vip = (Inet4Address) InetAddress.getByName(VIP);
        ArpRequestAnswers arp = farm.network().inNamespace("c", () -> new ArpRequestAnswers("veth0", vip));
        SynAcks synAcks;
        try {
            synAcks = farm.network().inNamespace("c", () -> new SynAcks("veth0", vip, 8080));
        } catch (Exception e) {
            arp.close();
            throw e;
        }
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> asking = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 60_000 && !stop.get(); i++) {
                arp.ask();
                java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
            }
        });
        ConnectionProbes prober = ConnectionProbes.start(farm.network(), VIP, 10, 100, Duration.ofMinutes(2));
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> prober.lastAnswer() != null);
            Thread.sleep(200);
            String before = prober.lastAnswer();
            long t0 = System.currentTimeMillis();
            step.run();
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> prober.lastAnswer() != null && !prober.lastAnswer().equals(before));
            Thread.sleep(500);
            String after = prober.lastAnswer();
            List<ConnectionProbes.Probe> probes = prober.stop();
            stop.set(true);
            asking.get();
            ArpRequestAnswers.Verdict verdict = arp.verdict();
            long failed = probes.stream().filter(ConnectionProbes.Probe::failedToConnect).count();
            long slow = probes.stream().filter(p -> p.node() == null && !p.failedToConnect()).count();
            long released = Math.max(farm.logged(before, "released", VIP), farm.logged(before, "Released", VIP));
            long acquired = farm.logged(after, "Acquired", VIP);
            long decided = decision(after, before, acquired, t0);
            long decidedNanos = decided * 1_000_000;
            SynAcks.SynAck accepted = decided < 0 ? null : synAcks.first(farm.mac(after), decidedNanos);
            long pointed = decided < 0 ? -1 : arp.pointedAt(farm.mac(after), decidedNanos);
            long firstAnswer = probes.stream().filter(p -> after.equals(p.node()) && p.done() >= decidedNanos)
                    .mapToLong(ConnectionProbes.Probe::done).min().orElse(-1);
            Move m = new Move(kind, before, after, failed, straddled(probes, synAcks, before, after), slow, verdict.maxPerRequest(), verdict.requests(),
                    decided < 0 || acquired < decided ? -1 : acquired - decided,
                    pointed < 0 ? -1 : (pointed - decidedNanos) / 1_000_000,
                    accepted == null ? -1 : (accepted.stamp() - decidedNanos) / 1_000_000,
                    decided < 0 || firstAnswer < 0 ? -1 : (firstAnswer - decidedNanos) / 1_000_000,
                    released < t0 || acquired < released ? -1 : acquired - released, hosts(verdict.macs()),
                    verdict, oneView() && undisturbed(windowStart, System.currentTimeMillis()),
                    report(probes, before, after) + steps(before, after, decided, acquired, t0)
                            + failures(probes, synAcks, decidedNanos, pointed));
            lastWhole = m.whole();
            moves.add(m);
            progress.accept(m);
            return m;
        } finally {
            stop.set(true);
            prober.stop();
            asking.get();
            arp.close();
            synAcks.close();
        }
    }

    /**
     * Whether no member was excluded meanwhile: no host logged a pause past the failure detector's
     * bound while it held or could hold VIPs, a view that left it out, or a merge, between {@code from} and {@code to} (epoch ms). A
     * move with such a split is a failover whose two holders are the partition's, not the hand-over's;
     * the views may well be one again by the end of the move. A member that paused that long lets go
     * of every VIP at once whether or not it was excluded (the pause rule of "The cluster protocol"),
     * which is no hand-over either.
     */
    private boolean undisturbed(long from, long to) throws Exception {
        for (String h : JettyFarm.HOSTS) {
            for (String line : farm.allLogs(h).split("\n")) {
                long t = time(line);
                if (t >= from && t <= to && (line.contains("after which peers may exclude it") || line.contains("Merged view")
                        || line.contains("not member of view"))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The probes in short: how many, the failures by error, the slots that started late, who answered first and last. */
    private static String report(List<ConnectionProbes.Probe> probes, String before, String after) {
        Map<String, Long> errors = new java.util.TreeMap<>();
        probes.stream().filter(p -> p.node() == null)
                .forEach(p -> errors.merge((p.connected() < 0 ? "no connection: " : "accepted, then: ") + p.error(), 1L, Long::sum));
        long late = probes.stream().filter(p -> p.lateNanos() > 5_000_000).count();
        return probes.size() + " probes, failed " + errors + ", " + late + " started over 5 ms late, " + before + " -> " + after;
    }

    /**
     * Where the move's time went, from the servers' logs, ms after the decision: each holder's
     * decided round, the new holder's PREPARED (its "Prepared" line), the old holder pointing the
     * neighbours at it and letting go ("Pointed neighbours at"; "Released" for a release outright),
     * the new holder's acquisition. Empty when the logs do not say.
     */
    private String steps(String from, String to, long decided, long acquired, long notBefore) throws Exception {
        if (decided < 0 || acquired < 0) {
            return "";
        }
        String round = null;
        long newDecided = -1;
        long prepared = -1;
        for (String line : farm.log(to).split("\n")) {
            long t = time(line);
            if (t < notBefore || t > acquired) {
                continue;
            }
            Matcher m = DECIDED.matcher(line);
            if (m.find() && (names(m.group(3)) || names(m.group(4)))) {
                round = "Round " + m.group(1) + " of " + m.group(2) + " decided";
                newDecided = t;
            }
            if (line.contains("Prepared [") && line.contains(VIP)) {
                prepared = t;
            }
        }
        long oldDecided = -1;
        long letGo = -1;
        String how = "?";
        for (String line : farm.log(from).split("\n")) {
            long t = time(line);
            if (t < notBefore || t > acquired) {
                continue;
            }
            if (round != null && line.contains(round)) {
                oldDecided = t;
            }
            if (line.endsWith(VIP + "/32") && (line.contains("Pointed neighbours at") || line.contains("Released veth0"))) {
                letGo = t;
                how = line.contains("Pointed") ? "handed over" : "released outright";
            }
        }
        return String.format(Locale.ROOT, "; steps after the decision: new holder decided +%s, old holder decided +%s, "
                        + "prepared +%s, %s +%s, acquired +%d ms", rel(newDecided, decided), rel(oldDecided, decided),
                rel(prepared, decided), how, rel(letGo, decided), acquired - decided);
    }

    private static String rel(long t, long from) {
        return t < 0 ? "?" : Long.toString(t - from);
    }

    /**
     * The failed attempts whose handshake straddled the switch: the old holder answered the SYN, the new one
     * reset the client's ACK (its neighbour entry changed in between). The one race of the hand-over this
     * layer does not close (README, "Planned moves").
     */
    private long straddled(List<ConnectionProbes.Probe> probes, SynAcks synAcks, String from, String to) throws Exception {
        String oldMac = farm.mac(from);
        String newMac = farm.mac(to);
        long n = 0;
        for (ConnectionProbes.Probe p : probes) {
            if (p.failedToConnect() && p.port() > 0) {
                List<SynAcks.Segment> segments = synAcks.to(p.port(), p.start());
                if (segments.stream().anyMatch(x -> x.what().equals("SYN-ACK from") && x.mac().equalsIgnoreCase(oldMac))
                        && segments.stream().anyMatch(x -> x.what().equals("reset from") && x.mac().equalsIgnoreCase(newMac))) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * Each connection attempt that failed, by the segments of its port (its SYNs with the host they
     * were sent to, SYN-ACKs and resets, with the kernel's time): a SYN-ACK within the timeout means
     * the host answered and the client read it late (its own scheduling); a SYN sent and nothing back,
     * that the host it was sent to did not answer it; no SYN, that the client never sent one in time. Times in ms after the decision; with the instant the client was pointed at the new holder.
     */
    private String failures(List<ConnectionProbes.Probe> probes, SynAcks synAcks, long decidedNanos, long pointed) throws Exception {
        StringBuilder b = new StringBuilder();
        for (ConnectionProbes.Probe p : probes) {
            if (!p.failedToConnect()) {
                continue;
            }
            b.append(b.length() == 0 ? "; failed attempts: " : ", ").append(String.format(Locale.ROOT, "[started %+d ms",
                    (p.start() - decidedNanos) / 1_000_000));
            if (p.port() > 0) {
                List<SynAcks.Segment> segments = synAcks.to(p.port(), p.start());
                if (segments.stream().noneMatch(x -> !x.what().startsWith("SYN sent"))) {
                    b.append(", nothing came back");
                }
                for (SynAcks.Segment x : segments) {
                    b.append(String.format(Locale.ROOT, ", %s %s %d µs after its start", x.what(),
                            hosts(Set.of(x.mac())), (x.stamp() - p.start()) / 1000));
                }
            }
            b.append(", ").append(p.error()).append(", ").append(p.lateNanos() / 1000).append(" µs late]");
        }
        if (b.length() > 0 && pointed >= 0) {
            b.append(String.format(Locale.ROOT, " (client pointed at the new holder %+d ms)", (pointed - decidedNanos) / 1_000_000));
        }
        return b.toString();
    }

    /**
     * When the move was decided, epoch ms: the new holder's last decided round before its acquisition
     * that names the VIP (held at once, or waited for), or the same round in the old holder's log if
     * it is earlier there. -1 when the logs do not say (not at DEBUG).
     */
    private long decision(String to, String from, long acquired, long notBefore) throws Exception {
        if (acquired < 0) {
            return -1;
        }
        String round = null;
        long at = -1;
        for (String line : farm.log(to).split("\n")) {
            long t = time(line);
            if (t < notBefore) {
                continue;
            }
            if (t > acquired) {
                break;
            }
            Matcher m = DECIDED.matcher(line);
            if (m.find() && (names(m.group(3)) || names(m.group(4)))) {
                round = "Round " + m.group(1) + " of " + m.group(2) + " decided";
                at = t;
            }
        }
        if (round == null) {
            return -1;
        }
        for (String line : farm.log(from).split("\n")) {
            if (line.contains(round)) {
                long t = time(line);
                if (t >= notBefore && t < at) {
                    at = t;
                }
            }
        }
        return at;
    }

    /** Host names of the hardware addresses (the MAC itself for a stranger). */
    private List<String> hosts(Set<String> macs) throws Exception {
        List<String> named = new ArrayList<>();
        for (String mac : macs) {
            String host = mac;
            for (String h : JettyFarm.HOSTS) {
                if (farm.mac(h).equalsIgnoreCase(mac)) {
                    host = h;
                }
            }
            named.add(host);
        }
        java.util.Collections.sort(named);
        return named;
    }

    private static boolean names(String list) {
        for (String s : list.split(",")) {
            if (s.trim().equals(VIP)) {
                return true;
            }
        }
        return false;
    }

    /** The epoch ms of a Jetty log line ({@code 2026-12-01 10:43:56.123...}); -1 for other lines. */
    private static long time(String line) {
        if (line.length() < 23 || !Character.isDigit(line.charAt(0)) || line.charAt(4) != '-' || line.charAt(10) != ' ') {
            return -1;
        }
        try {
            return LocalDateTime.parse(line.substring(0, 23).replace(' ', 'T')).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            return -1;
        }
    }

    /** Whether every running member is in the same view of all running members (read over JMX). */
    boolean oneView() throws Exception {
        List<String> running = JettyFarm.HOSTS.stream().filter(farm::running).toList();
        Set<String> views = new java.util.HashSet<>();
        boolean[] complete = {true};
        for (String h : running) {
            FarmOperator.on(farm, h, m -> {
                views.add(m.getViewId());
                complete[0] &= m.getMembers().length == running.size();
            });
        }
        return views.size() == 1 && complete[0];
    }

    /**
     * Moves start from one view and one host with the VIP on its interface: after a false suspicion,
     * waits (30 s at most) for MERGE3 to merge the views and the merge's losers to let go.
     */
    private void awaitOneView() throws Exception {
        // The previous move ended in one view (checked then): the holder count is enough now.
        if (lastWhole && holders() == 1 || settled()) {
            return;
        }
        splitsWaited++;
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(this::settled);
    }

    private boolean settled() throws Exception {
        return holders() == 1 && oneView();
    }

    /** Hosts with the VIP on their interface. */
    private long holders() throws Exception {
        long holders = 0;
        for (String h : JettyFarm.HOSTS) {
            if (farm.addressesOn(h).contains(VIP)) {
                holders++;
            }
        }
        return holders;
    }

    /** Times a move had to wait for a split farm to merge before it could start. */
    int splitsWaited() {
        return splitsWaited;
    }

    private void awaitAnswering(String host) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> host.equals(farm.ask(VIP, 1000)));
    }

    /**
     * One table row per kind of the moves in one view throughout; then, apart, one row per kind of the
     * moves a split or a pause disturbed (failovers, whose failures and two holders are the split's).
     */
    static List<String> table(String stack, List<Move> moves) {
        List<String> rows = new ArrayList<>();
        for (boolean whole : new boolean[] {true, false}) {
            for (Kind k : Kind.values()) {
                List<Move> of = moves.stream().filter(m -> m.kind() == k && m.whole() == whole).toList();
                if (of.isEmpty()) {
                    continue;
                }
                long inexact = of.stream().filter(m -> !m.arp().exact()).count();
                rows.add(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %d | %d%s | %s | %s | %s | %s | %s |", stack,
                        whole ? k.label : k.label + ", split or paused meanwhile", of.size(),
                        of.stream().filter(m -> m.failed() > 0).count(), of.stream().mapToLong(Move::failed).sum(),
                        of.stream().mapToLong(Move::slow).sum(), of.stream().mapToInt(Move::maxResponders).max().orElse(0),
                        inexact == 0 ? "" : " (" + inexact + " inexact)",
                        spread(of.stream().map(Move::decisionToAcquired).toList()),
                        spread(of.stream().map(Move::decisionToPointed).toList()),
                        spread(of.stream().map(Move::decisionToAccepted).toList()),
                        spread(of.stream().map(Move::decisionToAnswer).toList()),
                        spread(of.stream().map(Move::releaseToAcquired).toList())));
            }
        }
        return rows;
    }

    static String header() {
        return "| stack | move | moves | moves with a failed connection | failed connections | slow or reset answers "
                + "| max ARP responders per request | decision → acquired ms (min / median / max) "
                + "| decision → client pointed at new holder ms | decision → new holder accepts a connection ms "
                + "| decision → new holder's first HTTP answer ms | release → acquired ms |"
                + "\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |";
    }

    private static String spread(List<Long> values) {
        List<Long> known = values.stream().filter(v -> v >= 0).sorted().toList();
        if (known.isEmpty()) {
            return "-";
        }
        String s = known.get(0) + " / " + known.get(known.size() / 2) + " / " + known.get(known.size() - 1);
        return known.size() == values.size() ? s : s + " (" + known.size() + " known)";
    }

    /** Copies every server log of this farm (restarts included) into {@code dir}. */
    void saveLogs(Path dir) throws java.io.IOException {
        java.nio.file.Files.createDirectories(dir);
        for (String host : JettyFarm.HOSTS) {
            java.nio.file.Files.writeString(dir.resolve(host + ".log"), farm.allLogs(host));
        }
    }

    @Override
    public void close() {
        health.values().forEach(HealthSwitch::close);
        farm.close();
    }
}
