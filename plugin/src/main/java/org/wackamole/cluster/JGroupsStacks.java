package org.wackamole.cluster;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jgroups.JChannel;
import org.jgroups.conf.ConfiguratorFactory;
import org.jgroups.conf.ProtocolConfiguration;
import org.jgroups.conf.ProtocolStackConfigurator;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.TP;
import org.jgroups.protocols.pbcast.GMS;
import org.wackamole.config.ConfigException;
import org.wackamole.config.SecuritySettings;
import org.wackamole.config.Setting;
import org.wackamole.config.WackamoleConfig;
import org.wackamole.security.FarmKey;

/** Builds the production channel from {@code wackamole.jgroups.*}. */
public final class JGroupsStacks {
    private JGroupsStacks() {
    }

    public static ChannelFactory fromConfig(WackamoleConfig config) {
        return () -> create(config);
    }

    static JChannel create(WackamoleConfig config) throws Exception {
        String stack = config.jgroupsConfig();
        JChannel channel;
        try (InputStream in = open(stack)) {
            ProtocolStackConfigurator stackConfig = ConfiguratorFactory.getStackConfigurator(in);
            secure(stackConfig.getProtocolStack(), stack, config.security());
            channel = new JChannel(stackConfig);
        }
        TP transport = channel.getProtocolStack().getTransport();
        if (config.jgroupsBindAddress() != null) {
            transport.setBindAddress(config.jgroupsBindAddress());
        }
        // FD_SOCK2 does not take the transport's address: unset, its server listens on the wildcard address and
        // every member introduces itself to its ping peer as [::]:port, the same identity on every host. Replies
        // then go to the wrong connection (even back to the sender itself), a connect to a live ping peer times
        // out (connect_timeout, 1 s) inside the view installation, and that member is falsely suspected.
        FD_SOCK2 fdSock = channel.getProtocolStack().findProtocol(FD_SOCK2.class);
        if (fdSock != null && fdSock.getBindAddress() == null) {
            fdSock.setBindAddress(transport.getBindAddress());
        }
        // Diagnostics listen on a multicast port and answer anyone who asks: off unless a custom stack says otherwise.
        if (stack.startsWith("wackamole-")) {
            transport.getDiagnosticsHandler().setEnabled(false);
        }
        GMS gms = channel.getProtocolStack().findProtocol(GMS.class);
        if (gms != null) {
            gms.printLocalAddress(false); // it prints a banner to stdout, which a server's console does not want
        }
        TCPPING tcpping = channel.getProtocolStack().findProtocol(TCPPING.class);
        if (tcpping != null) {
            if (config.jgroupsInitialHosts().isEmpty()) {
                channel.close();
                throw new ConfigException(Setting.JGROUPS_INITIAL_HOSTS.key(),
                        "is required with the TCP stack " + stack + ": list the peers as ip[port]");
            }
            tcpping.setInitialHosts(config.jgroupsInitialHosts());
        }
        return channel;
    }

    /**
     * Hands the farm key to the stack's SYM_ENCRYPT, or with {@code wackamole.security=none} takes SYM_ENCRYPT and
     * SERIALIZE out. Done on the parsed configuration because JGroups initialises protocols, SYM_ENCRYPT reading its
     * key, while it builds the channel.
     */
    static void secure(List<ProtocolConfiguration> protocols, String stack, SecuritySettings security) {
        boolean encrypted = protocols.stream().anyMatch(p -> isProtocol(p, "SYM_ENCRYPT"));
        if (!security.required()) {
            protocols.removeIf(p -> isProtocol(p, "SYM_ENCRYPT") || isProtocol(p, "SERIALIZE"));
            return;
        }
        if (!encrypted) {
            throw new ConfigException(Setting.JGROUPS_CONFIG.key(), stack, "has no SYM_ENCRYPT, so the farm key would not protect "
                    + "its traffic: add <SYM_ENCRYPT sym_algorithm=\"AES/CBC/PKCS5Padding\" sym_iv_length=\"16\"/> and <SERIALIZE/> "
                    + "above the discovery protocol as in wackamole-udp.xml, or set " + Setting.SECURITY.key() + "=none");
        }
        // Fails here, naming the setting, rather than inside JGroups with a bare keystore exception.
        FarmKey.load(security);
        char[] password = FarmKey.password(security);
        for (ProtocolConfiguration p : protocols) {
            if (isProtocol(p, "SYM_ENCRYPT")) {
                Map<String, String> properties = p.getProperties();
                properties.put("keystore_name", security.keystore().toAbsolutePath().toString());
                properties.put("keystore_type", "PKCS12");
                properties.put("store_password", new String(password));
                properties.put("alias", security.alias());
                // JGroups' default "AES" means ECB, which shows equal blocks of plaintext as equal ciphertext.
                properties.putIfAbsent("sym_algorithm", "AES/CBC/PKCS5Padding");
                properties.putIfAbsent("sym_iv_length", "16");
            }
        }
    }

    private static boolean isProtocol(ProtocolConfiguration p, String name) {
        String n = p.getProtocolName();
        return n.equals(name) || n.endsWith("." + name);
    }

    private static InputStream open(String stack) throws IOException {
        InputStream in = JGroupsStacks.class.getClassLoader().getResourceAsStream(stack);
        if (in != null) {
            return in;
        }
        Path file = Path.of(stack);
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(Setting.JGROUPS_CONFIG.key(), stack, "neither a stack shipped with the plugin nor a readable file");
        }
        return new FileInputStream(file.toFile());
    }
}
