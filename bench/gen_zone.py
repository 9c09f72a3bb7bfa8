#!/usr/bin/python3
"""Writes the DNS benchmark's data: a zone of N A records and name lists.

gen_zone.py DIR N  ->  DIR/bench.test.zone  (h000001.bench.test A 10.x.y.z ... ; the addresses are data only)
                       DIR/names{N,20000,2000}.txt  (one name a line, for greenloom and gevent)
                       DIR/dnsperf{N,20000,2000}.txt  ("name A", dnsperf's input format)
"""
import os
import sys


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "bench.test.zone"), "w") as z:
        z.write("$ORIGIN bench.test.\n$TTL 3600\n")
        z.write("@ IN SOA ns.bench.test. admin.bench.test. 1 3600 600 86400 3600\n")
        z.write("@ IN NS ns.bench.test.\nns IN A 127.0.0.1\n")
        for i in range(1, n + 1):
            z.write(f"h{i:06d} IN A 10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}\n")
    for count in sorted({n, 20000, 2000}):
        names = [f"h{i:06d}.bench.test" for i in range(1, min(count, n) + 1)]
        with open(os.path.join(out, f"names{count}.txt"), "w") as f:
            f.write("\n".join(names) + "\n")
        with open(os.path.join(out, f"dnsperf{count}.txt"), "w") as f:
            f.write("".join(f"{name} A\n" for name in names))


if __name__ == "__main__":
    main()
