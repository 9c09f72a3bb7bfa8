#!/usr/bin/env bash
# Resolve benchmark (issue 3): greenloom resolve vs dnsperf (C) vs gevent (c-ares, thread pool)
# against NSD on loopback serving 100,000 generated names, plus a slow server (200 ms per answer).
#
# usage: bench/dns.sh [RUNS]          RUNS = repetitions of each short run (default 3)
# env:   GEVENT_CONC (default 100)    gevent Pool size on the fast server
#        GL_CONC (default 2000)       greenloom --concurrency on the fast server (its own default)
#        SKIP_GREENLOOM=1             peers only
# Prints markdown (machine, commands, per-run rows, medians, targets) on stdout; progress on stderr.
# All traffic goes to 127.0.0.1 (and 127.0.0.2 inside a private network namespace); every run is
# bounded by `timeout`; servers are started here and stopped by PID on exit.
source "$(dirname "$0")/lib.sh"

RUNS=${1:-3}
GEVENT_CONC=${GEVENT_CONC:-100}
GL_CONC=${GL_CONC:-2000}
DELAY_MS=200
SLOW_NAMES=2000

need_pkgs nsd dnsperf python3-gevent time
WORK=$(mktemp -d /tmp/greenloom-dns.XXXXXX)
trap 'stop_all; rm -rf "$WORK"' EXIT
ROWS=$WORK/rows.tsv
: >"$ROWS"

log "generating 100,000 names"
"$PY" "$BENCH_DIR/gen_zone.py" "$WORK" 100000

NSD_PORT=$(free_port)
nsd_conf "$WORK" "127.0.0.1@$NSD_PORT"
start_bg nsd "$WORK/nsd.out" nsd -d -c "$WORK/nsd.conf"
wait_udp_dns "$NSD_PORT" h100000.bench.test 60 || die "nsd did not answer; see $WORK/nsd.log"
NSD_PID=$(pid_of nsd)
PROXY_PORT=$(free_port)
start_bg proxy "$WORK/proxy.out" "$PY" "$BENCH_DIR/dns_delay_proxy.py" "$PROXY_PORT" "$NSD_PORT" "$DELAY_MS"
wait_udp_dns "$PROXY_PORT" h000001.bench.test 20 || die "delaying proxy did not answer"
PROXY_PID=$(pid_of proxy)

GREENLOOM=0
if [[ ${SKIP_GREENLOOM:-0} != 1 ]] && greenloom_ready resolve; then GREENLOOM=1; fi
log "greenloom resolve available: $GREENLOOM"

# record WORKLOAD TOOL RUN RATE ELAPSED WALL CLIENT_CPU SERVER_CPU PROXY_CPU RSS NOTE  (+ load)
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" "$(load_now)" >>"$ROWS"; }

# measure WORKLOAD TOOL RUN NAMES_COUNT PARSER CMD... : run CMD timed while sampling the servers' CPU.
# PARSER sets RATE and ELAPSED from $WORK/out and $WORK/err (and may set NOTE).
measure() {
  local workload=$1 tool=$2 run=$3 count=$4 parser=$5
  shift 5
  local s0 p0 s1 p1
  s0=$(tree_cpu_ticks "$NSD_PID")
  p0=$(tree_cpu_ticks "$PROXY_PID")
  TIMED_STDOUT=$WORK/out timed "$WORK/err" timeout 300 "$@"
  s1=$(tree_cpu_ticks "$NSD_PID")
  p1=$(tree_cpu_ticks "$PROXY_PID")
  RATE=- ELAPSED=- NOTE=""
  "$parser" "$count"
  ((TIMED_RC == 0)) || NOTE="$NOTE exit=$TIMED_RC"
  local server_cpu proxy_cpu
  server_cpu=$(ticks_to_s $((s1 - s0))) proxy_cpu=$(ticks_to_s $((p1 - p0)))
  # gevent-thread runs its own NSD and proxy in a private namespace: ours were idle.
  [[ $tool == gevent-thread ]] && server_cpu=- proxy_cpu=-
  record "$workload" "$tool" "$run" "$RATE" "$ELAPSED" "$TIMED_WALL" "$TIMED_CPU" "$server_cpu" "$proxy_cpu" "$TIMED_RSS_MB" "${NOTE# }"
  log "$workload $tool #$run: rate=$RATE/s elapsed=${ELAPSED}s wall=${TIMED_WALL}s cpu=${TIMED_CPU}s $NOTE"
}

