package org.wackamole.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.SHARED_LOOPBACK;
import org.jgroups.protocols.SHARED_LOOPBACK_PING;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.junit.jupiter.api.Test;

/**
 * A member reconnects its channel (disconnect, then connect: {@code ClusterMember.reconnect}) when the
 * interface that carries the cluster's traffic comes back. In JGroups 5.4.13 UFC's stop() marks every
 * unicast credit done but keeps it: a peer that was in the view before the disconnect and is in it
 * after the connect keeps a dead credit, and a unicast to it spun in UFC for as long as the peer stayed
 * in the view. On the namespace farm a link flap left the member's protocol thread there (sending a
 * round request to the coordinator): it never spoke again and its preferred VIP stayed on no host.
 * The protocol's messages must pass a reconnected channel's flow control at once.
 */
class ReconnectedUnicastTest {

    @Test
    void aProtocolMessageToAPeerOfTheLastViewGoesOutAfterAReconnect() throws Exception {
        String cluster = "reconnect-" + ProcessHandle.current().pid();
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sender");
            t.setDaemon(true);
            return t;
        });
        try (JChannel peer = channel("peer"); JChannel member = channel("member")) {
            peer.setReceiver(new Receiver() {
                @Override
                public void receive(Message msg) {
                    received.add(new String(msg.getArray(), msg.getOffset(), msg.getLength(), UTF_8));
                }
            });
            peer.connect(cluster);
            member.connect(cluster);
            await().atMost(Duration.ofSeconds(10)).until(() -> member.getView().size() == 2 && peer.getView().size() == 2);

            // As ClusterMember.reconnect: the peer never leaves the member's view in between.
            member.disconnect();
            member.connect(cluster);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> member.getView().size() == 2 && peer.getView().containsMember(member.getAddress()));

            Future<?> sent = sender.submit(() -> {
                member.send(ClusterMember.message(peer.getAddress(), "round request".getBytes(UTF_8)));
                return null;
            });
            sent.get(10, TimeUnit.SECONDS); // before the fix: spins in UFC.handleDownMessage until the channel closes
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("round request");
        } finally {
            sender.shutdownNow();
        }
    }

    /** The shipped stacks' reliable and flow-control layers, over the in-JVM transport. */
    private static JChannel channel(String name) throws Exception {
        JChannel ch = new JChannel(List.of(new SHARED_LOOPBACK(), new SHARED_LOOPBACK_PING(), new NAKACK2().setXmitInterval(100),
                new UNICAST3().setXmitInterval(100), new STABLE(),
                new GMS().setJoinTimeout(300).setViewAckCollectionTimeout(500).printLocalAddress(false),
                new UFC(), new MFC(), new FRAG4()));
        ch.name(name);
        return ch;
    }
}
