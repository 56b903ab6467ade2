#!/usr/bin/python3
"""dnsraw.py: raw-socket checks that dig cannot make, for the integration tests.

  pipeline HOST PORT N      N queries in one TCP write; N answers, in order
  idle HOST PORT LIMIT      a silent TCP connection is closed by the server within LIMIT s
  cap HOST PORT             with tcp-count 2: a third connection closes the longest idle
  stream HOST PORT SECONDS RATE NAME [EXPECT_RCODE]
                            UDP queries at RATE/s for SECONDS; prints sent/answered
  garbage HOST PORT COUNT SEED
                            COUNT malformed packets over UDP and TCP, then a real query
  badecs HOST PORT NAME     each malformed EDNS Client Subnet (RFC 7871 §7.2.1) is answered
                            FORMERR with an OPT and no echo; then a good one is answered
  flood HOST PORT PREFIX COUNT SECONDS NAME
                            COUNT queries for NAME over SECONDS from many source addresses
                            PREFIX.1 .. PREFIX.250 (a /24 of 127.0.0.0/8: a spoofed victim);
                            prints sent, answered, truncated
  resolve HOST PORT SOURCE NAME
                            asks NAME from SOURCE as a resolver does: resends after 100 ms of
                            silence (up to 30 tries), and retries over TCP on TC; prints how
                            the answer came
  cookie HOST PORT NAME     asks NAME with a client cookie, then 20 times at once with the
                            server cookie it got back; prints how many were answered in full
Each prints one line of findings and exits 0 when the check holds.
Runs with Debian's Python (dnspython): /usr/bin/python3.
"""
import random
import socket
import struct
import sys
import time

import dns.edns
import dns.flags
import dns.message
import dns.rcode


def query(name, qtype="A", qid=None, edns=0):
    q = dns.message.make_query(name, qtype, use_edns=edns)
    if qid is not None:
        q.id = qid
    return q


def tcp_connect(host, port):
    s = socket.create_connection((host, port), timeout=3)
    return s


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise EOFError("connection closed after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return buf


def tcp_read_message(s):
    (length,) = struct.unpack("!H", recv_exact(s, 2))
    return dns.message.from_wire(recv_exact(s, length))


def framed(wire):
    return struct.pack("!H", len(wire)) + wire


def pipeline(host, port, n):
    n = int(n)
    names = ["www.example.com.", "mail.example.com.", "nope.example.com.", "web.example.com."]
    qs = [query(names[i % len(names)], qid=1000 + i) for i in range(n)]
    s = tcp_connect(host, port)
    s.sendall(b"".join(framed(q.to_wire()) for q in qs))
    for i, q in enumerate(qs):
        r = tcp_read_message(s)
        if r.id != q.id or r.question[0].name != q.question[0].name:
            print("answer %d out of order: id %d for query id %d" % (i, r.id, q.id))
            return 1
    s.close()
    print("%d pipelined queries answered in order" % n)
    return 0


def closed_within(s, limit):
    s.settimeout(limit)
    start = time.monotonic()
    try:
        data = s.recv(1)
    except socket.timeout:
        return None
    except ConnectionResetError:
        data = b""
    return time.monotonic() - start if data == b"" else None


def idle(host, port, limit):
    s = tcp_connect(host, port)
    took = closed_within(s, float(limit))
    if took is None:
        print("idle connection still open after %s s" % limit)
        return 1
    print("idle connection closed after %.2f s" % took)
    return 0


def ask_tcp(s, name):
    q = query(name)
    s.sendall(framed(q.to_wire()))
    r = tcp_read_message(s)
    return r.id == q.id


def cap(host, port):
    first = tcp_connect(host, port)
    ask_tcp(first, "www.example.com.")
    time.sleep(0.05)  # the first becomes the longest idle
    second = tcp_connect(host, port)
    ask_tcp(second, "www.example.com.")
    third = tcp_connect(host, port)
    if not ask_tcp(third, "mail.example.com."):
        print("the connection over the cap was not served")
        return 1
    if closed_within(first, 3.0) is None:
        print("the longest idle connection was not closed")
        return 1
    if not ask_tcp(second, "web.example.com."):
        print("a recent connection was closed instead")
        return 1
    print("over the cap: longest idle closed, newer ones served")
    return 0


def stream(host, port, seconds, rate, name, expect=None):
    seconds, rate = float(seconds), float(rate)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((host, int(port)))
    s.settimeout(1.0)
    sent = answered = wrong = 0
    rcodes = {}
    deadline = time.monotonic() + seconds
    interval = 1.0 / rate
    next_at = time.monotonic()
    while time.monotonic() < deadline:
        q = query(name, qid=sent & 0xFFFF)
        s.send(q.to_wire())
        sent += 1
        try:
            while True:
                r = dns.message.from_wire(s.recv(4096))
                if r.id == q.id:
                    break
            answered += 1
            rc = dns.rcode.to_text(r.rcode())
            rcodes[rc] = rcodes.get(rc, 0) + 1
            if expect is not None and rc != expect:
                wrong += 1
        except socket.timeout:
            pass
        next_at += interval
        delay = next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    print("sent %d answered %d unexpected-rcode %d rcodes %s" % (sent, answered, wrong, rcodes))
    return 0 if sent > 0 and answered == sent and wrong == 0 else 1


def malformed(rng):
    good = query("www.example.com.").to_wire()
    kind = rng.randrange(8)
    if kind == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(0, 40)))
    if kind == 1:
        return good[: rng.randrange(len(good))]
    if kind == 2:  # compression pointer loop in the question
        return good[:12] + b"\xc0\x0c\x00\x01\x00\x01"
    if kind == 3:  # huge counts
        return good[:4] + b"\xff\xff\xff\xff\xff\xff\xff\xff" + good[12:]
    if kind == 4:  # flipped bytes
        b = bytearray(good)
        for _ in range(rng.randrange(1, 6)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b)
    if kind == 5:  # overlong label chain
        return good[:12] + (b"\x3f" + b"a" * 63) * 5 + b"\x00\x00\x01\x00\x01"
    if kind == 6:  # OPT with a length past the end
        return good[:10] + b"\x00\x01" + good[12:] + b"\x00\x00\x29\x04\xd0\x00\x00\x00\x00\xff\xff"
    return good[:2] + bytes([rng.randrange(256), rng.randrange(256)]) + good[4:]


