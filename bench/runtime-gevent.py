#!/usr/bin/env python3
"""The workloads of greenloom's runtime JMH benchmarks (runtime/jmh), in gevent.

Prints one JSON object per line: {"bench", "impl": "gevent", "param", "unit", "values", "median"}.
Usage: runtime-gevent.py [--iterations N] [--seconds S] [WORKLOAD ...]
Workloads: spawn_join ping_pong queue pool_map sleepers footprint (default: all). Each sleepers shot
runs in a fresh interpreter and also reports its ru_maxrss growth per greenlet; that is not the cost
of a parked greenlet, because the first sleepers wake before the last start. footprint parks N
greenlets in an hour-long sleep in a fresh interpreter and reports ru_maxrss growth / N.
"""
import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

import gevent
import gevent.pool
import gevent.queue

SPAWN_TASKS = 10_000      # SpawnJoinBenchmark.TASKS
SLEEP = 0.1               # SleepersBenchmark.SLEEP_MILLIS
ROUNDS = 100_000          # ChannelPingPongBenchmark.ROUNDS (2 switches per round)
ITEMS = 100_000           # QueueBenchmark.ITEMS
QUEUE_SIZE = 1_000        # QueueBenchmark.MAXSIZE
MAP_TASKS = 10_000        # PoolMapBenchmark.TASKS


def emit(bench, param, unit, values):
    print(json.dumps({"bench": bench, "impl": "gevent", "param": param, "unit": unit,
                      "values": [round(v, 3) for v in values], "median": round(statistics.median(values), 3)}),
          flush=True)


def rate(run, ops, iterations, seconds):
    """Ops per second of each timed iteration of `seconds`, after one untimed warm-up iteration."""
    values = []
    for i in range(iterations + 1):
        done, start = 0, time.perf_counter()
        while True:
            run()
            done += ops
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        if i > 0:
            values.append(done / elapsed)
    return values


def empty():
    pass


def spawn_join():
    gevent.joinall([gevent.spawn(empty) for _ in range(SPAWN_TASKS)])


def sleepers(count):
    start = time.perf_counter()
    gevent.joinall([gevent.spawn(gevent.sleep, SLEEP) for _ in range(count)])
    return (time.perf_counter() - start) * 1000


def ping_pong():
    ping, pong = gevent.queue.Channel(), gevent.queue.Channel()

    def pinger():
        for i in range(ROUNDS):
            ping.put(i)
            pong.get()

    def ponger():
        for _ in range(ROUNDS):
            pong.put(ping.get())

    gevent.joinall([gevent.spawn(pinger), gevent.spawn(ponger)])


def queue():
    q = gevent.queue.Queue(QUEUE_SIZE)

    def producer():
        for i in range(ITEMS):
            q.put(i)

    def consumer():
        for _ in range(ITEMS):
            q.get()

    gevent.joinall([gevent.spawn(producer), gevent.spawn(consumer)])


def small(x):
    return x * 2 + 1


def pool_map(size):
    results = gevent.pool.Pool(size).map(small, range(MAP_TASKS))
    assert results[-1] == small(MAP_TASKS - 1)


def sleepers_shot(count):
    """Child process: `count` sleepers joined; prints the time and the ru_maxrss growth per greenlet."""
    gevent.joinall([gevent.spawn(gevent.sleep, 0.001) for _ in range(10_000)])  # warm-up
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    millis = sleepers(count)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"ms": millis, "bytes_per": (after - before) * 1024 / count, "maxrss_mib": after // 1024}))


def park(count):
    """Child process: parks `count` greenlets in an hour-long sleep; prints ru_maxrss growth per greenlet."""
    gevent.joinall([gevent.spawn(gevent.sleep, 0.001) for _ in range(10_000)])  # warm-up
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    jobs = [gevent.spawn(gevent.sleep, 3600) for _ in range(count)]
    gevent.sleep(0)  # the hub runs every new greenlet up to its sleep
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"count": len(jobs), "bytes_per": (after - before) * 1024 / count, "maxrss_mib": after // 1024}))


def in_child(flag, count):
    """Runs --shot or --park in a fresh interpreter, so ru_maxrss (a peak) measures that run alone."""
    out = subprocess.run([sys.executable, __file__, flag, str(count)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def sleepers_in_child(count):
    return in_child("--shot", count)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=1.0, help="length of one throughput iteration")
    parser.add_argument("--sleepers", default="100000,1000000", help="comma-separated sleeper counts")
    parser.add_argument("--shots", type=int, default=3, help="sleepers shots below 1M (1M: one)")
    parser.add_argument("--shot", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--park", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--park-max", type=int, default=100_000,
                        help="largest count for footprint (1M parked gevent greenlets take ~8.5 GB)")
    parser.add_argument("workloads", nargs="*",
                        default=["spawn_join", "ping_pong", "queue", "pool_map", "sleepers", "footprint"])
    args = parser.parse_args()
    if args.shot:
        sleepers_shot(args.shot)
        return
    if args.park:
        park(args.park)
        return
    n, s = args.iterations, args.seconds
    counts = [int(c) for c in args.sleepers.split(",")]
    for workload in args.workloads:
        if workload == "spawn_join":
            emit("spawn_join", "", "tasks/s", rate(spawn_join, SPAWN_TASKS, n, s))
        elif workload == "sleepers":
            for count in counts:
                shots = [sleepers_in_child(count) for _ in range(1 if count >= 1_000_000 else args.shots)]
                emit("sleepers", str(count), "ms", [shot["ms"] for shot in shots])
                emit("sleepers_rss", str(count), "bytes/task", [shot["bytes_per"] for shot in shots])
                emit("peak_rss", str(count), "MiB", [shot["maxrss_mib"] for shot in shots])
        elif workload == "footprint":
            for count in [c for c in counts if c <= args.park_max]:
                parked = in_child("--park", count)
                emit("footprint_rss", str(count), "bytes/parked", [parked["bytes_per"]])
                emit("parked_rss", str(count), "MiB", [parked["maxrss_mib"]])
        elif workload == "ping_pong":
            emit("ping_pong", "", "switches/s", rate(ping_pong, 2 * ROUNDS, n, s))
        elif workload == "queue":
            emit("queue", "", "items/s", rate(queue, ITEMS, n, s))
        elif workload == "pool_map":
            for size in (64, 1000):
                emit("pool_map", str(size), "tasks/s", rate(lambda: pool_map(size), MAP_TASKS, n, s))
        else:
            parser.error("unknown workload " + workload)


if __name__ == "__main__":
    main()
