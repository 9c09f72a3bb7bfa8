#!/usr/bin/env bash
# Crawl benchmark (issue 4): greenloom crawl vs wget (recursive, -i list) vs Scrapy, with nginx's own
# capacity measured by wrk, on generated static sites served by nginx on loopback:
#   fast: 10,000 linked pages (10-31 KB, 10-20 links each);
#   slow: 2,000 pages, every response 100 ms late (nginx's echo module: echo_sleep, then the file).
#
# usage: bench/crawl.sh [RUNS]       RUNS = repetitions of each short run (default 3)
# env:   OUT_DIR (default /dev/shm)    where the crawlers write their files: a tmpfs, see below
#        SCRAPY_PAGES (default 500)  Scrapy stops after this many pages (CLOSESPIDER_PAGECOUNT):
#                                    at ~40-80 pages/s a full 10,000-page crawl would take minutes
#        SKIP_GREENLOOM=1            peers only
# Prints markdown (machine, commands, per-run rows, medians, targets) on stdout; progress on stderr.
# All traffic goes to 127.0.0.1; every run is bounded by `timeout`; nginx is stopped by PID on exit.
source "$(dirname "$0")/lib.sh"

RUNS=${1:-3}
SCRAPY_PAGES=${SCRAPY_PAGES:-500}
CONC=64
DELAY_S=0.1
FAST_PAGES=10000
SLOW_PAGES=2000
LIST_URLS=5000

need_pkgs nginx libnginx-mod-http-echo wget wrk python3-scrapy time
WORK=$(mktemp -d /tmp/greenloom-crawl.XXXXXX)
chmod 755 "$WORK" # nginx's workers run as nobody
# The crawlers' files go to a tmpfs, so that the runs measure the crawlers and not the disk's inode
# allocator. On this VM's ext4 (no journal) a file created within minutes of another file's deletion
# costs the kernel a scan of the recently deleted inodes (perf: recently_deleted() in
# __ext4_new_inode): with every run deleting the last run's 10,000 files, writing a mirror took
# 3-4.5 s of system CPU instead of 0.3-1 s, for every tool and by how much the previous run
# had deleted, which made single-connection wget 2.85-7 s in one session.
OUT_BASE=${OUT_DIR:-/dev/shm}
[[ -d $OUT_BASE && -w $OUT_BASE ]] || OUT_BASE=$WORK
DL_ROOT=$(mktemp -d "$OUT_BASE/greenloom-crawl-out.XXXXXX")
DL=$DL_ROOT/dl
trap 'stop_all; rm -rf "$WORK" "$DL_ROOT"' EXIT
STEADY=$WORK/steady.tsv
: >"$STEADY"
ROWS=$WORK/rows.tsv
: >"$ROWS"

log "generating sites ($FAST_PAGES and $SLOW_PAGES pages)"
"$PY" "$BENCH_DIR/gen_site.py" "$WORK/fast" "$FAST_PAGES" 42
"$PY" "$BENCH_DIR/gen_site.py" "$WORK/slow" "$SLOW_PAGES" 43
FAST_BYTES=$(du -sb "$WORK/fast/s" | cut -f1)

FAST_PORT=$(free_port)
SLOW_PORT=$(free_port)
sed -e "s#@WORK@#$WORK#g; s#@FAST_PORT@#$FAST_PORT#; s#@SLOW_PORT@#$SLOW_PORT#; s#@FAST_ROOT@#$WORK/fast#; s#@SLOW_ROOT@#$WORK/slow#; s#@DELAY@#$DELAY_S#g" \
  "$BENCH_DIR/nginx.conf.template" >"$WORK/nginx.conf"
start_bg nginx "$WORK/nginx.out" nginx -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log"
wait_tcp "$FAST_PORT" 20
wait_tcp "$SLOW_PORT" 20
NGINX_PID=$(pid_of nginx)
FAST=http://127.0.0.1:$FAST_PORT
SLOW=http://127.0.0.1:$SLOW_PORT
echo "$FAST/index.html" >"$WORK/fast-start.txt"
echo "$SLOW/index.html" >"$WORK/slow-start.txt"
head -n "$LIST_URLS" "$WORK/fast/urls.txt" | sed "s#^#$FAST#" >"$WORK/list.txt"

GREENLOOM=0
if [[ ${SKIP_GREENLOOM:-0} != 1 ]] && greenloom_ready crawl; then GREENLOOM=1; fi
log "greenloom crawl available: $GREENLOOM"

