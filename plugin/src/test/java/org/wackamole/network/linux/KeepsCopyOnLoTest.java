package org.wackamole.network.linux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** When letting go of a group keeps a copy on lo for requests in flight (any release, as a hand-over). */
class KeepsCopyOnLoTest {

    @ParameterizedTest(name = "held {0}, set up {1}, closed {2}: {3}")
    @CsvSource({
            // held here, host set up (arp_ignore), network closed -> keeps a copy
            "true,  true,  false, true",   // any release of a held group while the server runs
            "true,  false, false, false",  // not set up: on lo it would answer ARP, a second responder
            "true,  true,  true,  false",  // closing: the server has stopped serving
            "false, true,  false, false",  // not held (a release to be sure, a prepared group given up)
            "false, false, false, false",
    })
    void table(boolean held, boolean setUp, boolean closed, boolean keeps) {
        assertThat(LinuxNetwork.keepsCopyOnLo(held, setUp, closed)).isEqualTo(keeps);
    }
}
