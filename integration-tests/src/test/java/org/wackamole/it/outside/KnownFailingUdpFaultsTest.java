package org.wackamole.it.outside;

/** {@link KnownFailingFaults} on the Udp stack. Root only; not run by CI. */
class KnownFailingUdpFaultsTest extends KnownFailingFaults {
    @Override
    String stack() {
        return "wackamole-udp.xml";
    }
}
