#!/usr/bin/python3
"""Writes the hand-made seeds of tests/fuzz/corpus/xfr for fuzz_xfr: AXFR and IXFR requests,
signed (the key fuzz_xfr.c knows, and one it does not) and not, NOTIFY, and malformed TSIG
records. Deterministic but for the TSIG time, which fuzz_xfr verifies against itself; it
overwrites only the files it names."""

import os
import struct

import dns.message
import dns.name
import dns.rrset
import dns.tsig
import dns.tsigkeyring

HERE = os.path.dirname(os.path.abspath(__file__))
DIR = os.path.join(HERE, "corpus", "xfr")
KEY = dns.tsig.Key("xfr.key.", "K2tf3TRjvQkVCmJF3/Z9vA==", "hmac-sha256.")
OTHER = dns.tsig.Key("other.key.", "K2tf3TRjvQkVCmJF3/Z9vA==", "hmac-sha512.")


def write(name, data):
    os.makedirs(DIR, exist_ok=True)
    with open(os.path.join(DIR, name), "wb") as f:
        f.write(data)


def request(qtype, zone="xfr.test.", serial=None, key=None, qid=0x4242):
    q = dns.message.make_query(zone, qtype)
    q.id = qid
    if serial is not None:
        q.authority.append(dns.rrset.from_text(zone, 0, "IN", "SOA", f"a. b. {serial} 0 0 0 0"))
    if key is not None:
        q.use_tsig(key)
    return q.to_wire()


write("axfr", request("AXFR"))
write("axfr-signed", request("AXFR", key=KEY))
write("axfr-other-key", request("AXFR", key=OTHER))
write("axfr-not-served", request("AXFR", zone="example.org."))
write("ixfr-current", request("IXFR", serial=101))
write("ixfr-journal", request("IXFR", serial=100, key=KEY))
write("ixfr-old", request("IXFR", serial=5))
write("ixfr-newer", request("IXFR", serial=0x80000000))
write("ixfr-no-soa", request("IXFR"))
n = dns.message.make_query("xfr.test.", "SOA")
n.set_opcode(dns.opcode.NOTIFY)
write("notify", n.to_wire())
signed = bytearray(request("AXFR", key=KEY))
write("tsig-bad-mac", bytes(signed[:-12]) + bytes([signed[-12] ^ 1]) + bytes(signed[-11:]))
write("tsig-cut", bytes(signed[:-3]))
# the TSIG counted as an answer: not last in the additional section
moved = bytearray(signed)
struct.pack_into("!HH", moved, 6, 1, 0)
write("tsig-misplaced", bytes(moved))
# MAC length past the record
long_mac = bytearray(signed)
alg_end = long_mac.index(b"\x0bhmac-sha256\x00") + 13
struct.pack_into("!H", long_mac, alg_end + 8, 0xffff)
write("tsig-mac-overrun", bytes(long_mac))
# a compression loop in the TSIG owner
loop = bytearray(request("AXFR"))
struct.pack_into("!H", loop, 10, 1)
loop += b"\xc0" + bytes([len(loop)]) + struct.pack("!HHIH", 250, 255, 0, 0)
write("tsig-owner-loop", bytes(loop))
