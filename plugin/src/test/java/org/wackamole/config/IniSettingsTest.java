package org.wackamole.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IniSettingsTest {
    @Test
    void readsKeyValueLinesAndSkipsCommentsAndOptions() {
        String ini = """
                # --------------------------------------- 
                # Module: wackamole
                --module=wackamole
                ## wackamole.vips=commented out
                wackamole.vips = 198.51.100.10,198.51.100.11
                wackamole.prefer=
                jetty.http.port=8080
                """;
        assertThat(IniSettings.parse(ini))
                .containsEntry("wackamole.vips", "198.51.100.10,198.51.100.11")
                .containsEntry("wackamole.prefer", "")
                .containsEntry("jetty.http.port", "8080")
                .hasSize(3);
    }
}
