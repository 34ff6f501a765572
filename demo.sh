#!/usr/bin/env bash
# Starts a three-node Jetty farm with Wackamole in network namespaces on this machine (root), shows
# who holds each VIP live, kills one node, restarts it, and cleans up. Without root: the same three
# members in one JVM on the in-memory network.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f integration-tests/target/overlay/modules/wackamole.mod ] || [ ! -f integration-tests/target/wackamole-sample.war ]; then
  echo "Building (first run only)..."
  mvn -B -q install -DskipTests
fi
# ./demo.sh --local runs the in-JVM variant even as root.
local=false
[ "${1:-}" = "--local" ] && local=true
exec mvn -B -q -pl integration-tests exec:exec@demo -Ddemo.local=$local
