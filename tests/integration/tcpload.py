#!/usr/bin/python3
"""tcpload.py: DNS-over-TCP clients that misbehave in bulk or in time, for tcp.sh.

  pipeline HOST PORT N PAUSE
                    writes N queries back to back without reading (PAUSE 0: waits until all
                    are written, at most 10 s), or sleeps PAUSE seconds before reading while
                    the writing goes on; then reads N answers, which must come in order.
                    Nine in ten ask big.example.com TXT, which should be over 3 KB, so that
                    the answers to one read of queries pass the server's output high-water mark
  slowloris HOST PORT INTERVAL LIMIT
                    sends a query one byte every INTERVAL seconds; the server must close the
                    connection within LIMIT seconds of the first byte, before the query is
                    complete, while a fresh TCP query asked at each tick is answered
  slowok HOST PORT TIMEOUT
                    sends a query in three parts over 0.75 TIMEOUT s + 0.1 s, answered; then,
                    after 0.75 TIMEOUT s of silence, a second query on the same connection is
                    answered too (a slow message must not shorten the idle timeout after it)
  hold HOST PORT COUNT FLAG
                    opens COUNT connections, creates the file FLAG, and closes them all once
                    FLAG is removed (or after 60 s)
Each prints one line of findings and exits 0 when the check holds.
Runs with Debian's Python (dnspython): /usr/bin/python3. The DNS message code is dnsraw.py's.
"""
import os
import select
import socket
import struct
import sys
import threading
import time

# importing dnsraw from the source tree must leave no __pycache__ there (git status stays clean)
sys.dont_write_bytecode = True
from dnsraw import framed, query, recv_exact, tcp_read_message  # noqa: E402

NAMES = ["www.example.com.", "mail.example.com.", "nope.example.com.", "web.example.com."]
PIPELINED = [("big.example.com.", "TXT")] * 9 + [("www.example.com.", "A")]


def make_query(i, name=None, qtype="A"):
    return query(name or NAMES[i % len(NAMES)], qtype, qid=i & 0xFFFF)


def read_raw(s):
    (length,) = struct.unpack("!H", recv_exact(s, 2))
    return recv_exact(s, length)


def pipeline(host, port, n, pause):
    n, pause = int(n), float(pause)
    qs = [make_query(i, *PIPELINED[i % len(PIPELINED)]).to_wire() for i in range(n)]
    data = b"".join(framed(q) for q in qs)
    s = socket.create_connection((host, port), timeout=5)
    sent = {}

    def writer():
        try:
            s.sendall(data)
            sent["ok"] = True
        except OSError as e:
            sent["error"] = str(e)

    start = time.monotonic()
    w = threading.Thread(target=writer, daemon=True)
    w.start()
    if pause > 0:
        time.sleep(pause)
    else:
        w.join(10)
        if w.is_alive():
            print("the %d queries (%d bytes) were not all written in 10 s" % (n, len(data)))
            return 1
    size = 0
    for i, q in enumerate(qs):
        try:
            r = read_raw(s)
        except (OSError, EOFError) as e:
            print("%d of %d answers, then: %s (after %.1f s)" % (i, n, e, time.monotonic() - start))
            return 1
        # the ID, and the question: the query's bytes up to its OPT record
        question = q[12:len(q) - 11]
        if r[:2] != q[:2] or r[12:12 + len(question)] != question:
            print("answer %d out of order: id %d for query id %d" %
                  (i, struct.unpack("!H", r[:2])[0], struct.unpack("!H", q[:2])[0]))
            return 1
        size += len(r)
    w.join(5)
    s.close()
    if "error" in sent:
        print("writing failed: %s" % sent["error"])
        return 1
    print("%d answers in order (%d bytes) in %.1f s" % (n, size, time.monotonic() - start))
    return 0


def normal_query(host, port, i):
    """One query on a fresh connection; None when answered, else what went wrong."""
    try:
        with socket.create_connection((host, port), timeout=2) as s:
            q = make_query(i)
            s.sendall(framed(q.to_wire()))
            r = tcp_read_message(s)
            return None if r.id == q.id else "wrong id %d" % r.id
    except (OSError, EOFError) as e:
        return str(e)


def slowloris(host, port, interval, limit):
    interval, limit = float(interval), float(limit)
    wire = framed(make_query(7).to_wire())
    s = socket.create_connection((host, port), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    start = time.monotonic()
    answered = 0
    for i, byte in enumerate(wire):
        try:
            s.send(bytes([byte]))
        except OSError:
            break  # closed: the reset of the byte before
        ready, _, _ = select.select([s], [], [], interval)
        if ready:
            try:
                got = s.recv(512)
            except OSError:
                got = b""
            if not got:
                break
            print("an answer to a query that took %.1f s to send" % (time.monotonic() - start))
            return 1
        problem = normal_query(host, port, 100 + i)
        if problem is not None:
            print("a normal TCP query failed during the drip: %s" % problem)
            return 1
        answered += 1
        if time.monotonic() - start > limit:
            print("still open %.1f s after the first byte (%d bytes sent)" %
                  (time.monotonic() - start, i + 1))
            return 1
    else:
        print("the server took the whole query, one byte every %.1f s" % interval)
        return 1
    took = time.monotonic() - start
    if took > limit:
        print("closed only %.1f s after the first byte" % took)
        return 1
    print("closed %.1f s after the first byte; %d normal queries answered meanwhile" %
          (took, answered))
    return 0


def slowok(host, port, timeout):
    wait = 0.75 * float(timeout)
    s = socket.create_connection((host, port), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for i, what in enumerate(["a slow query", "a query after a silence"]):
        q = make_query(i)
        wire = framed(q.to_wire())
        try:
            if i == 0:
                # the second part leaves the message 0.25 TIMEOUT to its deadline
                third = len(wire) // 3
                s.sendall(wire[:third])
                time.sleep(wait)
                s.sendall(wire[third:2 * third])
                time.sleep(0.1)
                s.sendall(wire[2 * third:])
            else:
                time.sleep(wait)
                s.sendall(wire)
            r = tcp_read_message(s)
        except (OSError, EOFError) as e:
            print("%s, %.1f s apart: %s" % (what, wait, e))
            return 1
        if r.id != q.id:
            print("%s: answer id %d for query id %d" % (what, r.id, q.id))
            return 1
    print("a query sent over %.1f s, and one after %.1f s of silence: both answered" %
          (wait + 0.1, wait))
    return 0


def hold(host, port, count, flag):
    conns = []
    for _ in range(int(count)):
        conns.append(socket.create_connection((host, port), timeout=5))
    open(flag, "w").close()
    deadline = time.monotonic() + 60
    while os.path.exists(flag) and time.monotonic() < deadline:
        time.sleep(0.05)
    for c in conns:
        c.close()
    print("held %d connections" % len(conns))
    return 0


def main():
    modes = {"pipeline": pipeline, "slowloris": slowloris, "slowok": slowok, "hold": hold}
    if len(sys.argv) < 2 or sys.argv[1] not in modes:
        sys.exit(__doc__)
    sys.exit(modes[sys.argv[1]](*sys.argv[2:]))


if __name__ == "__main__":
    main()
