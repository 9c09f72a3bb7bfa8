# Shared shell functions for the benchmarks in bench/. Source it; don't run it.
# Everything here talks to 127.0.0.1 only and every wait loop is bounded.

set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
# Debian's python3 (with python3-gevent / python3-scrapy), never a pyenv shim on PATH.
PY=/usr/bin/python3
CLK_TCK=$(getconf CLK_TCK)
BENCH_PIDS=()

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 2; }

# need_pkgs PKG... : apt-get install the Debian packages that are not installed yet (update once per script).
_APT_UPDATED=0
need_pkgs() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  if ((_APT_UPDATED == 0)); then
    log "apt-get update"
    apt-get update -q >/dev/null
    _APT_UPDATED=1
  fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

# free_port : print a TCP+UDP port on 127.0.0.1 that is free right now.
free_port() {
  "$PY" - <<'EOF'
import socket
for _ in range(50):
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.bind(("127.0.0.1", 0))
    port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        u.close()
        t.close()
    print(port)
    break
EOF
}

# start_bg NAME LOGFILE CMD... : start CMD in the background, remember its PID (prints it to NAME.pid in $WORK).
start_bg() {
  local name=$1 logf=$2
  shift 2
  "$@" >"$logf" 2>&1 &
  local pid=$!
  BENCH_PIDS+=("$pid")
  echo "$pid" >"$WORK/$name.pid"
  log "started $name pid $pid: $*"
}

# pid_of NAME : the PID start_bg recorded.
pid_of() { cat "$WORK/$1.pid"; }

# stop_pid PID : SIGTERM, wait up to 5 s, then SIGKILL. Only the given PID (and what it reaps itself).
stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# stop_all : stop every process start_bg started, newest first (installed as an EXIT trap by the scripts).
stop_all() {
  local i
  for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${BENCH_PIDS[i]}"; done
  BENCH_PIDS=()
}

# wait_tcp PORT [SECONDS] : wait until something accepts TCP on 127.0.0.1:PORT (bounded).
wait_tcp() {
  local port=$1 secs=${2:-20} i
  for ((i = 0; i < secs * 10; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  die "nothing listens on 127.0.0.1:$port after ${secs}s"
}

# wait_udp_dns PORT NAME [SECONDS] : wait until a DNS server on 127.0.0.1:PORT answers NAME (bounded).
wait_udp_dns() {
  local port=$1 name=$2 secs=${3:-20}
  "$PY" - "$port" "$name" "$secs" <<'EOF'
import socket, struct, sys, time
port, name, secs = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
q = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
q += b"".join(bytes([len(l)]) + l.encode() for l in name.rstrip(".").split(".")) + b"\0" + struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.2)
end = time.monotonic() + secs
while time.monotonic() < end:
    try:
        s.sendto(q, ("127.0.0.1", port))
        r, _ = s.recvfrom(4096)
        if r[:2] == q[:2]:
            sys.exit(0)
    except OSError:
        pass
sys.exit(1)
EOF
}

# descendants PID : PID and all its descendants, one a line.
descendants() {
  local c
  echo "$1"
  for c in $(pgrep -P "$1" || true); do descendants "$c"; done
}

# tree_cpu_ticks PID : utime+stime (clock ticks) of PID and its live descendants, from /proc/PID/stat
# (NSD runs as xfrd -> main -> server children, so the whole tree counts).
tree_cpu_ticks() {
  local total=0 p rest
  for p in $(descendants "$1"); do
    [[ -r /proc/$p/stat ]] || continue
    rest=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null) || continue
    # after "pid (comm) ": state=$1 ... utime=$12 stime=$13
    set -- $rest
    total=$((total + ${12} + ${13}))
  done
  echo "$total"
}

# ticks_to_s TICKS : seconds with 2 decimals.
ticks_to_s() { awk -v t="$1" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }'; }

