#!/usr/bin/python3
"""httpback.py: the HTTP backends of tools/bench-zone --sites, one asyncio loop for many sites.

Listens on PORT at each of the --http-sites addresses of tools/bench/genzone.py (site i at
127.1.(i>>8).(i&255), loopback only), sites FIRST to SITES - 1 of every STEP-th (FIRST 0 and
STEP 1 by default: all of them; tools/bench-zone runs two processes, FIRST 0 and 1, STEP 2, so
that one starved Python process does not stand for the sites), and answers every request 200,
or 503 for the sites listed in FAILFILE once it gets SIGUSR1. Each connection is logged as "MONOTONIC SITE STATUS" (the
time it was accepted, CLOCK_MONOTONIC like Python's time.monotonic() in tools/bench-zone),
kept in memory and written to LOGFILE on SIGTERM or SIGINT, so logging costs no system call per
probe. Prints "ready" on stdout once every address listens.

usage: httpback.py SITES PORT LOGFILE FAILFILE [FIRST STEP]
"""
import asyncio
import resource
import signal
import sys
import time

NET = "127.1"
RESPONSE = {
    200: b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n",
    503: b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 5\r\nConnection: close\r\n\r\ndown\n",
}
MAX_REQUEST = 8192  # a probe's request is one short line and a few headers


class Backend(asyncio.Protocol):
    """One connection to site `site`: answer once the request's head is in, then close."""

    def __init__(self, state, site):
        self.state, self.site, self.buf, self.transport = state, site, b"", None

    def connection_made(self, transport):
        self.transport = transport
        self.status = 503 if self.site in self.state["failing"] else 200
        self.state["log"].append((time.monotonic(), self.site, self.status))

    def data_received(self, data):
        self.buf += data
        if b"\r\n\r\n" in self.buf or len(self.buf) > MAX_REQUEST:
            self.transport.write(RESPONSE[self.status])
            self.transport.close()


def main():
    if len(sys.argv) not in (5, 7):
        sys.exit(__doc__.strip().splitlines()[-1])
    sites, port, logfile, failfile = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    first, step = (int(sys.argv[5]), int(sys.argv[6])) if len(sys.argv) == 7 else (0, 1)
    mine = range(first, sites, step)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = len(mine) + 1024  # a listening socket a site, and room for the probes in flight
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    state = {"failing": set(), "log": []}
    loop = asyncio.new_event_loop()
    done = loop.create_future()

    def fail():
        with open(failfile) as f:
            state["failing"] = {int(x) for x in f.read().split()} & set(mine)
        state["log"].append((time.monotonic(), -1, len(state["failing"])))

    loop.add_signal_handler(signal.SIGUSR1, fail)
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: done.done() or done.set_result(None))

    async def serve():
        servers = []
        for i in mine:
            addr = f"{NET}.{i >> 8 & 255}.{i & 255}"
            servers.append(await loop.create_server(lambda i=i: Backend(state, i), addr, port,
                                                    backlog=64, reuse_address=True))
        print("ready", flush=True)
        await done
        for s in servers:
            s.close()

    loop.run_until_complete(serve())
    with open(logfile, "w") as f:
        for t, site, status in state["log"]:
            f.write(f"{t:.6f} {site} {status}\n")


if __name__ == "__main__":
    main()
