package org.wackamole.cluster;

import java.util.List;
import java.util.Map;
import org.jgroups.Address;
import org.slf4j.Logger;
import org.wackamole.cluster.wire.WireMessage;

/**
 * What a decided round says about names and configurations: who may not hold VIPs for its name
 * ({@link NameClaims}) or configuration ({@link ConfigAgreement}), logged once per change, and why
 * this member holds nothing although it asked to ({@link #refusalOf}, pure). Logs to the member's
 * logger. Confined to the protocol thread.
 */
final class NamesAndConfigReport {
    private final Logger log;
    private final String node;
    /** What was last logged about names and configuration, so that each change is logged once. */
    private String reportedNames = "";
    private String reportedConfig = "";
    /** Why the last decided round let this member hold nothing although it asked to: DUPLICATE_NAME, MISCONFIGURED, OBSERVING. */
    private MemberState refusal;
    private List<String> configDifferences = List.of();

    /** @param node this member's {@code wackamole.node}, for its own log lines */
    NamesAndConfigReport(Logger log, String node) {
        this.log = log;
        this.node = node;
    }

    /** Reads a decided round: logs once per change who may not hold VIPs for its name or configuration, and why. */
    void report(RoundInput input, Map<Address, WireMessage.State> got, Address me) {
        List<String> duplicates = input.duplicates().stream()
                .map(a -> got.get(a).node() + " (" + a + ", known as " + input.names().get(a) + ")").sorted().toList();
        String names = String.join("; ", duplicates);
        if (!names.equals(reportedNames)) {
            reportedNames = names;
            if (input.duplicates().contains(me)) {
                log.error("Another member of the view already calls itself '{}' (it joined first): I claim no VIP until "
                        + "wackamole.node is unique (state DUPLICATE_NAME)", node);
            } else if (!duplicates.isEmpty()) {
                log.error("Members using a name already taken hold nothing until renamed (set a distinct wackamole.node "
                        + "on each): {}", duplicates);
            } else {
                log.info("Every member's name is unique again");
            }
        }
        configDifferences = input.config().differences();
        String cfg = String.join("; ", configDifferences);
        if (!cfg.equals(reportedConfig)) {
            reportedConfig = cfg;
            if (configDifferences.isEmpty()) {
                log.info("Every member's configuration agrees again");
            } else if (input.config().misconfigured().contains(me)) {
                log.error("My configuration differs from the farm's reference (held by most members; on a tie, by the "
                        + "first in the view): I claim no VIP until it agrees (state MISCONFIGURED): {}", configDifferences);
            } else {
                log.warn("Configurations differ in the cluster (members that differ from the reference hold nothing): {}",
                        configDifferences);
            }
        }
        refusal = refusalOf(input, me);
    }

    /** Why the round lets {@code me} hold nothing for its name or configuration; null when neither keeps it out. */
    static MemberState refusalOf(RoundInput input, Address me) {
        if (input.duplicates().contains(me)) {
            return MemberState.DUPLICATE_NAME;
        } else if (input.config().observers().contains(me)) {
            return MemberState.OBSERVING;
        } else if (input.config().misconfigured().contains(me)) {
            return MemberState.MISCONFIGURED;
        }
        return null;
    }

    /** As of the last decided round; null when none kept this member out. */
    MemberState refusal() {
        return refusal;
    }

    /** The differences from the farm's reference configuration in the last decided round (for JMX). */
    List<String> configDifferences() {
        return configDifferences;
    }
}
