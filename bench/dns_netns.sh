#!/usr/bin/env bash
# Runs gevent's default (thread pool, glibc getaddrinfo) resolver against the benchmark zone.
# glibc takes its nameserver from /etc/resolv.conf, port 53 only, so this runs inside a private
# network + mount namespace (made by bench/dns.sh with `unshare -m -n`): its own loopback, NSD on
# 127.0.0.1:53, optionally the delaying proxy on 127.0.0.2:53, and a resolv.conf bind-mounted over
# /etc/resolv.conf for this namespace only. Nothing outside the namespace sees any of it.
#
# dns_netns.sh ZONE_DIR NAMES_FILE DELAY_MS CONCURRENCY DEADLINE_S   (prints gevent_resolve.py's JSON line)
source "$(dirname "$0")/lib.sh"
zone_dir=$1 names=$2 delay=$3 conc=$4 deadline=$5
WORK=$(mktemp -d /tmp/greenloom-netns.XXXXXX)
trap 'stop_all; rm -rf "$WORK"' EXIT
ip link set lo up
cp "$zone_dir/bench.test.zone" "$WORK/"
nsd_conf "$WORK" 127.0.0.1@53
start_bg nsd "$WORK/nsd.out" nsd -d -c "$WORK/nsd.conf"
wait_udp_dns 53 h000001.bench.test 30 || die "nsd did not answer in the namespace"
ns=127.0.0.1
if [[ $delay != 0 ]]; then
  start_bg proxy "$WORK/proxy.out" "$PY" "$BENCH_DIR/dns_delay_proxy.py" 53 53 "$delay" 127.0.0.2
  ns=127.0.0.2
  sleep 0.5
fi
printf 'nameserver %s\noptions timeout:5 attempts:1\n' "$ns" >"$WORK/resolv.conf"
mount --bind "$WORK/resolv.conf" /etc/resolv.conf
GEVENT_RESOLVER=thread "$PY" "$BENCH_DIR/gevent_resolve.py" "$names" "$conc" "$deadline"
umount /etc/resolv.conf