# record WORKLOAD TOOL RUN PAGES RATE_WALL WALL OWN_ELAPSED CLIENT_CPU SERVER_CPU RSS NOTE  (+ load)
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" "$(load_now)" >>"$ROWS"; }

# measure WORKLOAD TOOL RUN COUNTER CMD... : run CMD timed (bounded by timeout 300 s) while sampling
# nginx's CPU. COUNTER sets PAGES (and may set OWN, the tool's own elapsed seconds, and NOTE).
measure() {
  local workload=$1 tool=$2 run=$3 counter=$4
  shift 4
  rm -rf "$DL"
  mkdir -p "$DL"
  : >"$WORK/slow-access.log" # nginx appends (O_APPEND): the log starts again at 0
  local s0 s1
  s0=$(tree_cpu_ticks "$NGINX_PID")
  TIMED_STDOUT=$WORK/out timed "$WORK/err" timeout "${TIMEOUT:-300}" "$@"
  s1=$(tree_cpu_ticks "$NGINX_PID")
  [[ $workload != slow-* ]] || steady_rate "$workload" "$tool" "$run"
  PAGES=- OWN=- NOTE=""
  "$counter"
  ((TIMED_RC == 0)) || NOTE="$NOTE exit=$TIMED_RC"
  local rate
  rate=$(awk -v p="$PAGES" -v w="$TIMED_WALL" 'BEGIN { if (p == "-") print "-"; else printf "%.0f", p / w }')
  record "$workload" "$tool" "$run" "$PAGES" "$rate" "$TIMED_WALL" "$OWN" "$TIMED_CPU" "$(ticks_to_s $((s1 - s0)))" "$TIMED_RSS_MB" "${NOTE# }"
  log "$workload $tool #$run: $PAGES pages in ${TIMED_WALL}s = $rate pages/s, CPU ${TIMED_CPU}s, RSS ${TIMED_RSS_MB} MB $NOTE"
  rm -rf "$DL"
}

# steady_rate WORKLOAD TOOL RUN : the slow site's responses per second between its 10th and 90th
# percentile response (nginx's access log, $msec at each response's end), into $STEADY: the rate
# once the crawl is under way, without the start (JVM or Python, robots.txt, then index.html and
# the pages it links to, which fill the 64 slots) and the last pages' tail.
steady_rate() {
  sort -g "$WORK/slow-access.log" | awk -v w="$1" -v t="$2" -v r="$3" '{ t_[NR] = $1 } END {
    lo = int(NR * 0.1) + 1; hi = int(NR * 0.9)
    if (NR >= 20 && t_[hi] > t_[lo]) printf "%s\t%s\t%s\t%d\t%.0f\n", w, t, r, NR, (hi - lo) / (t_[hi] - t_[lo])
  }' >>"$STEADY"
}

count_files() { PAGES=$(find "$DL" -type f -name '*.html' | wc -l); }

count_scrapy() {
  PAGES=$(sed -n 's/.*"pages": \([0-9]*\).*/\1/p' "$WORK/out")
  OWN=$(sed -n 's/.*"elapsed_s": \([0-9.]*\).*/\1/p' "$WORK/out")
  PAGES=${PAGES:--} OWN=${OWN:--}
  local errors
  errors=$(sed -n 's/.*"errors": \([0-9]*\).*/\1/p' "$WORK/out")
  [[ ${errors:-0} == 0 ]] || NOTE="errors=$errors"
}

greenloom_own() {
  OWN=$(greenloom_elapsed "$WORK/err")
  OWN=${OWN:--}
}

count_greenloom_out() { count_files; greenloom_own; }

# `greenloom crawl LIST` without an output flag prints a line per URL (status, bytes, ms, url).
count_greenloom_list() {
  PAGES=$(grep -cE '^\s*200\b' "$WORK/out" || true)
  local lines
  lines=$(wc -l <"$WORK/out")
  ((lines == LIST_URLS)) || NOTE="lines=$lines"
  greenloom_own
}

wrk_run() { # WORKLOAD URL
  local out
  out=$(wrk -t 1 -c "$CONC" -d 5s "$2" 2>&1)
  local rps lat bad
  rps=$(echo "$out" | awk '/Requests\/sec/ { printf "%.0f", $2 }')
  lat=$(echo "$out" | awk '/Latency/ { print $2; exit }')
  bad=$(echo "$out" | awk '/Non-2xx/ { print $NF }')
  record "$1" wrk 1 - "$rps" 5 - - - - "requests/s at $CONC connections, mean latency $lat${bad:+, NON-2XX: $bad}"
  log "$1 wrk: $rps requests/s, latency $lat"
}