def garbage(host, port, count, seed):
    rng = random.Random(int(seed))
    port = int(port)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for _ in range(int(count)):
        u.sendto(malformed(rng), (host, port))
    for _ in range(20):
        t = tcp_connect(host, port)
        try:
            t.sendall(framed(malformed(rng)) + framed(malformed(rng)))
        except OSError:
            pass
        t.close()
    # drain what came back, then prove the server still answers
    u.settimeout(0.2)
    try:
        while True:
            u.recv(65535)
    except socket.timeout:
        pass
    q = query("www.example.com.")
    u.settimeout(2.0)
    u.sendto(q.to_wire(), (host, port))
    try:
        while True:
            r = dns.message.from_wire(u.recv(65535))
            if r.id == q.id:
                break
    except socket.timeout:
        print("no answer after %s malformed packets" % count)
        return 1
    if r.rcode() != dns.rcode.NOERROR or not r.answer:
        print("wrong answer after malformed packets: %s" % r)
        return 1
    # FORMERR for two questions (RFC 1035 leaves QDCOUNT > 1 undefined; every server refuses it)
    wire = bytearray(q.to_wire())
    wire[4:6] = b"\x00\x02"
    u.sendto(bytes(wire), (host, port))
    reply = u.recv(65535)
    if len(reply) < 12 or reply[3] & 0x0F != 1:
        print("QDCOUNT 2 did not get FORMERR")
        return 1
    print("%s malformed packets: server alive, FORMERR for QDCOUNT 2" % count)
    return 0


def ecs_query(name, option_data):
    """A query for NAME A whose OPT carries one ECS option with raw OPTION-DATA."""
    q = query(name, edns=0, qid=0x5353)
    q.use_edns(0, 0, 1232, options=[dns.edns.GenericOption(8, option_data)])
    return q.to_wire()


