#!/usr/bin/python3
"""Raw HTTP and Unix-socket clients for the listener tests (curl hides what they check).

  head-keepalive HOST PORT PATH   HEAD then GET on one connection; prints both responses' heads
                                  and whatever followed the HEAD response's head
  method HOST PORT METHOD PATH    one request; prints the status code and the Allow header
  flood HOST PORT N SECONDS       N slow clients, each sending a request a byte per second,
                                  reconnecting when closed; prints the counts when done
  trickle HOST PORT|unix:PATH MAX a byte every 0.2 s until the server closes; prints seconds
  hold HOST PORT|unix:PATH N SECONDS
                                  N idle connections for SECONDS; prints how many the server
                                  closed
Every run is bounded in time and connections."""
import resource
import selectors
import socket
import sys
import time


def connect(target, port=None):
    if target.startswith("unix:"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(target[5:])
    else:
        s = socket.create_connection((target, int(port)), timeout=5)
    return s


def read_head(s):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head.decode("latin-1"), rest


def head_keepalive(host, port, path):
    s = connect(host, port)
    s.sendall(f"HEAD {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    head1, rest = read_head(s)
    s.settimeout(0.5)
    try:  # a body sent to HEAD would arrive now
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            rest += chunk
    except socket.timeout:
        pass
    s.settimeout(5)
    s.sendall(f"GET /no-such-page HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    head2, _ = read_head(s)
    if rest:
        head2 = rest.decode("latin-1")[:60] + "..." + head2
    print(head1.split("\r\n")[0])
    print("content-length:", [h.split(":", 1)[1].strip() for h in head1.split("\r\n")
                              if h.lower().startswith("content-length:")])
    print("after-head-bytes:", len(rest))
    print("second:", head2.split("\r\n")[0])


def method(host, port, meth, path):
    s = connect(host, port)
    s.sendall(f"{meth} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    head, _ = read_head(s)
    lines = head.split("\r\n")
    code = lines[0].split(" ")[1] if len(lines[0].split(" ")) > 1 else "none"
    allow = [l.split(":", 1)[1].strip() for l in lines if l.lower().startswith("allow:")]
    print(code, allow[0] if allow else "-")


def flood(host, port, n, seconds):
    resource.setrlimit(resource.RLIMIT_NOFILE, (n + 512, n + 512))
    sel = selectors.DefaultSelector()
    request = b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 64
    opened = closed = failed = 0
    conns = {}
    end = time.monotonic() + seconds
    next_drip = 0.0

    def open_one():
        nonlocal opened, failed
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.connect_ex((host, port))
        except OSError:
            failed += 1
            s.close()
            return
        conns[s] = 0
        sel.register(s, selectors.EVENT_READ)
        opened += 1

    for _ in range(n):
        open_one()
    while time.monotonic() < end:
        for key, _ in sel.select(timeout=0.1):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if not data:
                sel.unregister(s)
                s.close()
                del conns[s]
                closed += 1
                if opened < 20 * n:
                    open_one()
        if time.monotonic() >= next_drip:
            next_drip = time.monotonic() + 1
            for s, sent in list(conns.items()):
                if sent < len(request):
                    try:
                        s.send(request[sent:sent + 1])
                        conns[s] = sent + 1
                    except OSError:
                        pass
    print(f"opened {opened} closed-by-server {closed} failed {failed} open-at-end {len(conns)}")
    for s in conns:
        s.close()


def trickle(target, rest):
    port, limit = (None, rest[0]) if target.startswith("unix:") else (rest[0], rest[1])
    s = connect(target, port)
    s.settimeout(0.2)
    start = time.monotonic()
    payload = b"status" + b" " * 1000
    i = 0
    while time.monotonic() - start < float(limit):
        try:
            s.send(payload[i % len(payload):i % len(payload) + 1])
            i += 1
            if s.recv(1) == b"":
                break
        except socket.timeout:
            continue
        except OSError:
            break
    print(f"{time.monotonic() - start:.1f}")


def hold(target, rest):
    port, n, seconds = (None, *rest) if target.startswith("unix:") else rest
    n, seconds = int(n), float(seconds)
    conns = [connect(target, port) for _ in range(n)]
    time.sleep(seconds)
    closed = 0
    for s in conns:
        s.setblocking(False)
        try:
            closed += s.recv(1) == b""
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    print(closed)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "head-keepalive":
        head_keepalive(*args)
    elif cmd == "method":
        method(*args)
    elif cmd == "flood":
        flood(args[0], int(args[1]), int(args[2]), float(args[3]))
    elif cmd == "trickle":
        trickle(args[0], args[1:])
    elif cmd == "hold":
        hold(args[0], args[1:])


main()