# --- server capacity -----------------------------------------------------------------------------
wrk_run fast-capacity "$FAST/s/000/00005.html"
wrk_run slow-capacity "$SLOW/s/000/00005.html"

# recursive_peers WORKLOAD RUN SITE_URL START_FILE : greenloom (if available) and, in the first two
# runs, Scrapy crawl a site recursively from its index.html.
recursive_peers() {
  local workload=$1 run=$2 site=$3 start=$4
  if ((GREENLOOM)); then
    measure "$workload" greenloom "$run" count_greenloom_out \
      "$REPO_DIR/greenloom" crawl --depth 100 --concurrency "$CONC" --per-host "$CONC" --out "$DL" "$start"
  fi
  if ((run <= 2)); then
    measure "$workload" scrapy "$run" count_scrapy \
      scrapy runspider "$BENCH_DIR/scrapy_spider.py" -L ERROR -a "start=$site/index.html" -s "CLOSESPIDER_PAGECOUNT=$SCRAPY_PAGES"
  fi
}

# --- fast site, recursive from index.html; tools alternate within each run -------------------------
for run in $(seq "$RUNS"); do
  measure fast-recursive wget-r "$run" count_files \
    wget -r -l inf --no-parent -q -P "$DL" "$FAST/index.html"
  recursive_peers fast-recursive "$run" "$FAST" "$WORK/fast-start.txt"
done

# --- fast site, a list of 5,000 URLs --------------------------------------------------------------
for run in $(seq "$RUNS"); do
  measure fast-list wget-i "$run" count_files wget -q -nd -i "$WORK/list.txt" -P "$DL"
  if ((GREENLOOM)); then
    measure fast-list greenloom "$run" count_greenloom_list \
      "$REPO_DIR/greenloom" crawl --concurrency "$CONC" --per-host "$CONC" "$WORK/list.txt"
  fi
done

# --- slow site (100 ms per response), recursive -----------------------------------------------------
for run in $(seq "$RUNS"); do
  recursive_peers slow-recursive "$run" "$SLOW" "$WORK/slow-start.txt"
done
# wget -r uses one connection: ~10 pages/s here, so a 2,000-page crawl would take minutes; 20 s of it.
TIMEOUT=20 measure slow-recursive wget-r 1 count_files wget -r -l inf --no-parent -q -P "$DL" "$SLOW/index.html"

