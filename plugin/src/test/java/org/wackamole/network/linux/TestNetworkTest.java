package org.wackamole.network.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** The test network's own promise: its namespaces go, also when a timed-out test closes it. Root only. */
class TestNetworkTest {

    @Test
    void anInterruptedCloseStillDeletesTheNamespacesAndKeepsTheInterrupt() throws Exception {
        String why = TestNetwork.whyUnavailable();
        assumeTrue(why == null, why);
        TestNetwork net = new TestNetwork("a", "b");
        String a = net.ns("a");
        assertThat(TestNetwork.run(null, "ip", "netns", "list")).contains(a);
        Thread.currentThread().interrupt(); // what JUnit's @Timeout does to the test thread
        try {
            net.close();
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is handed back").isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(TestNetwork.run(null, "ip", "netns", "list")).doesNotContain(a);
    }
}