parse_dnsperf() {
  RATE=$(awk '/Queries per second/ { printf "%.0f", $4 }' "$WORK/out")
  ELAPSED=$(awk '/Run time \(s\)/ { printf "%.3f", $4 }' "$WORK/out")
  local lost
  lost=$(awk '/Queries lost/ { print $3 }' "$WORK/out")
  [[ ${lost:-0} == 0 ]] || NOTE="lost=$lost"
  RATE=${RATE:--} ELAPSED=${ELAPSED:--}
}

parse_gevent() {
  RATE=$(sed -n 's/.*"per_s": \([0-9.]*\).*/\1/p' "$WORK/out")
  ELAPSED=$(sed -n 's/.*"elapsed_s": \([0-9.]*\).*/\1/p' "$WORK/out")
  local failed unfinished
  failed=$(sed -n 's/.*"failed": \([0-9]*\).*/\1/p' "$WORK/out")
  unfinished=$(sed -n 's/.*"unfinished": \([0-9]*\).*/\1/p' "$WORK/out")
  [[ ${failed:-0} == 0 && ${unfinished:-0} == 0 ]] || NOTE="failed=$failed unfinished=$unfinished"
  RATE=${RATE:--} ELAPSED=${ELAPSED:--}
}

# greenloom prints one line per name on stdout (ERROR for failures) and a summary on stderr.
# ELAPSED: the summary's own elapsed time, else the wall time.
parse_greenloom() {
  local count=$1 failed
  failed=$(grep -c 'ERROR' "$WORK/out" || true)
  ELAPSED=$(greenloom_elapsed "$WORK/err")
  if [[ -z $ELAPSED ]]; then
    ELAPSED=$TIMED_WALL
    NOTE="elapsed=wall"
  fi
  RATE=$(awk -v n="$count" -v e="$ELAPSED" 'BEGIN { printf "%.0f", n / e }')
  local lines
  lines=$(wc -l <"$WORK/out")
  ((lines == count)) || NOTE="$NOTE lines=$lines"
  ((failed == 0)) || NOTE="$NOTE failed=$failed"
}

GEVENT_ARES=(env GEVENT_RESOLVER=ares GEVENTARES_SERVERS=127.0.0.1)

# --- dnsperf tuning: the setting with the best rate and no lost queries, on 20,000 names -----------
log "tuning dnsperf"
best_rate=0 DNSPERF_OPTS="-c 1 -q 100"
TUNING=""
for opts in "-c 1 -q 50" "-c 1 -q 100" "-c 1 -q 300" "-c 2 -q 200"; do
  dnsperf -s 127.0.0.1 -p "$NSD_PORT" -d "$WORK/dnsperf20000.txt" $opts -T 1 -n 1 -t 5 -b 4096 >"$WORK/tune" 2>&1 || true
  r=$(awk '/Queries per second/ { printf "%.0f", $4 }' "$WORK/tune")
  l=$(awk '/Queries lost/ { print $3 }' "$WORK/tune")
  TUNING="$TUNING \`$opts\`: ${r:-?}/s lost ${l:-?};"
  if [[ ${l:-1} == 0 ]] && ((${r:-0} > best_rate)); then best_rate=$r DNSPERF_OPTS=$opts; fi
done
log "dnsperf options: $DNSPERF_OPTS ($TUNING)"

