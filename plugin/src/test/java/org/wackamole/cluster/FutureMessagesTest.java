package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jgroups.Address;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;
import org.wackamole.cluster.wire.ViewKey;
import org.wackamole.cluster.wire.WireMessage;

class FutureMessagesTest {
    private static final Address A = new UUID(0, 1);
    private static final ViewKey V5 = new ViewKey(0, 1, 5);
    private static final ViewKey V6 = new ViewKey(0, 1, 6);
    private static final ViewKey OTHER_6 = new ViewKey(0, 2, 6);
    private static final ViewKey V7 = new ViewKey(0, 1, 7);

    private static WireMessage released(ViewKey v, String g) {
        return new WireMessage.Released(v, 1, List.of(g));
    }

    @Test
    void theInstalledViewsMessagesComeBackInOrderAndOlderViewsAreForgotten() {
        FutureMessages f = new FutureMessages(100, 1000, 1000);
        assertThat(f.offer(A, released(V6, "a"), 10, 0)).isNull();
        assertThat(f.offer(A, released(V5, "b"), 10, 0)).isNull();
        assertThat(f.offer(A, released(OTHER_6, "c"), 10, 0)).isNull();
        assertThat(f.offer(A, released(V7, "d"), 10, 0)).isNull();
        assertThat(f.offer(A, released(V6, "e"), 10, 0)).isNull();

        List<FutureMessages.Pending> replay = f.takeFor(V6);
        assertThat(replay).extracting(p -> ((WireMessage.Released) p.message()).groups().get(0)).containsExactly("a", "e");
        assertThat(f.size()).as("only view 7's message is left").isEqualTo(1);
        assertThat(f.bytes()).isEqualTo(10);
        assertThat(f.takeFor(V7)).hasSize(1);
        assertThat(f.size()).isZero();
        assertThat(f.bytes()).isZero();
    }

    @Test
    void theCountIsBounded() {
        FutureMessages f = new FutureMessages(2, 1000, 1000);
        assertThat(f.offer(A, released(V6, "a"), 1, 0)).isNull();
        assertThat(f.offer(A, released(V6, "b"), 1, 0)).isNull();
        assertThat(f.offer(A, released(V6, "c"), 1, 0))
                .isEqualTo("the buffer for messages of views not installed yet is full (2 messages, 2 bytes)");
        assertThat(f.size()).isEqualTo(2);
    }

    @Test
    void theBytesAreBounded() {
        FutureMessages f = new FutureMessages(100, 25, 1000);
        assertThat(f.offer(A, released(V6, "a"), 20, 0)).isNull();
        assertThat(f.offer(A, released(V6, "b"), 6, 0)).contains("full (1 messages, 20 bytes)");
        assertThat(f.offer(A, released(V6, "c"), 5, 0)).as("exactly at the bound").isNull();
        assertThat(f.bytes()).isEqualTo(25);
    }

    @Test
    void messagesOlderThanTheAgeBoundAreForgottenAndCounted() {
        FutureMessages f = new FutureMessages(100, 1000, 100);
        f.offer(A, released(V6, "a"), 10, 0);
        f.offer(A, released(V6, "b"), 10, 50);
        f.offer(A, released(V6, "c"), 10, 120);
        assertThat(f.expire(100)).as("exactly at the bound stays").isZero();
        assertThat(f.expire(151)).isEqualTo(2);
        assertThat(f.size()).isEqualTo(1);
        assertThat(f.bytes()).isEqualTo(10);
    }

    @Test
    void clearForgetsEverything() {
        FutureMessages f = new FutureMessages(1, 1000, 1000);
        f.offer(A, released(V6, "a"), 10, 0);
        f.clear();
        assertThat(f.size()).isZero();
        assertThat(f.bytes()).isZero();
        assertThat(f.offer(A, released(V6, "b"), 10, 0)).as("room again").isNull();
    }
}
