#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_vrrp into corpus/vrrp/: valid adverts in both families and
checksum conventions, and one of each kind of drop. Run from tests/fuzz/; the files are
committed, so this only documents how they were made."""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "vrrp")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def vrrp(vrid, prio, interval, addrs, src, dst, pseudo=True, version=3, typ=1, count=None):
    body = bytes([version << 4 | typ, vrid, prio, len(addrs) if count is None else count])
    body += struct.pack("!HH", interval & 0xFFF, 0) + b"".join(addrs)
    pre = src + dst + struct.pack("!HH", len(body), 112) if pseudo else b""
    c = csum(pre + body)
    return body[:6] + struct.pack("!H", c) + body[8:]


def ipv4(msg, src, dst, ttl=255, options=b""):
    ihl = (20 + len(options)) // 4
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0xC0, 20 + len(options) + len(msg), 0, 0,
                      ttl, 112, 0, src, dst)
    return hdr + options + msg


A = bytes([192, 0, 2, 11])
G = bytes([224, 0, 0, 18])
P = bytes([192, 0, 2, 12])
V = [bytes([192, 0, 2, 100]), bytes([192, 0, 2, 101])]
S6 = bytes([0xFE, 0x80] + [0] * 13 + [0x11])
G6 = bytes([0xFF, 0x02] + [0] * 13 + [0x12])
V6 = [bytes([0x20, 0x01, 0x0D, 0xB8] + [0] * 11 + [0x64])]

seeds = {
    "v4-multicast": b"\0" + ipv4(vrrp(51, 150, 100, V, A, G), A, G),
    "v4-plain-checksum": b"\0" + ipv4(vrrp(51, 150, 5, V, A, G, pseudo=False), A, G),
    "v4-unicast-old-keepalived": b"\0" + ipv4(vrrp(51, 100, 1, V, A, G), A, P, ttl=64),
    "v4-unicast-ttl-strict": b"\2" + ipv4(vrrp(51, 100, 1, V, A, P), A, P, ttl=64),
    "v4-priority0": b"\0" + ipv4(vrrp(51, 0, 100, V, A, G), A, G),
    "v4-ttl254": b"\0" + ipv4(vrrp(51, 150, 100, V, A, G), A, G, ttl=254),
    "v4-options": b"\0" + ipv4(vrrp(7, 20, 4095, V[:1], A, G), A, G, options=b"\x94\x04\0\0"),
    "v4-version2": b"\0" + ipv4(vrrp(51, 150, 1, V, A, G, version=2), A, G),
    "v4-type2": b"\0" + ipv4(vrrp(51, 150, 1, V, A, G, typ=2), A, G),
    "v4-count-too-big": b"\0" + ipv4(vrrp(51, 150, 1, V, A, G, count=200), A, G),
    "v4-zero-interval": b"\0" + ipv4(vrrp(51, 150, 0, V, A, G), A, G),
    "v4-truncated": b"\0" + ipv4(vrrp(51, 150, 1, V, A, G), A, G)[:30],
    "v4-bad-ihl": b"\0" + bytes([0x4F]) + bytes(40),
    "v6-advert": b"\1" + vrrp(51, 150, 100, V6, S6, G6),
    "v6-no-address": b"\1" + vrrp(9, 1, 1, [], S6, G6),
    "v6-plain-checksum": b"\1" + vrrp(51, 150, 100, V6, S6, G6, pseudo=False),
    "empty": b"",
    "one-byte": b"\1",
}

os.makedirs(OUT, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
