package org.wackamole.it.outside;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.wackamole.it.Prober;

/**
 * What the network showed in one window of time, and nothing the members said about themselves:
 * the judge ({@link Judge}) decides from this alone. Times are {@link System#nanoTime()} of the
 * observing JVM.
 *
 * @param samples       per host, its state at the window's start and every change after
 * @param sampleGap     per host, the longest time between two address dumps (the resolution)
 * @param arpCycles     when each round of ARP requests for the IPv4 VIPs was sent
 * @param arp           ARP replies and gratuitous ARPs for a VIP seen by the client, not its own
 * @param probes        per VIP, the client's HTTP probes (a new TCP connection each)
 * @param partitions    how the hosts were split by the fault injector (a link's state is in the samples)
 * @param macs          host of each MAC
 * @param faults        what was done when, for the report
 */
public record Recording(long from, long to, Map<String, List<HostSample>> samples, Map<String, Long> sampleGap,
        List<Long> arpCycles, List<ArpFrame> arp, Map<String, List<Prober.Probe>> probes, List<Partition> partitions,
        Map<String, String> macs, List<FaultEvent> faults) {

    /** A host's kernel at one instant: whether its interface carries traffic, and which VIPs it has (on any interface). */
    public record HostSample(long nanos, boolean linkUp, Set<String> vips) {
    }

    /** An ARP frame naming a VIP as its sender: a reply, or a gratuitous announcement. */
    public record ArpFrame(long nanos, String vip, String mac, boolean reply) {
    }

    /** From {@code nanos} on, hosts in different groups cannot reach each other (empty: one segment again). */
    public record Partition(long nanos, List<Set<String>> groups) {
    }

    /** What the injector did to whom. */
    public record FaultEvent(long nanos, String what, String host) {
    }
}
