#!/usr/bin/env python3
"""A delaying UDP relay for the gossip lab (this kernel has no netem): each --map
LOCALPORT=HOST:PORT listens on 127.0.0.1:LOCALPORT and sends every datagram it gets on to
HOST:PORT --delay-ms later. It exits after --lifetime seconds at most."""
import argparse
import heapq
import selectors
import socket
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--delay-ms", type=float, required=True)
    ap.add_argument("--lifetime", type=float, default=300)
    ap.add_argument("--map", action="append", required=True, help="LOCALPORT=HOST:PORT")
    a = ap.parse_args()
    sel = selectors.DefaultSelector()
    out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for m in a.map:
        local, dest = m.split("=")
        host, port = dest.rsplit(":", 1)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", int(local)))
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, (host, int(port)))
    queue = []  # (due, seq, datagram, destination)
    seq = 0
    end = time.monotonic() + a.lifetime
    while time.monotonic() < end:
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, data, dest = heapq.heappop(queue)
            try:
                out.sendto(data, dest)
            except OSError:
                pass  # an unreachable member is loss, which gossip repairs
        timeout = min(queue[0][0] - now, 0.5) if queue else 0.5
        for key, _ in sel.select(max(timeout, 0)):
            while True:
                try:
                    data = key.fileobj.recv(2048)
                except BlockingIOError:
                    break
                seq += 1
                heapq.heappush(queue, (time.monotonic() + a.delay_ms / 1000, seq, data, key.data))


if __name__ == "__main__":
    main()
