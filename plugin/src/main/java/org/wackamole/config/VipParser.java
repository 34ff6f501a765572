package org.wackamole.config;

import java.net.InetAddress;

/**
 * Reads one address of the pool: {@code [iface:]ip[/prefix]}. IPv6 literals contain colons, so an
 * IPv6 address with an interface is best written {@code eth0:[2001:db8::1]/128}; the unbracketed
 * {@code eth0:2001:db8::1/128} is accepted too whenever the text is not itself a valid IPv6 literal.
 */
final class VipParser {
    private VipParser() {
    }

    static VipAddress parse(String key, String text, String defaultInterface) {
        return parse(key, text, defaultInterface, true);
    }

    /** Only the address matters when {@code interfaceRequired} is false (a preference names a group, not a place). */
    static VipAddress parse(String key, String text, String defaultInterface, boolean interfaceRequired) {
        String body = text;
        Integer prefix = null;
        int slash = body.lastIndexOf('/');
        if (slash >= 0) {
            prefix = parsePrefix(key, text, body.substring(slash + 1));
            body = body.substring(0, slash);
        }

        String iface = null;
        InetAddress address;
        if (body.endsWith("]")) {
            int open = body.indexOf('[');
            if (open < 0 || (open > 0 && body.charAt(open - 1) != ':') || open == 1) {
                throw new ConfigException(key, text, "unbalanced brackets; write [2001:db8::1] or eth0:[2001:db8::1]");
            }
            if (open > 0) {
                iface = body.substring(0, open - 1);
            }
            address = IpLiterals.parse(body.substring(open + 1, body.length() - 1));
            if (address == null || address.getAddress().length != 16) {
                throw new ConfigException(key, text, "brackets must hold an IPv6 address");
            }
        } else {
            address = IpLiterals.parse(body);
            if (address == null) {
                int colon = body.indexOf(':');
                if (colon > 0) {
                    iface = body.substring(0, colon);
                    address = IpLiterals.parse(body.substring(colon + 1));
                }
            }
            if (address == null) {
                throw new ConfigException(key, text, "not an IP address (expected [iface:]ip[/prefix])");
            }
        }

        if (iface != null) {
            checkInterfaceName(key, text, iface);
        } else if (defaultInterface != null) {
            iface = defaultInterface;
        } else if (!interfaceRequired) {
            iface = "unnamed";
        } else {
            throw new ConfigException(key, text, "names no interface and " + Setting.INTERFACE.key() + " is not set");
        }
        checkUsable(key, text, address);

        int max = VipAddress.maxPrefix(address);
        if (prefix == null) {
            prefix = max;
        } else if (prefix > max) {
            throw new ConfigException(key, text, "prefix /" + prefix + " is longer than " + max + " bits");
        }
        return new VipAddress(iface, address, prefix);
    }

    private static int parsePrefix(String key, String text, String digits) {
        if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(Character::isDigit)) {
            throw new ConfigException(key, text, "prefix '/" + digits + "' is not a number");
        }
        int prefix = Integer.parseInt(digits);
        if (prefix < 1) {
            throw new ConfigException(key, text, "prefix /" + prefix + " must be at least 1");
        }
        return prefix;
    }

    /** Linux's own rules for device names (dev_valid_name), so a bad name fails here and not in the kernel. */
    static void checkInterfaceName(String key, String text, String name) {
        if (name.isEmpty() || name.length() > 15 || name.equals(".") || name.equals("..")) {
            throw new ConfigException(key, text, "interface name '" + name + "' must be 1 to 15 characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || c < 0x21 || c > 0x7e) {
                throw new ConfigException(key, text, "interface name '" + name + "' contains '" + c + "'");
            }
        }
    }

    private static void checkUsable(String key, String text, InetAddress address) {
        String why = null;
        if (address.isAnyLocalAddress()) {
            why = "the unspecified address";
        } else if (address.isLoopbackAddress()) {
            why = "a loopback address";
        } else if (address.isMulticastAddress()) {
            why = "a multicast address";
        } else if (address.isLinkLocalAddress()) {
            why = "a link-local address";
        } else if (address.getAddress().length == 4 && (address.getAddress()[0] & 0xff) >= 240) {
            why = "a reserved or broadcast address";
        }
        if (why != null) {
            throw new ConfigException(key, text, IpLiterals.format(address) + " is " + why + " and cannot be a VIP");
        }
    }
}
