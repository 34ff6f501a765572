package org.wackamole.cluster;

import org.jgroups.JChannel;

/** Makes the JGroups channel a member joins with: the configured stack in production, an in-JVM one in tests. */
@FunctionalInterface
public interface ChannelFactory {
    JChannel create() throws Exception;
}
