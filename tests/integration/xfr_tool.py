#!/usr/bin/python3
"""xfr_tool.py: the zone-transfer client and the TCP proxy of xfr_secondaries.sh.

probe: one AXFR query over TCP, TSIG-signed or not, from a chosen source address;
prints the first response message's rcode, the TSIG error its TSIG record carries (or "none")
and its answer count, without verifying the response (a refusal is signed with an error, or
not signed at all):
    xfr_tool.py probe PORT ZONE [--key NAME:SECRET] [--source ADDR]
    -> "rcode=REFUSED tsig=none answers=0"

proxy: listens on 127.0.0.1:LISTEN and relays each TCP connection to 127.0.0.1:UPSTREAM,
message by message (DNS over TCP framing). It appends one line per response message to LOG:
the question's type, what the message is (ixfr: an incremental transfer, the first message's
second record is the SOA of an older serial; axfr: a whole zone; soa: the SOA alone; more: a
later message of the same transfer) and the serial. While the file FLAG exists it flips one
byte of the TSIG MAC of the first response of every connection, and logs "tampered". It exits
after SECONDS, or when the test stops it.
    xfr_tool.py proxy LISTEN UPSTREAM FLAG LOG SECONDS
"""
import socket
import struct
import sys
import threading
import time

TYPE_SOA, TYPE_TSIG, TYPE_IXFR, TYPE_AXFR = 6, 250, 251, 252
RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED",
          9: "NOTAUTH", 10: "NOTZONE"}
TSIG_ERRORS = {0: "NOERROR", 16: "BADSIG", 17: "BADKEY", 18: "BADTIME", 22: "BADTRUNC"}
MAX_CONNECTIONS = 200


def skip_name(msg, off):
    """The offset just past the (possibly compressed) name at OFF."""
    while True:
        length = msg[off]
        if length == 0:
            return off + 1
        if length & 0xC0 == 0xC0:
            return off + 2
        off += 1 + length


def records(msg):
    """(section, type, rdata offset, rdata length) of every record of MSG, in order."""
    qd, an, ns, ar = struct.unpack("!HHHH", msg[4:12])
    off = 12
    for _ in range(qd):
        off = skip_name(msg, off) + 4
    out = []
    for i in range(an + ns + ar):
        off = skip_name(msg, off)
        rtype, _, _, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
        section = "answer" if i < an else ("authority" if i < an + ns else "additional")
        out.append((section, rtype, off + 10, rdlen))
        off += 10 + rdlen
    return out


def question_type(msg):
    if struct.unpack("!H", msg[4:6])[0] == 0:
        return None
    off = skip_name(msg, 12)
    return struct.unpack("!H", msg[off:off + 2])[0]


def tsig_fields(msg):
    """(offset of the MAC, MAC size, TSIG error) of MSG's TSIG record, or None."""
    rrs = records(msg)
    if not rrs or rrs[-1][1] != TYPE_TSIG:
        return None
    p = skip_name(msg, rrs[-1][2]) + 6 + 2  # algorithm, time signed, fudge
    mac_size = struct.unpack("!H", msg[p:p + 2])[0]
    mac = p + 2
    error = struct.unpack("!H", msg[mac + mac_size + 2:mac + mac_size + 4])[0]
    return mac, mac_size, error


def soa_serial(msg, rdata):
    p = skip_name(msg, skip_name(msg, rdata))
    return struct.unpack("!I", msg[p:p + 4])[0]


def describe(msg, first):
    """What a response message of a transfer is, and the serial of its first SOA."""
    answers = [r for r in records(msg) if r[0] == "answer"]
    if not first:
        return "more", None
    if not answers or answers[0][1] != TYPE_SOA:
        return "error", None
    serial = soa_serial(msg, answers[0][2])
    if len(answers) == 1:
        return "soa", serial
    if answers[1][1] == TYPE_SOA and soa_serial(msg, answers[1][2]) != serial:
        return "ixfr", serial
    return "axfr", serial


