#!/usr/bin/env python3
"""Turns the results of bench/runtime.sh into markdown tables and checks issue 2's targets.

Usage: runtime-table.py RESULTS_DIR   (reads jmh-*.json, gevent.jsonl, footprint.jsonl, paired.jsonl there)
Scores are medians over all measured iterations (JMH rawData, all forks) or shots. A "within 10% of
raw VT" target is judged on PairedRatio's median ratio where there is one: on a busy machine it is far
steadier than the ratio of two separate JMH runs.
"""
import glob
import json
import os
import statistics
import sys

BENCHES = {  # JMH class -> (workload, unit, higher is better)
    "SpawnJoinBenchmark": ("spawn_join", "tasks/s", True),
    "PlatformSpawnJoinBenchmark": ("spawn_join", "tasks/s", True),
    "SleepersBenchmark": ("sleepers", "ms", False),
    "PlatformSleepersBenchmark": ("sleepers", "ms", False),
    "ChannelPingPongBenchmark": ("ping_pong", "switches/s", True),
    "QueueBenchmark": ("queue", "items/s", True),
    "PoolMapBenchmark": ("pool_map", "tasks/s", True),
}
TITLES = {
    "spawn_join": "spawn+join of empty tasks (batches of 10,000)",
    "sleepers": "concurrent sleepers of 100 ms, spawned then joined (wall time of one batch)",
    "ping_pong": "Channel ping-pong, 100,000 rounds (2 switches per round)",
    "queue": "Queue(1000), one producer, one consumer, 100,000 items",
    "pool_map": "Pool(size).map of 10,000 small tasks",
    "footprint": "memory per parked sleeper",
}


def load(results):
    """{(workload, param): {impl: (median, values, unit)}}"""
    table = {}

    def add(workload, param, impl, unit, values):
        values = list(values)
        table.setdefault((workload, param), {})[impl] = (statistics.median(values), values, unit)

    for path in sorted(glob.glob(os.path.join(results, "jmh-*.json"))):
        for run in json.load(open(path)):
            cls, method = run["benchmark"].split(".")[-2:]
            workload, unit, _ = BENCHES[cls]
            param = ",".join((run.get("params") or {}).values())
            values = [v for fork in run["primaryMetric"]["rawData"] for v in fork]
            add(workload, param, method, unit, values)
    for path in sorted(glob.glob(os.path.join(results, "*.jsonl"))):
        for line in open(path):
            row = json.loads(line)
            if row["bench"] == "paired":  # PairedRatio: greenloom ÷ VT per round, and CPU per op
                table.setdefault(("paired", row["workload"], row["param"]), row)
            elif row["bench"] == "footprint":  # ParkedFootprint
                add("footprint", str(row["count"]), row["impl"] + " heap", "bytes", [row["heapBytesPer"]])
                add("footprint", str(row["count"]), row["impl"] + " RSS", "bytes", [row["rssBytesPer"]])
            elif row["bench"] == "footprint_rss":  # gevent: ru_maxrss growth with N parked greenlets
                add("footprint", row["param"], "gevent RSS", "bytes", row["values"])
            elif row["bench"] not in ("peak_rss", "parked_rss", "sleepers_rss"):
                add(row["bench"], row["param"], "gevent", row["unit"], row["values"])
    return table


def fmt(x):
    return f"{x:,.0f}" if x >= 100 else f"{x:.2f}"


def print_tables(table):
    by_workload = {}
    for key, impls in table.items():
        if key[0] == "paired":
            continue
        workload, param = key
        by_workload.setdefault(workload, []).append((param, impls))
    for workload in TITLES:
        if workload not in by_workload:
            continue
        print(f"\n### {TITLES[workload]}\n")
        rows = sorted(by_workload[workload], key=lambda r: int(r[0] or 0))
        impls = sorted({impl for _, cells in rows for impl in cells}, key=order)
        head = ["param"] + impls + (["greenloom ÷ VT", "greenloom ÷ gevent"] if workload != "footprint" else [])
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for param, cells in rows:
            unit = next(iter(cells.values()))[2]
            line = [f"{param or '-'} ({unit})"]
            line += [fmt(cells[i][0]) if i in cells else "n/a" for i in impls]
            if workload != "footprint":
                line += [ratio(cells, "greenloom", "virtualThreads"), ratio(cells, "greenloom", "gevent")]
            print("| " + " | ".join(line) + " |")


