package org.wackamole.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wackamole.network.linux.AddressWatch;

/**
 * Intruders on the farm's LAN (root only): two more hosts on the bridge run the plugin's runtime with the farm's
 * cluster name, pool and stack, one with another farm key, one with none ({@code wackamole.security=none}). Judged
 * from outside: every host's addresses, read over rtnetlink every 10 ms in its namespace, and the client's answers.
 * The farm's VIPs never move and never appear on an intruder, and each intruder says once, as an error, why it claims
 * nothing. (That a member without a key refuses to start is checked apart, in the plugin's tests.)
 */
@Timeout(300)
class IntruderFarmTest {
    private static final List<String> INTRUDERS = List.of("x", "y");
    private static final Duration WATCH = Duration.ofSeconds(20);
    private static final String CANNOT_JOIN = "answer discovery but I cannot join them";

    @Test
    void intrudersWithAnotherKeyOrNoKeyNeverTakeAVipNorMoveOne() throws Exception {
        String why = JettyFarm.whyUnavailable();
        assumeTrue(why == null, why);
        var work = Files.createTempDirectory("wackamole-intruder");
        try (JettyFarm farm = new JettyFarm(work, "wackamole-udp.xml", Set.of(), true, INTRUDERS)) {
            for (String h : JettyFarm.HOSTS) {
                farm.start(h);
            }
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                Map<String, String> a = farm.answers();
                return "h1".equals(a.get("198.51.100.100")) && "h2".equals(a.get("198.51.100.101"))
                        && "h3".equals(a.get("198.51.100.102")) && a.get("2001:db8::100") != null;
            });
            Map<String, String> answers = farm.answers();
            Map<String, Set<InetAddress>> settled = new LinkedHashMap<>();
            for (String h : JettyFarm.HOSTS) {
                settled.put(h, addresses(farm.addressesOn(h)));
            }
            for (String x : INTRUDERS) {
                settled.put(x, Set.of());
            }

            Set<InetAddress> vips = AddressWatch.literals(JettyFarm.VIPS);
            Map<String, List<AddressWatch.Sample>> samples = new LinkedHashMap<>();
            List<AddressWatch> watches = new ArrayList<>();
            try {
                for (String h : settled.keySet()) {
                    List<AddressWatch.Sample> list = new ArrayList<>();
                    samples.put(h, list);
                    watches.add(new AddressWatch(farm.network().ns(h), "veth0", vips, 10, WATCH.toMillis() + 30_000, s -> {
                        synchronized (list) {
                            list.add(s);
                        }
                    }));
                }
                var wrongKey = new LinkedHashMap<String, String>();
                for (String line : FarmKeys.create(work.resolve("intruder-key"), "intruder")) {
                    wrongKey.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
                }
                Process x = farm.startRuntime("x", wrongKey);
                Process y = farm.startRuntime("y", Map.of("wackamole.security", "none"));
                long end = System.nanoTime() + WATCH.toNanos();
                while (System.nanoTime() < end) {
                    assertThat(x.isAlive()).as("the intruder with another key runs:\n" + farm.log("x")).isTrue();
                    assertThat(y.isAlive()).as("the intruder without a key runs:\n" + farm.log("y")).isTrue();
                    Thread.sleep(500);
                }
                assertThat(farm.answers()).as("who answers each VIP, from the client").isEqualTo(answers);
            } finally {
                for (AddressWatch w : watches) {
                    w.close();
                }
            }
            for (Map.Entry<String, List<AddressWatch.Sample>> e : samples.entrySet()) {
                String host = e.getKey();
                List<AddressWatch.Sample> list;
                synchronized (e.getValue()) {
                    list = List.copyOf(e.getValue());
                }
                assertThat(list.size()).as(host + " sampled throughout").isGreaterThan(100);
                List<String> wrong = list.stream().filter(s -> !s.present().equals(settled.get(host)))
                        .map(s -> s.present().stream().map(InetAddress::getHostAddress).collect(Collectors.toCollection(TreeSet::new)).toString())
                        .distinct().toList();
                assertThat(wrong).as(host + "'s pool addresses differed from " + settled.get(host) + " in some samples").isEmpty();
            }
            for (String intruder : INTRUDERS) {
                String log = farm.log(intruder);
                // What each intruder said (the work directory goes with the farm): its warnings and errors.
                System.out.println(intruder + "'s warnings and errors:\n" + log.lines()
                        .filter(l -> l.contains("WARN") || l.contains("ERROR")).limit(20).collect(Collectors.joining("\n")));
                assertThat(log).as(intruder + "'s log").doesNotContain("Acquired");
                long errors = log.lines().filter(l -> l.contains("ERROR") && l.contains(CANNOT_JOIN)).count();
                assertThat(errors).as(intruder + " says once why it claims nothing:\n" + log).isEqualTo(1);
            }
            for (String h : JettyFarm.HOSTS) {
                System.out.println(h + "'s lines about the intruders:\n" + farm.log(h).lines()
                        .filter(l -> l.contains("198.51.100.5") || l.contains("198.51.100.6") || l.matches(".*\\b[xy]\\b.*"))
                        .limit(10).collect(Collectors.joining("\n")));
                assertThat(farm.log(h)).as(h + " never saw an intruder in its view")
                        .doesNotContainPattern("view \\S+: \\[[^\\]]*\\b[xy]\\b");
            }
        }
    }

    private static Set<InetAddress> addresses(List<String> literals) throws Exception {
        return AddressWatch.literals(literals);
    }
}
