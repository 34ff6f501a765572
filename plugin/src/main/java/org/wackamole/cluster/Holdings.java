package org.wackamole.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.wackamole.config.VipGroup;
import org.wackamole.config.WackamoleConfig;
import org.wackamole.network.NetworkException;
import org.wackamole.network.VipNetwork;

/**
 * What this host holds and has prepared, and the network calls that change them: the thin applier
 * of the member's decisions (the protocol decides when, this does it). Each call logs what it did,
 * counts it and tells the listeners; a failure is logged, or handed back for an acquisition, and
 * never thrown. Logs to the member's logger. Confined to the protocol thread.
 */
final class Holdings {

    /** Groups made local without answering for them, and their hardware addresses (groups in order, addresses in configuration order). */
    record Preparation(List<String> groups, List<String> macs) {
    }

    private final WackamoleConfig config;
    private final VipNetwork network;
    private final List<ClusterListener> listeners;
    private final Logger log;
    private final Set<String> held = new LinkedHashSet<>();
    /** Groups made local here without answering for them, waiting for their holder's RELEASED. */
    private final Set<String> prepared = new LinkedHashSet<>();
    private long acquisitions;
    private long releases;
    private long announcements;

    Holdings(WackamoleConfig config, VipNetwork network, List<ClusterListener> listeners, Logger log) {
        this.config = config;
        this.network = network;
        this.listeners = listeners;
        this.log = log;
    }

    /** The groups held here, in the order taken (a read-only view). */
    Set<String> held() {
        return Collections.unmodifiableSet(held);
    }

    /** The groups prepared here (a read-only view). */
    Set<String> prepared() {
        return Collections.unmodifiableSet(prepared);
    }

    /** Takes the group: its addresses up here and announced. Returns null, or why it failed (then nothing changed). */
    Exception acquire(String g) {
        VipGroup group = config.group(g);
        try {
            network.acquire(group);
        } catch (NetworkException | RuntimeException e) {
            return e;
        }
        prepared.remove(g);
        held.add(g);
        acquisitions++;
        announcements++;
        log.info("Acquired {}", group);
        listeners.forEach(l -> l.acquired(g));
        return null;
    }

    /**
     * Makes the groups local without answering for them. One that fails is left out (logged): its
     * holder releases it anyway once its wait for our PREPARED runs out.
     */
    Preparation prepare(List<String> groups) {
        List<String> done = new ArrayList<>();
        List<String> macs = new ArrayList<>();
        for (String g : groups) {
            try {
                List<String> m = network.prepare(config.group(g));
                if (m.size() != config.group(g).addresses().size()) {
                    throw new NetworkException("the network named " + m.size() + " hardware addresses for " + g);
                }
                prepared.add(g);
                done.add(g);
                macs.addAll(m);
            } catch (NetworkException | RuntimeException e) {
                log.warn("Could not prepare {} for a hand-over: {}; its holder will release it first", g, e.getMessage());
            }
        }
        return new Preparation(done, macs);
    }

    void unprepare(String g) {
        prepared.remove(g);
        try {
            network.release(config.group(g));
        } catch (NetworkException | RuntimeException e) {
            log.warn("Could not remove the prepared {}: {}", g, e.getMessage());
        }
    }

    /** Points neighbours at the new owner, then releases: make before break. Falls back to a plain release. */
    boolean handOver(String g, List<String> macs) {
        VipGroup group = config.group(g);
        try {
            network.handOver(group, macs);
        } catch (NetworkException | RuntimeException e) {
            log.error("Could not hand {} over: {}; releasing it", group, e.getMessage());
            return release(g);
        }
        held.remove(g);
        releases++;
        log.info("Pointed neighbours at {} and released {}", macs, group);
        listeners.forEach(l -> l.released(g));
        return true;
    }

    boolean release(String g) {
        VipGroup group = config.group(g);
        try {
            network.release(group);
        } catch (NetworkException | RuntimeException e) {
            log.error("Could not release {}: {}", group, e.getMessage());
            return false;
        }
        held.remove(g);
        releases++;
        log.info("Released {}", group);
        listeners.forEach(l -> l.released(g));
        return true;
    }

    void announce(String g) {
        try {
            network.announce(config.group(g));
            announcements++;
        } catch (NetworkException | RuntimeException e) {
            log.warn("Could not announce {}: {}", g, e.getMessage());
        }
    }

    /** The network put back an address of a held group that had gone, and announced it. */
    void restored() {
        announcements++;
    }

    long acquisitions() {
        return acquisitions;
    }

    long releases() {
        return releases;
    }

    long announcements() {
        return announcements;
    }
}
