#!/usr/bin/python3
"""gevent's classic batch resolver, the peer of `greenloom resolve`.

gevent_resolve.py NAMES_FILE CONCURRENCY [DEADLINE_S]

One greenlet per name doing gevent.socket.gethostbyname, bounded by a gevent Pool, joined with a
deadline. The resolver is gevent's choice from the environment: GEVENT_RESOLVER=ares (c-ares;
server from GEVENTARES_SERVERS, port from GEVENTARES_UDP_PORT) or thread (the default: glibc's
getaddrinfo on a thread pool, server from /etc/resolv.conf). Prints one JSON line:
resolver, names, ok, failed, unfinished, elapsed_s (spawning to joined, without interpreter start), per_s.
"""
import json
import sys
import time

import gevent
import gevent.pool
import gevent.socket


def main():
    path, concurrency = sys.argv[1], int(sys.argv[2])
    deadline = float(sys.argv[3]) if len(sys.argv) > 3 else 300.0
    with open(path) as f:
        names = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    hub = gevent.get_hub()
    resolver_name = type(hub.resolver).__module__
    pool = gevent.pool.Pool(concurrency)
    results = {"ok": 0, "failed": 0}

    def lookup(name):
        try:
            gevent.socket.gethostbyname(name)
            results["ok"] += 1
        except OSError:
            results["failed"] += 1

    start = time.monotonic()
    with gevent.Timeout(deadline, False):
        for name in names:
            pool.spawn(lookup, name)
        pool.join()
    elapsed = time.monotonic() - start
    pool.kill()
    done = results["ok"] + results["failed"]
    print(json.dumps({
        "resolver": resolver_name, "names": len(names), "ok": results["ok"], "failed": results["failed"],
        "unfinished": len(names) - done, "elapsed_s": round(elapsed, 3), "per_s": round(done / elapsed, 1),
    }))


if __name__ == "__main__":
    main()