# --- fast server: 20,000 and 100,000 names; tools alternate within each run ------------------------
for n in 20000 100000; do
  for run in $(seq "$RUNS"); do
    measure "fast-$n" dnsperf "$run" "$n" parse_dnsperf \
      dnsperf -s 127.0.0.1 -p "$NSD_PORT" -d "$WORK/dnsperf$n.txt" $DNSPERF_OPTS -T 1 -n 1 -t 5 -b 4096
    if ((GREENLOOM)); then
      measure "fast-$n" greenloom "$run" "$n" parse_greenloom \
        "$REPO_DIR/greenloom" resolve --type A --resolver "127.0.0.1:$NSD_PORT" --concurrency "$GL_CONC" "$WORK/names$n.txt"
    fi
    # gevent at ~2-6 k/s: 100,000 names take 20-50 s, so once.
    if ((n == 20000 || run == 1)); then
      measure "fast-$n" gevent-ares "$run" "$n" parse_gevent "${GEVENT_ARES[@]}" GEVENTARES_UDP_PORT="$NSD_PORT" \
        "$PY" "$BENCH_DIR/gevent_resolve.py" "$WORK/names$n.txt" "$GEVENT_CONC" 120
    fi
  done
done
measure fast-20000 gevent-thread 1 20000 parse_gevent \
  unshare -m -n bash "$BENCH_DIR/dns_netns.sh" "$WORK" "$WORK/names20000.txt" 0 "$GEVENT_CONC" 120

# --- slow server: 2,000 names, each answer 200 ms late; everything in flight at once ---------------
for run in $(seq "$RUNS"); do
  measure "slow-$SLOW_NAMES" dnsperf "$run" "$SLOW_NAMES" parse_dnsperf \
    dnsperf -s 127.0.0.1 -p "$PROXY_PORT" -d "$WORK/dnsperf$SLOW_NAMES.txt" -c 1 -q "$SLOW_NAMES" -T 1 -n 1 -t 5 -b 4096
  if ((GREENLOOM)); then
    measure "slow-$SLOW_NAMES" greenloom "$run" "$SLOW_NAMES" parse_greenloom \
      "$REPO_DIR/greenloom" resolve --type A --resolver "127.0.0.1:$PROXY_PORT" --concurrency "$SLOW_NAMES" "$WORK/names$SLOW_NAMES.txt"
  fi
  measure "slow-$SLOW_NAMES" gevent-ares "$run" "$SLOW_NAMES" parse_gevent "${GEVENT_ARES[@]}" GEVENTARES_UDP_PORT="$PROXY_PORT" \
    "$PY" "$BENCH_DIR/gevent_resolve.py" "$WORK/names$SLOW_NAMES.txt" "$SLOW_NAMES" 120
done
# gevent's default resolver: 10 threads, so 2,000 x 200 ms / 10 = 40 s; once, with a 90 s deadline.
measure "slow-$SLOW_NAMES" gevent-thread 1 "$SLOW_NAMES" parse_gevent \
  unshare -m -n bash "$BENCH_DIR/dns_netns.sh" "$WORK" "$WORK/names$SLOW_NAMES.txt" "$DELAY_MS" "$SLOW_NAMES" 90

