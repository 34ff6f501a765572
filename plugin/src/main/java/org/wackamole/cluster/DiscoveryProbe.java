package org.wackamole.cluster;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jgroups.Address;
import org.jgroups.Event;
import org.jgroups.JChannel;
import org.jgroups.protocols.Discovery;
import org.jgroups.protocols.PingData;
import org.jgroups.util.Responses;
import org.slf4j.Logger;

/**
 * Asks the channel's discovery protocol (which runs below the encryption, in clear) which members of
 * the cluster answer that are not in a given view: members this one cannot join (another farm key,
 * another wire version). Discovery blocks for its wait, so it runs on a thread of its own and hands
 * the answer on; a failure counts as nobody answering.
 */
final class DiscoveryProbe {
    private DiscoveryProbe() {
    }

    /**
     * @param members the view's members, who are no strangers
     * @param then    gets the strangers' logical names (or addresses), sorted; runs on the probe's thread
     */
    static void strangers(JChannel ch, List<Address> members, long waitMs, String threadName, Logger log,
                          Consumer<Set<String>> then) {
        Thread probe = new Thread(() -> {
            Set<String> strangers = new TreeSet<>();
            try {
                // An initial discovery, done at the first coordinator's answer: one stranger is enough here.
                Object r = ch.down(new Event(Event.FIND_INITIAL_MBRS, waitMs));
                if (r instanceof Responses responses) {
                    responses.waitFor(waitMs);
                    for (PingData d : responses) {
                        if (d.getAddress() != null && !members.contains(d.getAddress())) {
                            strangers.add(d.getLogicalName() != null ? d.getLogicalName() : String.valueOf(d.getAddress()));
                        }
                    }
                }
            } catch (RuntimeException e) {
                log.debug("Discovery before maturing failed: {}", e.toString());
            }
            then.accept(strangers);
        }, threadName);
        probe.setDaemon(true);
        probe.start();
    }

    /**
     * Who answers discovery, with whether each answered as a coordinator, as soon as {@code enough} says the
     * answers so far settle the question, or when {@code waitMs} is over; read as they come in, every few
     * milliseconds ({@link #find}: with an initial discovery the followers of a side went missing and the split
     * rule counted that side too small). {@code then} also learns whether the whole wait passed: only then does a
     * missing answer mean silence.
     */
    static void answers(JChannel ch, long waitMs, String threadName, Logger log,
                        Predicate<Map<Address, Boolean>> enough, BiConsumer<Map<Address, Boolean>, Boolean> then) {
        Thread probe = new Thread(() -> {
            Map<Address, Boolean> answers = new LinkedHashMap<>();
            boolean waited = false;
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
            try {
                Responses responses = find(ch, waitMs);
                if (responses != null) {
                    while (true) {
                        for (PingData d : responses) {
                            if (d.getAddress() != null) {
                                answers.put(d.getAddress(), d.isCoord());
                            }
                        }
                        long left = end - System.nanoTime();
                        if (left <= 0) {
                            waited = true;
                            break;
                        }
                        if (enough.test(answers)) {
                            break;
                        }
                        Thread.sleep(Math.min(5, TimeUnit.NANOSECONDS.toMillis(left) + 1));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.debug("Discovery failed: {}", e.toString());
            }
            then.accept(answers, waited);
        }, threadName);
        probe.setDaemon(true);
        probe.start();
    }

    /**
     * Asks every member discovery knows of, collecting every answer for {@code waitMs}. Not an initial discovery:
     * that one is done at the first coordinator's answer, and JGroups then drops the answers still coming.
     */
    private static Responses find(JChannel ch, long waitMs) {
        Discovery discovery = ch.getProtocolStack().findProtocol(Discovery.class);
        return discovery == null ? null : discovery.findMembers(null, false, false, waitMs);
    }
}
