#!/bin/bash
# Wackamole hook: make the VPC route a VIP to this instance when this member acquires it, by
# assigning it as a secondary private IP of this instance's network interface (moving it away from
# the instance that had it). On AWS a VIP added to the OS is not reachable until the VPC knows.
#
#   wackamole.hook.acquire=/opt/jetty-base/etc/hooks/aws-secondary-ip.sh
#
# Needs: the AWS CLI v2, curl, and an instance role allowing ec2:AssignPrivateIpAddresses (and
# ec2:DescribeNetworkInterfaces for the check). The VIPs must lie in the subnet of the interface.
# Nothing is done on release: the next holder's --allow-reassignment moves the address, and an
# unassign racing that assignment could undo it.
set -euo pipefail

[ "${WACKAMOLE_EVENT:-}" = acquire ] || exit 0
case "$WACKAMOLE_VIP" in *:*) echo "IPv6 VIP $WACKAMOLE_VIP: use assign-ipv6-addresses instead"; exit 0 ;; esac

imds=http://169.254.169.254/latest
token=$(curl -sf -m 2 -X PUT "$imds/api/token" -H 'X-aws-ec2-metadata-token-ttl-seconds: 60')
meta() { curl -sf -m 2 -H "X-aws-ec2-metadata-token: $token" "$imds/meta-data/$1"; }

mac=$(cat "/sys/class/net/$WACKAMOLE_INTERFACE/address")
eni=$(meta "network/interfaces/macs/$mac/interface-id")
region=$(meta placement/region)

aws --region "$region" ec2 assign-private-ip-addresses \
    --network-interface-id "$eni" --private-ip-addresses "$WACKAMOLE_VIP" --allow-reassignment
echo "assigned $WACKAMOLE_VIP to $eni ($WACKAMOLE_NODE, $WACKAMOLE_INTERFACE)"
