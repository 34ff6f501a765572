[description]
Wackamole: keeps a pool of virtual IP addresses (VIPs) always served by this farm of Jetty
servers, peer to peer over JGroups, with no load balancer in front. Holding a VIP adds the
address to a Linux interface and announces it (gratuitous ARP / neighbour advertisement), which
needs CAP_NET_ADMIN and CAP_NET_RAW.

[tags]
cluster
network

[depend]
server
graceful

[after]
jmx

[lib]
lib/wackamole/*.jar

[xml]
etc/wackamole.xml

[ini-template]
## Wackamole settings. Every key is optional unless marked "required"; the value shown is the default.
## A bad value stops the server at start with a message naming the key.

## Name of the JGroups cluster; every member of one farm uses the same name.
# wackamole.cluster=wackamole

## This member's name, unique in the cluster (default: the host name).
# wackamole.node=web1

## Interface for pool addresses that do not name one.
# wackamole.interface=eth0

## Required. The pool: comma-separated VIP groups. A group is one address [iface:]ip[/prefix]
## (IPv6 as iface:[2001:db8::10]/128), or several joined with '+' that always move together.
## The first address of a group is its identity. Use /32 and /128 (the default when omitted).
# wackamole.vips=198.51.100.10,198.51.100.11,198.51.100.12

## Identities of the groups this member prefers (it gets them back when it rejoins).
# wackamole.prefer=

## A fresh cluster claims nothing for this long unless it sees a mature peer.
# wackamole.mature=5s

## How often the pool is rebalanced, and how many moves a round may make ('all' or a number).
# wackamole.balance.interval=4s
# wackamole.balance.perRound=all

## This member's relative share of the pool.
# wackamole.weight=1

## Partition policy: 'all' (every partition keeps every VIP, as Wackamole) or 'quorum'
## (a partition with fewer than wackamole.quorum members holds nothing).
# wackamole.partition=all
# wackamole.quorum=

## 'linux' holds VIPs for real; 'memory' is a dry run that touches no interface, in a cluster of its own
## (wackamole.cluster + '-dry-run'); 'memory-in-farm' is a dry run that joins wackamole.cluster and holds
## nothing while real members are in it.
# wackamole.network=linux

## Announcements after taking a VIP (the first at once), their spacing, and a periodic refresh (0s: off).
# wackamole.announce.count=3
# wackamole.announce.interval=1s
# wackamole.announce.refresh=0s

## IPv4 hosts or ranges (/20 to /32), e.g. the router, sent an ARP naming each VIP taken; at most this many per second.
# wackamole.notify=
# wackamole.notify.rate=200

## A held address someone removed is put back at once (kernel notifications); this often every
## held address and pool interface is also checked, as a backstop (0s: never put back).
# wackamole.watchdog.interval=2s

## Optional health check: VIPs are held only while this URL answers 2xx; checked every interval,
## drained after threshold failures in a row.
# wackamole.health.url=http://127.0.0.1:8080/health
# wackamole.health.interval=2s
# wackamole.health.threshold=3

## Security: cluster traffic is encrypted and Wackamole's messages authenticated with the farm
## key, an AES key in a PKCS12 keystore, the same file on every member; without one the server does
## not start. Create it once and copy it to every member (mode 0600, owned by the server's user):
##   WACKAMOLE_SECURITY_PASSWORD=... java -cp "$JETTY_BASE/lib/wackamole/*" org.wackamole.security.KeyGen /etc/wackamole/farm.p12
## The password: from passwordFile (first line), else the environment variable
## WACKAMOLE_SECURITY_PASSWORD, else password= here (readable by whoever reads this file).
## wackamole.security=none turns all of this off: anyone on the LAN can then join and take VIPs.
# wackamole.security=required
# wackamole.security.keystore=/etc/wackamole/farm.p12
# wackamole.security.passwordFile=/etc/wackamole/farm.pw
# wackamole.security.password=
# wackamole.security.alias=wackamole

## Hooks: executables run after this member acquired or released a VIP group, or changed state,
## with the event in the environment (WACKAMOLE_EVENT, WACKAMOLE_VIP, WACKAMOLE_GROUP,
## WACKAMOLE_INTERFACE, WACKAMOLE_NODE, ...). They run one at a time on a thread of their own and
## never delay an acquisition or a release; output goes to the log; a run still going after the
## timeout is killed. Failures and timeouts are counted in JMX (HookFailures, HookTimeouts).
# wackamole.hook.acquire=/etc/wackamole/hooks/acquire
# wackamole.hook.release=/etc/wackamole/hooks/release
# wackamole.hook.state=
# wackamole.hook.timeout=10s

## Prometheus metrics at http://ADDRESS/metrics (the JDK's HTTP server, not a Jetty connector);
## off unless set. Bind it to a management address, e.g. 127.0.0.1:9405.
# wackamole.metrics.address=

## Crash clean-up: a file of 'ip -batch' lines removing every address this member may hold, kept
## while it runs (written before it touches any address, removed at a clean stop), so that
## 'ip -force -batch FILE' undoes a kill -9. The systemd unit (etc/wackamole-jetty.service) sets it
## on its command line under its RuntimeDirectory; absolute path; off unless set.
# wackamole.cleanup.file=

## JGroups: the stack (wackamole-udp.xml multicast, wackamole-tcp.xml with TCPPING, or a file),
## the address cluster traffic binds to, and for TCP the peers as ip[port].
# wackamole.jgroups.config=wackamole-udp.xml
# wackamole.jgroups.bindAddress=
# wackamole.jgroups.initialHosts=
