package org.wackamole.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Every scenario of {@link FarmTest} on a mixed farm: h1 and h2 run Jetty, h3 runs the stock Tomcat 11
 * distribution with the Tomcat bundle, all in one cluster. Root only.
 */
class MixedFarmTest extends FarmTest {
    private JettyFarm mixed;

    @Override
    JettyFarm newFarm(Path work) throws Exception {
        mixed = new JettyFarm(work, "wackamole-udp.xml", Set.of("h3"));
        return mixed;
    }

    @Test
    @Order(100)
    void h3IsATomcatInTheSameClusterAsTheJettys() throws Exception {
        assertThat(mixed.log("h3")).contains("Apache Tomcat/11.0.24").contains("Server started: Wackamole may claim VIPs");
        assertThat(mixed.log("h1")).contains("Started oejs.Server@").doesNotContain("Apache Tomcat");
        assertThat(mixed.status("h1").state()).isEqualTo("RUNNING");
        assertThat(mixed.status("h3").state()).isEqualTo("RUNNING");
    }
}
