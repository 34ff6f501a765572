package org.wackamole.cluster.wire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.jgroups.Address;
import org.jgroups.util.ByteArrayDataOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wackamole.config.Setting;
import org.wackamole.config.WackamoleConfig;
import org.wackamole.security.FarmKey;

/**
 * Authenticates Wackamole's own messages: an HMAC-SHA256 tag, under a key derived from the farm key, over the sender's
 * JGroups address and the encoded message (which names its view and round). SYM_ENCRYPT's AES/CBC hides the traffic but
 * does not authenticate it (CBC ciphertext can be altered, replayed, relabelled with another sender); a message whose tag
 * does not verify was written by nobody holding the key, or altered, and is dropped.
 *
 * <p>The tag binds the sender, so a message captured from one member cannot be replayed as another's; it binds the
 * view and round through the encoding, so a replay in a later round is dropped as old. With
 * {@code wackamole.security=none} there is no key and messages go out and are taken as they are.
 */
public final class MessageAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(MessageAuthenticator.class);
    /** Bytes of the tag appended to every message. */
    public static final int TAG_LENGTH = 32;
    /** Domain separation: the wire key is not the encryption key, and a later wire version gets another one. */
    private static final byte[] CONTEXT = "wackamole-wire-v2".getBytes(StandardCharsets.US_ASCII);
    private static final String HMAC = "HmacSHA256";

    private static final MessageAuthenticator NONE = new MessageAuthenticator(null);

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    private MessageAuthenticator(SecretKeySpec key) {
        this.key = key;
        this.macs = key == null ? null : ThreadLocal.withInitial(this::newMac);
    }

    /** The authenticator for this member's settings: it refuses to exist without a key unless security is off. */
    public static MessageAuthenticator forConfig(WackamoleConfig config) {
        Optional<SecretKey> farmKey = FarmKey.load(config.security());
        if (farmKey.isEmpty()) {
            LOG.warn("{}=none: cluster traffic is neither encrypted nor authenticated; anyone on the network can join "
                    + "cluster '{}', read its state and take its VIPs", Setting.SECURITY.key(), config.cluster());
        }
        return of(farmKey);
    }

    public static MessageAuthenticator of(Optional<SecretKey> farmKey) {
        return farmKey.map(k -> new MessageAuthenticator(derive(k))).orElse(NONE);
    }

    public boolean enabled() {
        return key != null;
    }

    /** The encoded message with its tag appended; unchanged without a key. */
    public byte[] seal(Address sender, byte[] encoded) {
        if (key == null) {
            return encoded;
        }
        byte[] out = Arrays.copyOf(encoded, encoded.length + TAG_LENGTH);
        byte[] tag = tag(sender, encoded, 0, encoded.length);
        System.arraycopy(tag, 0, out, encoded.length, TAG_LENGTH);
        return out;
    }

    /**
     * The encoded message without its tag if the tag verifies for this sender, else null; without a key, the bytes as
     * they are.
     */
    public byte[] open(Address sender, byte[] buf, int offset, int length) {
        if (key == null) {
            return Arrays.copyOfRange(buf, offset, offset + length);
        }
        if (length < TAG_LENGTH || sender == null) {
            return null;
        }
        int bodyLength = length - TAG_LENGTH;
        byte[] expected = tag(sender, buf, offset, bodyLength);
        byte[] actual = Arrays.copyOfRange(buf, offset + bodyLength, offset + length);
        if (!MessageDigest.isEqual(expected, actual)) { // constant time
            return null;
        }
        return Arrays.copyOfRange(buf, offset, offset + bodyLength);
    }

    private byte[] tag(Address sender, byte[] buf, int offset, int length) {
        Mac mac = macs.get();
        mac.update(addressBytes(sender));
        mac.update(buf, offset, length);
        return mac.doFinal();
    }

    private static byte[] addressBytes(Address address) {
        ByteArrayDataOutputStream out = new ByteArrayDataOutputStream(32);
        try {
            address.writeTo(out);
        } catch (Exception e) {
            throw new IllegalStateException("cannot encode address " + address, e);
        }
        return Arrays.copyOf(out.buffer(), out.position());
    }

    /** HMAC-SHA256(farm key, "wackamole-wire-v2"): a key of its own for the wire, never the cipher's key itself. */
    private static SecretKeySpec derive(SecretKey farmKey) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(farmKey.getEncoded(), HMAC));
            return new SecretKeySpec(mac.doFinal(CONTEXT), HMAC);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
