package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jgroups.Address;
import org.jgroups.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Names as the view gives them (in view order) and as the engine gets them; '*' marks a duplicate. */
class NameClaimsTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "a b c           | a b c",
            "web web         | web web#1*",
            "web web web     | web web#1* web#2*",
            "a web b web web | a web b web#3* web#4*",
            // a real member already called web#1: the generated name steps aside, never the real one
            "web web web#1   | web web#1#* web#1",
            "web web#2 web web | web web#2 web#2#* web#3*",
    })
    void laterMembersUnderATakenNameAreDuplicates(String given, String expected) {
        List<Address> view = new ArrayList<>();
        Map<Address, String> nodes = new LinkedHashMap<>();
        String[] names = given.trim().split("\\s+");
        for (int i = 0; i < names.length; i++) {
            Address a = new UUID(0, i + 1);
            view.add(a);
            nodes.put(a, names[i]);
        }
        NameClaims claims = NameClaims.of(view, nodes);
        List<String> got = view.stream().map(a -> claims.names().get(a) + (claims.duplicates().contains(a) ? "*" : "")).toList();
        assertThat(String.join(" ", got)).isEqualTo(expected.trim());
        assertThat(claims.names().values()).doesNotHaveDuplicates();
    }
}
