package org.wackamole.cluster.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;

/** A tag written with the farm key verifies; anything else (other key, altered, relabelled, cut) does not. */
class MessageAuthenticatorTest {
    private static final ViewKey VIEW = new ViewKey(0x1234_5678_9abc_def0L, -42L, 17);
    private static final UUID A = new UUID(1, 2);
    private static final UUID B = new UUID(1, 3);

    private static SecretKey aesKey() throws Exception {
        KeyGenerator g = KeyGenerator.getInstance("AES");
        g.init(256);
        return g.generateKey();
    }

    private static byte[] state() {
        return WireCodec.encode(new WireMessage.State(VIEW, 2, "web1", true, true, 1, 0,
                List.of("198.51.100.10"), List.of("198.51.100.10"), List.of()));
    }

    @Test
    void aSealedMessageOpensForItsSenderOnly() throws Exception {
        MessageAuthenticator auth = MessageAuthenticator.of(Optional.of(aesKey()));
        byte[] encoded = state();
        byte[] sealed = auth.seal(A, encoded);
        assertThat(sealed).hasSize(encoded.length + MessageAuthenticator.TAG_LENGTH);
        assertThat(auth.open(A, sealed, 0, sealed.length)).isEqualTo(encoded);
        assertThat(WireCodec.decode(auth.open(A, sealed, 0, sealed.length), 0, encoded.length))
                .isEqualTo(WireCodec.decode(encoded, 0, encoded.length));
        assertThat(auth.open(B, sealed, 0, sealed.length)).as("replayed as another member's").isNull();
        // within a larger buffer, as JGroups hands it over
        byte[] framed = new byte[sealed.length + 10];
        System.arraycopy(sealed, 0, framed, 7, sealed.length);
        assertThat(auth.open(A, framed, 7, sealed.length)).isEqualTo(encoded);
    }

    @Test
    void everyAlteredByteAndEveryForgeryIsRejected() throws Exception {
        SecretKey key = aesKey();
        MessageAuthenticator auth = MessageAuthenticator.of(Optional.of(key));
        byte[] sealed = auth.seal(A, state());
        for (int i = 0; i < sealed.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] tampered = sealed.clone();
                tampered[i] ^= (byte) (1 << bit);
                assertThat(auth.open(A, tampered, 0, tampered.length)).as("byte %d bit %d flipped", i, bit).isNull();
            }
        }
        for (int cut = 0; cut < sealed.length; cut++) {
            assertThat(auth.open(A, sealed, 0, cut)).as("cut to %d bytes", cut).isNull();
        }
        byte[] unsealed = state();
        assertThat(auth.open(A, unsealed, 0, unsealed.length)).as("no tag at all (a member with security=none)").isNull();
        byte[] otherKey = MessageAuthenticator.of(Optional.of(aesKey())).seal(A, state());
        assertThat(auth.open(A, otherKey, 0, otherKey.length)).as("written with another farm key").isNull();
        Random random = new Random(12);
        for (int i = 0; i < 10_000; i++) {
            byte[] forged = new byte[random.nextInt(200)];
            random.nextBytes(forged);
            assertThat(auth.open(A, forged, 0, forged.length)).isNull();
        }
        // The same key yields the same wire key on every member.
        assertThat(MessageAuthenticator.of(Optional.of(key)).open(A, sealed, 0, sealed.length)).isNotNull();
    }

    @Test
    void withoutAKeyMessagesPassAsTheyAre() {
        MessageAuthenticator none = MessageAuthenticator.of(Optional.empty());
        byte[] encoded = state();
        assertThat(none.enabled()).isFalse();
        assertThat(none.seal(A, encoded)).isEqualTo(encoded);
        assertThat(none.open(A, encoded, 0, encoded.length)).isEqualTo(encoded);
    }
}
