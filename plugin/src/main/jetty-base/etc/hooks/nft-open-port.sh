#!/bin/bash
# Wackamole hook: let clients reach the web ports on a VIP only while this member holds it, by
# keeping the VIP in an nftables set that an accept rule matches.
#
#   wackamole.hook.acquire=/opt/jetty-base/etc/hooks/nft-open-port.sh
#   wackamole.hook.release=/opt/jetty-base/etc/hooks/nft-open-port.sh
#
# Once, at boot (e.g. in /etc/nftables.conf), a table with the sets and the rule; the input chain's
# other rules decide what happens to the rest:
#   table inet wackamole {
#     set vips4 { type ipv4_addr; }
#     set vips6 { type ipv6_addr; }
#     chain input {
#       type filter hook input priority -10; policy accept;
#       tcp dport { 80, 443 } ip daddr @vips4 accept
#       tcp dport { 80, 443 } ip6 daddr @vips6 accept
#       tcp dport { 80, 443 } drop
#     }
#   }
# Needs CAP_NET_ADMIN, which the server has for its VIPs anyway. NFT_TABLE overrides the table name.
set -euo pipefail

case "${WACKAMOLE_EVENT:-}" in acquire|release) ;; *) exit 0 ;; esac
table=${NFT_TABLE:-wackamole}
case "$WACKAMOLE_VIP" in *:*) set=vips6 ;; *) set=vips4 ;; esac

case "${WACKAMOLE_EVENT:-}" in
  acquire)
    nft add element inet "$table" "$set" "{ $WACKAMOLE_VIP }"
    echo "opened ports on $WACKAMOLE_VIP" ;;
  release)
    # Already gone (a restart flushed the set) is fine: the point is that it is not there.
    nft delete element inet "$table" "$set" "{ $WACKAMOLE_VIP }" 2>/dev/null || true
    echo "closed ports on $WACKAMOLE_VIP" ;;
esac
