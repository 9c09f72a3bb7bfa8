#!/usr/bin/python3
"""A UDP DNS forwarder on loopback that delays every answer: the benchmark's slow server.

dns_delay_proxy.py LISTEN_PORT UPSTREAM_PORT DELAY_MS [LISTEN_ADDR]

Each query gets a fresh query id (so clients that reuse ids can't collide) and is forwarded to
127.0.0.1:UPSTREAM_PORT, at most WINDOW at a time: a burst of 2,000 queries sent at once would
overflow the upstream server's socket buffer (the kernel default, which NSD 4.6 can't raise) and
the lost queries would cost clients their retry timeouts, which is not what this server is meant
to model. The answer goes back to the client, with the client's id, DELAY_MS after its query
arrived here. One thread and one epoll loop that drains each socket until it would block (asyncio
reads one datagram per loop turn, which made it the bottleneck). Runs until SIGTERM.
"""
import collections
import heapq
import select
import signal
import socket
import sys
import time

WINDOW = 64  # queries in flight to the upstream server
STALE_S = 2.0  # an upstream query unanswered this long is given up (the client will retry)
SO_RCVBUFFORCE, SO_SNDBUFFORCE = 33, 32  # Linux; root may exceed net.core.rmem_max for its own socket


def udp_socket(port, addr="127.0.0.1"):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for force, plain in ((SO_RCVBUFFORCE, socket.SO_RCVBUF), (SO_SNDBUFFORCE, socket.SO_SNDBUF)):
        try:
            s.setsockopt(socket.SOL_SOCKET, force, 16 << 20)
        except OSError:
            s.setsockopt(socket.SOL_SOCKET, plain, 16 << 20)
    s.bind((addr, port))
    s.setblocking(False)
    return s


def main():
    listen, upstream_port, delay = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]) / 1000
    listen_addr = sys.argv[4] if len(sys.argv) > 4 else "127.0.0.1"
    if not listen_addr.startswith("127."):
        sys.exit("loopback addresses only")
    upstream = ("127.0.0.1", upstream_port)
    client, up = udp_socket(listen, listen_addr), udp_socket(0)
    running = [True]
    signal.signal(signal.SIGTERM, lambda *_: running.__setitem__(0, False))
    signal.signal(signal.SIGINT, lambda *_: running.__setitem__(0, False))
    ep = select.epoll()
    ep.register(client.fileno(), select.EPOLLIN)
    ep.register(up.fileno(), select.EPOLLIN)
    pending = {}  # upstream id -> (client id bytes, client addr, due time)
    sent = {}  # upstream id -> time sent upstream, for the ones in flight
    waiting = collections.deque()  # (upstream id, query) not yet sent: the window was full
    due = []  # heap of (due time, seq, answer, client addr)
    next_id = seq = 0
    clock = time.monotonic
    next_sweep = clock() + STALE_S

    def pump():
        while waiting and len(sent) < WINDOW:
            qid, query = waiting.popleft()
            try:
                up.sendto(query, upstream)
                sent[qid] = clock()
            except BlockingIOError:
                waiting.appendleft((qid, query))
                return

    while running[0]:
        timeout = max(0.0, due[0][0] - clock()) if due else STALE_S
        try:
            events = ep.poll(timeout)
        except InterruptedError:
            continue
        for fd, _ in events:
            if fd == client.fileno():
                while True:
                    try:
                        data, addr = client.recvfrom(4096)
                    except BlockingIOError:
                        break
                    if len(data) < 12 or len(pending) >= 65536:
                        continue  # malformed, or 65,536 in flight: drop like a busy server
                    next_id = (next_id + 1) & 0xFFFF
                    while next_id in pending:
                        next_id = (next_id + 1) & 0xFFFF
                    pending[next_id] = (data[:2], addr, clock() + delay)
                    waiting.append((next_id, next_id.to_bytes(2, "big") + data[2:]))
            else:
                while True:
                    try:
                        data = up.recv(65536)
                    except BlockingIOError:
                        break
                    if len(data) < 12:
                        continue
                    qid = int.from_bytes(data[:2], "big")
                    sent.pop(qid, None)
                    entry = pending.pop(qid, None)
                    if entry is not None:
                        seq += 1
                        heapq.heappush(due, (entry[2], seq, entry[0] + data[2:], entry[1]))
        now = clock()
        if now >= next_sweep:
            for qid in [q for q, t in sent.items() if now - t > STALE_S]:
                del sent[qid]
                pending.pop(qid, None)
            next_sweep = now + STALE_S
        pump()
        while due and due[0][0] <= now:
            _, _, answer, addr = heapq.heappop(due)
            try:
                client.sendto(answer, addr)
            except BlockingIOError:
                pass  # client not reading: the answer is lost, as UDP allows


if __name__ == "__main__":
    main()