# --- report -------------------------------------------------------------------------------------
med() { # WORKLOAD TOOL COLUMN (13: names per client CPU second)
  median $(awk -F'\t' -v w="$1" -v t="$2" -v c="$3" '{ split($1, k, "-"); $13 = ($7 > 0) ? k[2] / $7 : "-" }
    $1 == w && $2 == t && $c != "-" { print $c }' "$ROWS")
}

echo "## Resolve benchmark (bench/dns.sh $RUNS)"
echo
machine_info
echo "- server: NSD $(nsd -v 2>&1 | head -1 | awk '{ print $3 }'), server-count 1, on 127.0.0.1:$NSD_PORT, zone bench.test with 100,000 A records"
echo "- slow server: bench/dns_delay_proxy.py on 127.0.0.1:$PROXY_PORT, forwarding to NSD, each answer sent ${DELAY_MS} ms after its query arrived"
echo "- dnsperf $(dnsperf -h 2>&1 | grep -m1 -oE 'version [0-9.]+' || true): \`dnsperf -s 127.0.0.1 -p PORT -d FILE $DNSPERF_OPTS -T 1 -n 1 -t 5 -b 4096\` (tuning on 20,000 names:$TUNING)"
echo "- gevent $("$PY" -c 'import gevent; print(gevent.__version__)'): \`GEVENT_RESOLVER=ares GEVENTARES_SERVERS=127.0.0.1 GEVENTARES_UDP_PORT=PORT python3 bench/gevent_resolve.py FILE $GEVENT_CONC\` (Pool of $GEVENT_CONC on the fast server, $SLOW_NAMES on the slow one); gevent-thread = \`GEVENT_RESOLVER=thread\` (glibc, 10 threads) inside \`unshare -m -n\` with NSD on 127.0.0.1:53 (bench/dns_netns.sh)"
echo "- greenloom $(git -C "$REPO_DIR" log -1 --format=%h): \`./greenloom resolve --type A --resolver 127.0.0.1:PORT --concurrency $GL_CONC FILE\` ($SLOW_NAMES on the slow server; \`--type A\` because its default is A and AAAA, two queries a name, while dnsperf and gethostbyname ask for A only)$( ((GREENLOOM)) || echo ' — NOT RUN: `greenloom resolve` not available on this branch')"
echo
echo "rate = names / elapsed; elapsed = the tool's own clock (dnsperf run time; gevent: spawn to join, without interpreter start; greenloom: its summary's elapsed if printed, else wall); wall includes process start (JVM, Python); client CPU = user + system CPU seconds of the tool's process (on a shared, busy machine this says more than wall time; includes the JVM's start and JIT); names per CPU s = names / client CPU. server CPU = NSD's utime+stime over the run, proxy CPU = the delaying proxy's."
echo
echo "| workload | tool | run | rate (names/s) | elapsed s | wall s | client CPU s | server CPU s | proxy CPU s | peak RSS MB | note | load |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
rows_table "$ROWS"
echo
echo "### Medians"
echo
echo "| workload | tool | runs | rate (names/s) | elapsed s | wall s | client CPU s | names per CPU s | server CPU s |"
echo "|---|---|---|---|---|---|---|---|---|"
medians_table "$ROWS" 4 5 6 7 13 8
echo
echo "### Targets (issue 3)"
echo
echo "| target | measured | met? |"
echo "|---|---|---|"
for n in 20000 100000; do
  g=$(med "fast-$n" greenloom 4) d=$(med "fast-$n" dnsperf 4)
  r=$(ratio "$g" "$d")
  # Judged on the unrounded rates: 0.4953 prints as 0.50 but misses.
  met=$(awk -v g="$g" -v d="$d" 'BEGIN { print (g == "-" || d == "-") ? "not run" : (g >= 0.5 * d ? "met" : "missed") }')
  echo "| greenloom >= 0.5x dnsperf, $n names | greenloom $g/s vs dnsperf $d/s = ${r}x | $met |"
done
g=$(med "slow-$SLOW_NAMES" greenloom 5) ga=$(med "slow-$SLOW_NAMES" gevent-ares 5)
met=$(awk -v g="$g" 'BEGIN { print (g == "-") ? "not run" : (g <= 0.4 ? "met" : "missed") }')
echo "| $SLOW_NAMES names at ${DELAY_MS} ms in <= 0.4 s | greenloom ${g} s (wall $(med "slow-$SLOW_NAMES" greenloom 6) s) | $met |"
met=$(awk -v g="$g" -v a="$ga" 'BEGIN { print (g == "-") ? "not run" : (g < a ? "met" : "missed") }')
echo "| ahead of gevent+c-ares on the slow server | greenloom ${g} s vs gevent-ares ${ga} s | $met |"