def read_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def read_message(sock):
    head = read_exact(sock, 2)
    if head is None:
        return None
    return read_exact(sock, struct.unpack("!H", head)[0])


def probe(args):
    import dns.message
    import dns.rdatatype
    import dns.tsig
    import dns.tsigkeyring

    port, zone = int(args[0]), args[1]
    opts = dict(zip(args[2::2], args[3::2]))
    query = dns.message.make_query(zone, dns.rdatatype.AXFR)
    if "--key" in opts:
        name, secret = opts["--key"].split(":", 1)
        query.use_tsig(dns.tsigkeyring.from_text({name: ("hmac-sha256", secret)}),
                       keyname=name)
    wire = query.to_wire()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(5)
    if "--source" in opts:
        sock.bind((opts["--source"], 0))
    sock.connect(("127.0.0.1", port))
    sock.sendall(struct.pack("!H", len(wire)) + wire)
    msg = read_message(sock)
    sock.close()
    if msg is None:
        print("rcode=closed tsig=none answers=0")
        return
    rcode = RCODES.get(msg[3] & 0xF, str(msg[3] & 0xF))
    tsig = tsig_fields(msg)
    error = "none" if tsig is None else TSIG_ERRORS.get(tsig[2], str(tsig[2]))
    print("rcode=%s tsig=%s answers=%d" % (rcode, error, struct.unpack("!H", msg[6:8])[0]))


class Proxy:
    def __init__(self, upstream, flag, log):
        self.upstream, self.flag, self.log = upstream, flag, log
        self.lock = threading.Lock()

    def note(self, line):
        with self.lock, open(self.log, "a") as f:
            f.write(line + "\n")

    def relay(self, client):
        import os

        server = socket.create_connection(("127.0.0.1", self.upstream), timeout=30)
        client.settimeout(30)
        qtype = []

        def upward():
            try:
                while True:
                    msg = read_message(client)
                    if msg is None:
                        break
                    qtype.append(question_type(msg))
                    server.sendall(struct.pack("!H", len(msg)) + msg)
            except OSError:
                pass
            try:
                server.shutdown(socket.SHUT_WR)
            except OSError:
                pass

        threading.Thread(target=upward, daemon=True).start()
        first = True
        try:
            while True:
                msg = read_message(server)
                if msg is None:
                    break
                kind, serial = describe(msg, first)
                tampered = ""
                if first and os.path.exists(self.flag):
                    fields = tsig_fields(msg)
                    if fields and fields[1]:
                        msg = bytearray(msg)
                        msg[fields[0]] ^= 0x01
                        msg = bytes(msg)
                        tampered = " tampered"
                name = {TYPE_IXFR: "IXFR", TYPE_AXFR: "AXFR", TYPE_SOA: "SOA"}.get(
                    qtype[-1] if qtype else None, "other")
                self.note("response to %s: %s serial %s%s" % (name, kind, serial, tampered))
                first = False
                client.sendall(struct.pack("!H", len(msg)) + msg)
        except OSError:
            pass
        client.close()
        server.close()


def proxy(args):
    listen, upstream, flag, log, seconds = int(args[0]), int(args[1]), args[2], args[3], float(args[4])
    p = Proxy(upstream, flag, log)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", listen))
    sock.listen(16)
    sock.settimeout(0.5)
    p.note("listening on %d" % listen)
    deadline = time.monotonic() + seconds
    connections = 0
    while time.monotonic() < deadline and connections < MAX_CONNECTIONS:
        try:
            client, _ = sock.accept()
        except socket.timeout:
            continue
        connections += 1
        threading.Thread(target=p.relay, args=(client,), daemon=True).start()


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "probe":
        probe(sys.argv[2:])
    elif len(sys.argv) == 7 and sys.argv[1] == "proxy":
        proxy(sys.argv[2:])
    else:
        sys.exit(__doc__)