# now : monotonic-ish wall clock in seconds with ns.
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# median X... : the median of the numbers (mean of the middle two for an even count); "-" if none.
# Printed whole from 100 up, else with 3 decimals.
median() {
  (($# == 0)) && { echo "-"; return; }
  printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END {
    m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    printf (m >= 100 ? "%.0f" : "%.3f"), m }'
}

# ratio A B : A / B with 2 decimals ("-" if either is missing or B is 0).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }

# timed OUTFILE CMD... : run CMD with /usr/bin/time -v, stdout to $TIMED_STDOUT (default /dev/null),
# stderr to OUTFILE. Sets TIMED_WALL (s), TIMED_CPU (user + system CPU s of CMD and its children),
# TIMED_RSS_MB (peak RSS of the largest process) and TIMED_RC. On a machine shared with other
# work, CPU seconds say more about a tool's cost than wall time does.
timed() {
  local out=$1
  shift
  local t0 t1
  t0=$(now)
  set +e
  /usr/bin/time -v "$@" >"${TIMED_STDOUT:-/dev/null}" 2>"$out"
  TIMED_RC=$?
  set -e
  t1=$(now)
  TIMED_WALL=$(elapsed "$t0" "$t1")
  TIMED_RSS_MB=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$out")
  TIMED_RSS_MB=${TIMED_RSS_MB:--}
  TIMED_CPU=$(awk -F': ' '/User time|System time/ { t += $2 } END { printf "%.2f", t }' "$out")
}

# machine_info : markdown lines describing the machine and its load right now.
machine_info() {
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(free -g | awk '/Mem:/ { print $2 }') GiB RAM, $(uname -r)"
  echo "- load (uptime): $(uptime | sed 's/.*load average/load average/')"
}

# load_now : the 1-minute load average.
load_now() { cut -d' ' -f1 /proc/loadavg; }

# greenloom_ready SUBCOMMAND : true if ./greenloom has the subcommand (builds it if sources changed).
greenloom_ready() {
  [[ -x $REPO_DIR/greenloom ]] || return 1
  (cd "$REPO_DIR" && timeout 600 ./greenloom "$1" --help >/dev/null 2>&1)
}

# nsd_conf DIR ADDR@PORT : write DIR/nsd.conf for an unprivileged-path, foreground NSD serving DIR/bench.test.zone
# with one server process (the machine has 2 cores, and the clients need one).
nsd_conf() {
  local dir=$1 listen=$2
  cat >"$dir/nsd.conf" <<CONF
server:
  ip-address: $listen
  server-count: 1
  username: ""
  chroot: ""
  zonesdir: "$dir"
  database: ""
  zonelistfile: "$dir/zone.list"
  xfrdfile: "$dir/xfrd.state"
  pidfile: "$dir/nsd.pid"
  logfile: "$dir/nsd.log"
  verbosity: 0
  hide-version: yes
remote-control:
  control-enable: no
zone:
  name: bench.test
  zonefile: bench.test.zone
CONF
}

# greenloom_elapsed FILE : the elapsed seconds greenloom's summary (on stderr, in FILE) reports, e.g.
# "... lookups in 1.23 s (...)" or "elapsed 1.23 s" / "elapsed 850 ms"; nothing if it prints none.
greenloom_elapsed() {
  grep -v -e '^\s' -e 'Command being timed' "$1" |
    grep -ioE '(elapsed|in)[ :=]*[0-9]+([.,][0-9]+)? ?m?s\b' | tail -1 |
    sed -E 's/^[A-Za-z]+[ :=]*//; s/,/./' |
    awk '{ v = $1 + 0; if ($0 ~ /ms$/) v /= 1000; printf "%.3f", v }' || true
}

# Prints the run rows of ROWS (a tab-separated file, 12 columns) as markdown table rows.
rows_table() {
  awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 }' "$1"
}

# Prints one markdown row per (workload, tool) of ROWS ($1): workload, tool, number of runs, then the
# median of each column number given after ROWS, as the calling script's `med WORKLOAD TOOL COLUMN` computes it.
medians_table() {
  local rows=$1
  shift
  local w t n line c
  while IFS=$'\t' read -r w t; do
    n=$(awk -F'\t' -v w="$w" -v t="$t" '$1 == w && $2 == t' "$rows" | wc -l)
    line="| $w | $t | $n"
    for c in "$@"; do
      line+=" | $(med "$w" "$t" "$c")"
    done
    echo "$line |"
  done < <(cut -f1,2 "$rows" | awk '!seen[$0]++')
}