def order(impl):
    for rank, prefix in enumerate(["greenloom", "virtual", "platform", "gevent"]):
        if impl.startswith(prefix):
            return rank, impl
    return 9, impl


def ratio(cells, a, b):
    return f"{cells[a][0] / cells[b][0]:.2f}" if a in cells and b in cells else "n/a"


def print_paired(table):
    rows = [row for key, row in table.items() if key[0] == "paired"]
    if not rows:
        return
    print("\n### greenloom ÷ raw virtual threads, paired batches in one JVM (PairedRatio)\n")
    print("| workload | rounds | greenloom (ops/s) | VT (ops/s) | ratio median [p25, p75] | CPU ns/op greenloom | CPU ns/op VT | CPU ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['workload']} {r['param']} | {r['rounds']} | {fmt(r['greenloom'])} | {fmt(r['virtualThreads'])} | "
              f"{r['ratio']:.2f} [{r['ratioP25']:.2f}, {r['ratioP75']:.2f}] | {r['greenloomCpuNsPerOp']:.0f} | "
              f"{r['virtualCpuNsPerOp']:.0f} | {r['cpuRatio']:.2f} |")


def check(table):
    print("\n### issue 2 targets\n")
    print("| target | numbers | verdict |")
    print("|---|---|---|")

    def get(workload, param, impl):
        cell = table.get((workload, param), {}).get(impl)
        return cell[0] if cell else None

    def verdict(name, ok, numbers):
        print(f"| {name} | {numbers} | {'n/a' if ok is None else 'met' if ok else 'MISSED'} |")

    def within(workload, param, higher_is_better=True):
        name = " ".join(filter(None, [workload, param, "within 10% of raw VT"]))
        g, v = get(workload, param, "greenloom"), get(workload, param, "virtualThreads")
        paired = table.get(("paired", workload, param))
        if g is None or v is None:
            return verdict(name, None, "not measured")
        numbers = f"JMH: greenloom {fmt(g)} vs VT {fmt(v)} ({g / v:.2f}×)"
        if paired:  # the steadier measure decides
            numbers += f"; paired: {paired['ratio']:.2f}×, CPU {paired['cpuRatio']:.2f}×"
            ok = paired["ratio"] >= 0.9
        else:
            ok = g >= 0.9 * v if higher_is_better else g <= 1.1 * v
        verdict(name, ok, numbers)

    within("spawn_join", "")
    g, e = get("spawn_join", "", "greenloom"), get("spawn_join", "", "gevent")
    verdict("spawn_join ≥ 20× gevent", None if g is None or e is None else g >= 20 * e,
            "not measured" if g is None or e is None else f"greenloom {fmt(g)} vs gevent {fmt(e)} ({g / e:.0f}×)")
    for count in ("100000", "1000000"):
        within("sleepers", count, higher_is_better=False)
        h = get("footprint", count, "greenloom heap")
        verdict(f"≤ 1.5 KB heap per parked greenlet ({count})", None if h is None else h <= 1536,
                "not measured" if h is None else
                f"greenloom {fmt(h)} B vs VT {fmt(get('footprint', count, 'virtualThreads heap') or 0)} B")
    p = get("ping_pong", "", "greenloom")
    verdict("Channel ≥ 1 M switches/s", None if p is None else p >= 1e6, "not measured" if p is None else fmt(p))
    within("ping_pong", "")
    within("queue", "")
    for size in ("64", "1000"):
        within("pool_map", size)


def main():
    table = load(sys.argv[1])
    print_tables(table)
    print_paired(table)
    check(table)


if __name__ == "__main__":
    main()
