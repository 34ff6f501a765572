package org.wackamole.it.outside;

/** {@link KnownFailingFaults} on the Tcp stack. Root only; not run by CI. */
class KnownFailingTcpFaultsTest extends KnownFailingFaults {
    @Override
    String stack() {
        return "wackamole-tcp.xml";
    }
}
