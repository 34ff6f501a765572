package org.wackamole.network.linux;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.wackamole.network.NetworkException;

/**
 * Counts who answers ARP for an address, from a client's namespace: asks (an RFC 5227 probe, which
 * every host holding the address answers with a reply to 0.0.0.0) every few milliseconds and sorts
 * the replies by the question they answer. Open it on a thread that entered the client's namespace
 * ({@link TestNetwork#inNamespace}); asking and reading may then happen on any thread.
 */
public final class ArpResponders implements AutoCloseable {
    private final ArpWatch watch;
    private final Rtnetlink netlink = new Rtnetlink();
    private final Rtnetlink.Link link;
    private final Inet4Address address;
    private final ConcurrentLinkedQueue<ArpWatch.Claim> answers = new ConcurrentLinkedQueue<>();
    private final List<Long> asked = new ArrayList<>();

    public ArpResponders(String interfaceName, Inet4Address address) throws NetworkException {
        this.address = address;
        this.link = netlink.link(interfaceName);
        String own = java.util.HexFormat.ofDelimiter(":").formatHex(link.mac());
        this.watch = new ArpWatch(own::equals, c -> {
            if (c.probeAnswer() && c.address().equals(address)) {
                answers.add(c);
            }
        });
        watch.watch(address);
    }

    /** Asks once who has the address. */
    public synchronized void ask() throws NetworkException {
        asked.add(System.nanoTime());
        watch.probe(List.of(new ArpWatch.Probe(link, address)), 0); // send only: the reader thread collects the answers
    }

    /** The most distinct MACs that answered one question (replies to a question are those before the next). */
    public synchronized int maxPerQuestion() {
        int max = 0;
        List<ArpWatch.Claim> all = new ArrayList<>(answers);
        for (int i = 0; i < asked.size(); i++) {
            long from = asked.get(i);
            long to = i + 1 < asked.size() ? asked.get(i + 1) : Long.MAX_VALUE;
            Set<String> macs = new HashSet<>();
            for (ArpWatch.Claim c : all) {
                if (c.nanos() - from >= 0 && (to == Long.MAX_VALUE || c.nanos() - to < 0)) {
                    macs.add(c.mac());
                }
            }
            max = Math.max(max, macs.size());
        }
        return max;
    }

    /** Every MAC that answered at all. */
    public Set<String> macs() {
        Set<String> macs = new HashSet<>();
        answers.forEach(c -> macs.add(c.mac()));
        return macs;
    }

    public synchronized int questions() {
        return asked.size();
    }

    @Override
    public void close() {
        watch.close();
        netlink.close();
    }
}
