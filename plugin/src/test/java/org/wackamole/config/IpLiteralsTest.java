package org.wackamole.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpLiteralsTest {

    @ParameterizedTest
    @CsvSource({
            "2001:db8:0:0:0:0:0:1, 2001:db8::1",
            "2001:DB8::0:1, 2001:db8::1",
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "0:0:0:0:0:0:0:0, ::",
            "2001:db8::, 2001:db8::",
            "::2001:db8, ::2001:db8",
            "198.51.100.7, 198.51.100.7"})
    void canonicalText(String in, String out) {
        assertThat(IpLiterals.format(IpLiterals.parse(in))).isEqualTo(out);
    }

    @Property(tries = 2000)
    void formatThenParseIsIdentity(@ForAll @Size(16) byte[] v6, @ForAll @Size(4) byte[] v4) throws Exception {
        for (byte[] bytes : new byte[][] {v6, v4}) {
            InetAddress address = InetAddress.getByAddress(bytes);
            if (address.getAddress().length != bytes.length) {
                continue; // IPv4-mapped: the JDK hands back an Inet4Address, we refuse those
            }
            assertThat(IpLiterals.parse(IpLiterals.format(address))).isEqualTo(address);
        }
    }

    @Property(tries = 2000)
    void neverResolvesOrThrows(@ForAll String anything) {
        InetAddress parsed = IpLiterals.parse(anything);
        if (parsed != null) {
            assertThat(anything).matches("[0-9a-fA-F:.]+");
        }
    }
}
