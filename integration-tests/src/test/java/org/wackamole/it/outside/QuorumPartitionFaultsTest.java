package org.wackamole.it.outside;

import java.util.Map;

/**
 * {@link PartitionFaults} with {@code wackamole.partition=quorum} (2 of 3) on the UDP stack: the host
 * cut off alone holds nothing, so the client, which reaches both sides, never sees two holders for
 * longer than the two sides' detection differs. In CI. Root only.
 */
class QuorumPartitionFaultsTest extends PartitionFaults {
    @Override
    String stack() {
        return "wackamole-udp.xml";
    }

    @Override
    Map<String, String> settings() {
        return Map.of("wackamole.partition", "quorum", "wackamole.quorum", "2");
    }
}
