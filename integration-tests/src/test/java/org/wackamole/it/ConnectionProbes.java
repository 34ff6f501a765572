package org.wackamole.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.wackamole.network.linux.TestNetwork;

/**
 * New connections to a VIP on a fixed schedule, one every {@code periodMillis} whatever the earlier
 * ones are doing: a worker per slot in turn, so a connection that waits for its timeout (100 ms)
 * never holds back the next ones, as it did with one sequential {@link Prober} (which then opened no
 * connection for 100 ms and timed the next answer from after that wait). Each probe records, on the
 * epoch clock of the servers' logs and of kernel timestamps, when it started, when its TCP connection
 * was accepted, when its answer came, and who answered. Threads run in the client's namespace.
 */
final class ConnectionProbes {
    /** Workers: enough for every slot of a probe's worst case (connect + read timeouts) to start on time. */
    private static final int WORKERS = 32;

    /**
     * One connection attempt.
     *
     * @param start     when it started, epoch ns
     * @param connected when its TCP connection was accepted, epoch ns; -1 if never
     * @param done      when its answer (or failure) came, epoch ns
     * @param node      the node that answered, null if none
     * @param error     why not
     * @param lateNanos how much later than its slot it started (all workers busy)
     * @param port      its local port (bound before connecting), so the packets of a failed attempt can be found; -1 unknown
     */
    record Probe(long start, long connected, long done, String node, String error, long lateNanos, int port) {
        /** The connection was never made: what a user's SYN retransmission (1 s) would pay. */
        boolean failedToConnect() {
            return node == null && connected < 0;
        }
    }

    private final List<Probe> probes = new ArrayList<>();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running = true;
    private volatile String lastAnswer;

    private ConnectionProbes(String vip, int periodMillis, int timeoutMillis, long boundNanos) {
        long t0 = System.nanoTime() + 20_000_000;
        long end = t0 + boundNanos;
        long period = periodMillis * 1_000_000L;
        for (int w = 0; w < WORKERS; w++) {
            int first = w;
            Thread t = new Thread(() -> {
                for (long slot = first; running; slot += WORKERS) {
                    long due = t0 + slot * period;
                    if (due - end > 0) {
                        return;
                    }
                    long wait;
                    while (running && (wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    if (!running) {
                        return;
                    }
                    Probe p = probe(vip, timeoutMillis, System.nanoTime() - due);
                    synchronized (probes) {
                        probes.add(p);
                    }
                    if (p.node() != null) {
                        lastAnswer = p.node();
                    }
                }
            }, "probe-" + vip + "-" + w);
            t.setDaemon(true);
            workers.add(t);
        }
    }

    /** Starts probing from the client namespace {@code c}; runs for {@code bound} at the most. */
    static ConnectionProbes start(TestNetwork net, String vip, int periodMillis, int timeoutMillis, java.time.Duration bound)
            throws Exception {
        ConnectionProbes p = new ConnectionProbes(vip, periodMillis, timeoutMillis, bound.toNanos());
        // Threads started from a thread in the namespace are in it too.
        net.inNamespace("c", () -> {
            p.workers.forEach(Thread::start);
            return null;
        });
        return p;
    }

    private static Probe probe(String vip, int timeoutMillis, long late) {
        long start = PacketCalls.now();
        long connected = -1;
        int port = -1;
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(0));
            port = s.getLocalPort();
            s.connect(new InetSocketAddress(InetAddress.getByName(vip), 8080), timeoutMillis);
            connected = PacketCalls.now();
            s.setSoTimeout(timeoutMillis);
            s.getOutputStream().write(("GET /wackamole-sample/node HTTP/1.1\r\nHost: " + vip + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            long done = PacketCalls.now();
            int body = response.indexOf("\r\n\r\n");
            if (!response.startsWith("HTTP/1.1 200") || body < 0) {
                return new Probe(start, connected, done, null, response.lines().findFirst().orElse("empty response"), late, port);
            }
            String text = response.substring(body + 4);
            if (response.substring(0, body).toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
                int eol = text.indexOf("\r\n");
                int size = eol < 0 ? 0 : Integer.parseInt(text.substring(0, eol).trim(), 16);
                text = eol < 0 ? "" : text.substring(eol + 2, Math.min(text.length(), eol + 2 + size));
            }
            return new Probe(start, connected, done, text.trim(), null, late, port);
        } catch (IOException e) {
            return new Probe(start, connected, PacketCalls.now(), null, e.getClass().getSimpleName() + ": " + e.getMessage(), late, port);
        }
    }

    String lastAnswer() {
        return lastAnswer;
    }

    /** Stops and returns every probe, in start order. */
    List<Probe> stop() throws InterruptedException {
        running = false;
        for (Thread t : workers) {
            t.join(5_000);
        }
        synchronized (probes) {
            List<Probe> all = new ArrayList<>(probes);
            all.sort(java.util.Comparator.comparingLong(Probe::start));
            return all;
        }
    }
}
