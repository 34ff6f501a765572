#!/usr/bin/env bash
# The Wackamole demo (see README, "Run it"): three Jetty servers with Wackamole in network namespaces
# on this machine (root), a live table and commands; './demo.sh --tour' runs a short scripted tour
# instead, './demo.sh --local' the in-JVM farm. Without root it says why and runs the in-JVM farm.
set -euo pipefail
cd "$(dirname "$0")"
it=$PWD/integration-tests/target
if [ ! -x $it/overlay/bin/wackatrl ] || [ ! -f $it/wackamole-sample.war ] || [ ! -f $it/demo-classpath.txt ] \
   || [ ! -d $it/test-classes/org/wackamole/it ] || ! ls -d $it/dist/jetty-home-* >/dev/null 2>&1; then
  echo "Building the project (first run only, a few minutes)..."
  # Batch mode and no colours; Maven 3.8 still writes a colour reset (ESC[0m) at exit, which sed drops, so no
  # terminal code of Maven's reaches the screen. Nothing is installed into ~/.m2.
  mvn -B -q -Dstyle.color=never -DskipTests verify -pl integration-tests -am 2>&1 | sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g'
fi
home=$(ls -d $it/dist/jetty-home-* | head -1)
java=java
[ -n "${JAVA_HOME:-}" ] && java=$JAVA_HOME/bin/java
rows=0
if [ -t 0 ] && [ -t 1 ]; then rows=$(stty size 2>/dev/null | cut -d' ' -f1 || echo 0); fi
[ "${rows:-0}" -gt 0 ] 2>/dev/null || rows=24
exec "$java" -Djetty.home="$home" -Dwackamole.overlay=$it/overlay -Dwackamole.war=$it/wackamole-sample.war \
  -Dwackamole.demo.rows="$rows" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$it/test-classes:$(cat $it/demo-classpath.txt)" org.wackamole.it.FarmDemo "$@"
