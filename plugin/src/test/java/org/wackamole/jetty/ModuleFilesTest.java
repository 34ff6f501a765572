package org.wackamole.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.wackamole.config.Setting;

/** The module's ini-template and XML must know every setting the configuration model has. */
class ModuleFilesTest {
    @Test
    void everySettingIsExplainedInTheIniTemplateAndWiredInTheXml() throws Exception {
        String mod = Files.readString(Path.of("src/main/jetty-base/modules/wackamole.mod"));
        String xml = Files.readString(Path.of("src/main/jetty-base/etc/wackamole.xml"));
        String template = mod.substring(mod.indexOf("[ini-template]"));
        for (Setting s : Setting.values()) {
            assertThat(template).as("ini-template lists " + s.key()).contains("# " + s.key() + "=");
            assertThat(xml).as("wackamole.xml wires " + s.key()).contains("<Property name=\"" + s.key() + "\"");
        }
    }
}
