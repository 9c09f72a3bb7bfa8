#!/usr/bin/env bash
# Runs the runtime benchmarks of issue 2 and prints markdown tables: greenloom vs raw virtual threads
# vs platform threads (JMH, runtime/jmh) vs gevent (bench/runtime-gevent.py, Debian's python3-gevent),
# Java and gevent groups alternating. About 10 minutes on 2 idle cores (18 at load 15).
#
#   bench/runtime.sh [RESULTS_DIR]        (default: bench/results/runtime-raw; raw JSON kept there)
#
# Knobs (environment): JAVA_HOME (a JDK 25+, default /usr/lib/jvm/temurin-25-jdk-amd64),
# FORKS (JMH forks, 1), ITERATIONS (measured iterations, 5), ITERATION_SECONDS (their length, 1),
# SLEEPERS (sleeper counts, "100000,1000000"), GEVENT_SLEEPERS (100000: 1M gevent sleepers take ~4 min),
# PAIRED_ROUNDS (200), SKIP_BUILD=1 (reuse the jar).
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
out="${1:-$root/bench/results/runtime-raw}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$JAVA_HOME/bin/java"
forks="${FORKS:-1}" iterations="${ITERATIONS:-5}" seconds="${ITERATION_SECONDS:-1}"
sleepers="${SLEEPERS:-100000,1000000}"
python=/usr/bin/python3   # Debian's, where python3-gevent installs
jar="$root/runtime/jmh/target/benchmarks.jar"

if ! "$java" -version 2>&1 | grep -Eq 'version "(2[5-9]|[3-9][0-9])'; then
  echo "runtime.sh: $java is not a JDK 25+; set JAVA_HOME" >&2
  exit 2
fi
if ! "$python" -c 'import gevent' 2>/dev/null; then
  echo "runtime.sh: installing python3-gevent" >&2
  sudo=""; [[ "$(id -u)" == 0 ]] || sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq python3-gevent >&2
fi
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "runtime.sh: building $jar" >&2
  (cd "$root" && MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
    ./mvnw -B -q -Pbench -pl runtime/jmh -am package -DskipTests >&2)
fi

mkdir -p "$out"
rm -f "$out"/jmh-*.json "$out"/*.jsonl
note() { echo "runtime.sh: $* ($(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$out/log.txt" >&2; }
jmh() {  # jmh NAME REGEX [JMH OPTIONS...]
  local name="$1"; shift
  note "JMH $name"
  "$java" -jar "$jar" "$@" -f "$forks" -foe true -rf json -rff "$out/jmh-$name.json" >"$out/jmh-$name.txt" 2>&1
}
gevent() {  # gevent NAME [runtime-gevent.py OPTIONS...]
  local name="$1"; shift
  note "gevent $name"
  "$python" "$root/bench/runtime-gevent.py" --iterations "$iterations" --seconds "$seconds" "$@" >>"$out/gevent.jsonl"
}

echo "# $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "$(free -g | awk '/Mem:/ {print $2}') GiB; $("$java" -version 2>&1 | head -1); $("$python" -c 'import gevent, sys; print("gevent", gevent.__version__, "python", sys.version.split()[0])')" \
  | tee "$out/machine.txt" >&2

throughput=(-wi 2 -w "${seconds}s" -i "$iterations" -r "${seconds}s")
jmh spawn 'SpawnJoinBenchmark|PlatformSpawnJoinBenchmark' "${throughput[@]}"
gevent spawn spawn_join
jmh switch 'ChannelPingPongBenchmark|QueueBenchmark' "${throughput[@]}"
gevent switch ping_pong queue
jmh pool 'PoolMapBenchmark' "${throughput[@]}"
gevent pool pool_map
jmh sleepers '\.SleepersBenchmark' -wi 1 -i 3 -p count="$sleepers" -jvmArgsAppend -Xmx8g
jmh platform-sleepers 'PlatformSleepersBenchmark' -wi 1 -i 3
note "ParkedFootprint"
for count in ${sleepers//,/ }; do
  for impl in greenloom virtual; do
    "$java" -Xmx8g -cp "$jar" dev.greenloom.bench.ParkedFootprint "$impl" "$count" >>"$out/footprint.jsonl"
  done
done
gevent sleepers --sleepers "${GEVENT_SLEEPERS:-100000}" sleepers footprint
note "PairedRatio"
# A fixed, pre-touched heap: without it the first rounds measure the kernel zeroing fresh heap pages.
"$java" -Xms4g -Xmx4g -XX:+AlwaysPreTouch -cp "$jar" dev.greenloom.bench.PairedRatio "${PAIRED_ROUNDS:-200}" >"$out/paired.jsonl"
note "done"

cat "$out/machine.txt"
"$python" "$root/bench/runtime-table.py" "$out"