# --- report -------------------------------------------------------------------------------------
med() { # WORKLOAD TOOL COLUMN (13: pages per client CPU second)
  median $(awk -F'\t' -v w="$1" -v t="$2" -v c="$3" '{ $13 = ($4 != "-" && $8 != "-" && $8 > 0) ? $4 / $8 : "-" }
    $1 == w && $2 == t && $c != "-" { print $c }' "$ROWS")
}

echo "## Crawl benchmark (bench/crawl.sh $RUNS)"
echo
machine_info
echo "- server: nginx $(nginx -v 2>&1 | sed 's#.*nginx/##'), 1 worker process, sendfile, access log only on the slow site (bench/nginx.conf.template)"
echo "- fast site: bench/gen_site.py, $FAST_PAGES pages + index.html + robots.txt (allow all), $((FAST_BYTES / 1048576)) MB, on 127.0.0.1:$FAST_PORT"
echo "- slow site: $SLOW_PAGES pages (seed 43) on 127.0.0.1:$SLOW_PORT, each response delayed ${DELAY_S} s by nginx's echo module (\`echo_sleep $DELAY_S; echo_exec @file;\`)"
echo "- wrk $(wrk -v 2>&1 | head -1 | awk '{ print $2 }'): \`wrk -t 1 -c $CONC -d 5s URL\` (one 10-31 KB page)"
echo "- wget $(wget --version | head -1 | awk '{ print $3 }'): \`wget -r -l inf --no-parent -q -P DIR START/index.html\` (one connection); list: \`wget -q -nd -i list.txt -P DIR\` ($LIST_URLS URLs); slow site: the same recursive run cut at 20 s (\`timeout 20\`)"
echo "- $(scrapy version 2>/dev/null): \`scrapy runspider bench/scrapy_spider.py -L ERROR -a start=START/index.html -s CLOSESPIDER_PAGECOUNT=$SCRAPY_PAGES\` (CrawlSpider, CONCURRENT_REQUESTS=64 and 64 per domain, robots.txt obeyed, stops after $SCRAPY_PAGES pages)"
echo "- output files (wget, greenloom --out): $DL_ROOT ($(stat -f -c %T "$DL_ROOT")), emptied before each run"
echo "- greenloom $(git -C "$REPO_DIR" log -1 --format=%h): \`./greenloom crawl --depth 100 --concurrency $CONC --per-host $CONC --out DIR start.txt\`; list: \`./greenloom crawl --concurrency $CONC --per-host $CONC list.txt\`$( ((GREENLOOM)) || echo ' — NOT RUN: `greenloom crawl` not available on this branch')"
echo
echo "pages = HTML files written (wget, greenloom --out), responses received (Scrapy), lines with status 200 (greenloom list); rate = pages / wall time (process start to exit: includes JVM/Python start); own s = the tool's own clock where it prints one; client CPU = user + system CPU seconds of the tool (on a shared, busy machine this says more than wall time); pages per CPU s = pages / client CPU; server CPU = nginx's utime+stime over the run; peak RSS from /usr/bin/time -v."
echo
echo "| workload | tool | run | pages | pages/s (wall) | wall s | own s | client CPU s | server CPU s | peak RSS MB | note | load |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
rows_table "$ROWS"
echo
echo "### Medians"
echo
echo "| workload | tool | runs | pages | pages/s (wall) | wall s | client CPU s | pages per CPU s | peak RSS MB |"
echo "|---|---|---|---|---|---|---|---|---|"
medians_table "$ROWS" 4 5 6 8 13 10
echo
echo "### Slow site, steady state"
echo
echo "Responses per second between the 10th and the 90th percentile response of each run, from nginx's access log."
echo
echo "| tool | run | responses | steady pages/s |"
echo "|---|---|---|---|"
awk -F'\t' '{ printf "| %s | %s | %s | %s |\n", $2, $3, $4, $5 }' "$STEADY"
echo
echo "### Targets (issue 4)"
echo
echo "| target | measured | met? |"
echo "|---|---|---|"
# verdict A B T: met if A >= T x B, judged on the unrounded values (the printed ratios are rounded)
verdict() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { print (a == "-" || b == "-") ? "not run" : (a >= t * b ? "met" : "missed") }'; }
g=$(med fast-recursive greenloom 5) w=$(med fast-recursive wget-r 5) s=$(med fast-recursive scrapy 5)
r=$(ratio "$g" "$w")
echo "| fast site >= 2x wget -r | greenloom $g pages/s vs wget $w = ${r}x | $(verdict "$g" "$w" 2) |"
r=$(ratio "$g" "$s")
echo "| fast site >= 20x Scrapy | greenloom $g pages/s vs Scrapy $s = ${r}x | $(verdict "$g" "$s" 20) |"
m=$(med fast-recursive greenloom 10)
echo "| peak RSS <= 512 MB | greenloom $m MB | $(awk -v m="$m" 'BEGIN { print (m == "-") ? "not run" : (m <= 512 ? "met" : "missed") }') |"
g=$(med slow-recursive greenloom 5)
limit=$(awk -v c="$CONC" -v d="$DELAY_S" 'BEGIN { printf "%.0f", c / d }')
r=$(ratio "$g" "$limit")
echo "| slow site >= 90% of $CONC / ${DELAY_S} s = $limit pages/s | greenloom $g pages/s = ${r}x of the limit (wrk: $(med slow-capacity wrk 5) requests/s) | $(verdict "$g" "$limit" 0.9) |"
g=$(median $(awk -F'\t' '$1 == "slow-recursive" && $2 == "greenloom" { print $5 }' "$STEADY"))
r=$(ratio "$g" "$limit")
echo "| the same, steady state (10th-90th percentile response) | greenloom $g pages/s = ${r}x of the limit | $(verdict "$g" "$limit" 0.9) |"
g=$(med fast-list greenloom 5) w=$(med fast-list wget-i 5)
r=$(ratio "$g" "$w")
echo "| $LIST_URLS-URL list >= 2x wget -i | greenloom $g pages/s vs wget -i $w = ${r}x | $(verdict "$g" "$w" 2) |"