def badecs(host, port, name):
    port = int(port)
    bad = {
        "family 3": b"\x00\x03\x00\x00",
        "scope set in a query": b"\x00\x01\x18\x10\xc0\x00\x02",
        "bits after the source prefix": b"\x00\x01\x14\x00\xc0\x00\x02",
        "address longer than the prefix": b"\x00\x01\x08\x00\xc0\x00\x02\x00",
        "address shorter than the prefix": b"\x00\x01\x18\x00\xc0",
        "IPv4 source /33": b"\x00\x01\x21\x00" + bytes(5),
        "three bytes": b"\x00\x01\x18",
    }
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(2)
    for why, data in bad.items():
        u.sendto(ecs_query(name, data), (host, port))
        reply = dns.message.from_wire(u.recv(65535))
        if reply.rcode() != dns.rcode.FORMERR:
            print("%s: %s, not FORMERR" % (why, dns.rcode.to_text(reply.rcode())))
            return 1
        if reply.edns < 0 or any(o.otype == 8 for o in reply.options):
            print("%s: FORMERR without our OPT, or with an ECS echo" % why)
            return 1
    u.sendto(ecs_query(name, b"\x00\x01\x18\x00\xc0\x00\x02"), (host, port))
    reply = dns.message.from_wire(u.recv(65535))
    if reply.rcode() != dns.rcode.NOERROR or not reply.answer:
        print("a good ECS after the bad ones: %s" % dns.rcode.to_text(reply.rcode()))
        return 1
    print("%d malformed ECS options: FORMERR each; then answered" % len(bad))
    return 0


def flood(host, port, prefix, count, seconds, name):
    port, count, seconds = int(port), int(count), float(seconds)
    socks = []
    for i in range(1, 251):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("%s.%d" % (prefix, i), 0))
        s.setblocking(False)
        socks.append(s)
    wire = query(name, edns=None).to_wire()
    sent = answered = truncated = 0
    start = time.time()
    deadline = start + seconds + 1.0
    while time.time() < deadline:
        due = min(count, int(count * (time.time() - start) / seconds) + 1)
        while sent < due:
            socks[sent % len(socks)].sendto(wire, (host, port))
            sent += 1
        for s in socks:
            while True:
                try:
                    reply = s.recv(4096)
                except BlockingIOError:
                    break
                answered += 1
                truncated += (reply[2] & 0x02) != 0
        time.sleep(0.002)
    print("sent %d answered %d truncated %d" % (sent, answered, truncated))
    return 0


def resolve(host, port, source, name):
    port = int(port)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind((source, 0))
    u.settimeout(0.1)
    wire = query(name, edns=None).to_wire()
    for attempt in range(1, 31):
        u.sendto(wire, (host, port))
        try:
            reply = dns.message.from_wire(u.recv(65535))
        except socket.timeout:
            continue
        if not reply.flags & dns.flags.TC:
            print("answered over udp after %d tries: %d records" % (attempt, len(reply.answer)))
            return 0
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.settimeout(3)
        t.bind((source, 0))
        t.connect((host, port))
        t.sendall(framed(wire))
        answer = tcp_read_message(t)
        print("truncated, then answered over tcp after %d tries: %d records" %
              (attempt, len(answer.answer)))
        return 0
    print("no answer in 30 tries")
    return 1


def cookie(host, port, name):
    port = int(port)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(0.1)
    client = bytes(range(1, 9))
    q = query(name, edns=0)
    q.use_edns(0, 0, 1232, options=[dns.edns.GenericOption(10, client)])
    server = None
    for _ in range(30):  # the first query may be rate limited: resend like a resolver
        u.sendto(q.to_wire(), (host, port))
        try:
            first = dns.message.from_wire(u.recv(65535))
        except socket.timeout:
            continue
        server = [o for o in first.options if o.otype == 10]
        break
    if not server or len(server[0].to_wire()) != 24:
        print("no server cookie came back")
        return 1
    q = query(name, edns=0)
    q.use_edns(0, 0, 1232, options=[dns.edns.GenericOption(10, server[0].to_wire())])
    full = 0
    for _ in range(20):  # far over the rate: only the cookie lets these through
        u.sendto(q.to_wire(), (host, port))
        try:
            reply = dns.message.from_wire(u.recv(65535))
        except socket.timeout:
            continue
        full += reply.rcode() == dns.rcode.NOERROR and not reply.flags & dns.flags.TC \
            and len(reply.answer) == 1
    print("%d of 20 answered in full" % full)
    return 0


def main(argv):
    commands = {"pipeline": pipeline, "idle": idle, "cap": cap, "stream": stream,
                "garbage": garbage, "badecs": badecs, "flood": flood, "cookie": cookie,
                "resolve": resolve}
    if len(argv) < 2 or argv[1] not in commands:
        print(__doc__)
        return 2
    try:
        return commands[argv[1]](*argv[2:])
    except (OSError, EOFError, dns.exception.DNSException) as e:
        print("%s failed: %s" % (argv[1], e))
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
