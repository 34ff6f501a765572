package org.wackamole.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.wackamole.config.Setting;
import org.wackamole.runtime.SettingNames;

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

    /** The Jetty XML setters and the Tomcat attributes share one naming rule. */
    @Test
    void everySettingHasASetterNamedAsItsAttribute() throws Exception {
        for (Setting s : Setting.values()) {
            String name = SettingNames.attribute(s);
            String setter = "set" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
            assertThat(WackamoleComponent.class.getMethod(setter, String.class)).as(s.key()).isNotNull();
        }
    }
}
