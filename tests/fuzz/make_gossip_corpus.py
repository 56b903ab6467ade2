#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_gossip into tests/fuzz/corpus/gossip: datagrams signed with
the fuzzer's fixed keys (seeds of 32 bytes 0x01, 0x02, 0x03), dated at its fixed clock, and
broken ones of every kind the receiver counts. Needs python3-cryptography; run it again only
to change the seeds."""
import os
import struct

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

WALL_MS = 1700000000000
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "gossip")


def key(n):
    return Ed25519PrivateKey.from_private_bytes(bytes([n]) * 32)


def pub(k):
    return k.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def site_id(zone, site):
    h = 0xCBF29CE484222325
    for b in (zone.lower().rstrip(".") + "/" + site.lower()).encode():
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def body(k, seq, obs, time_ms=WALL_MS, part=0, parts=1, version=1, kid=None):
    kid = kid if kid is not None else pub(k)[:8]
    out = b"BG" + bytes([version, 1]) + kid + struct.pack(">QQBBH", seq, time_ms, part, parts, len(obs))
    for sid, verdict, age in obs:
        out += struct.pack(">QBBH", sid, verdict, 0, age)
    return out


def signed(k, *args, **kw):
    b = body(k, *args, **kw)
    return b + k.sign(b)


def main():
    os.makedirs(OUT, exist_ok=True)
    eu, us, stranger = key(1), key(2), key(9)
    fra, iad = site_id("example.com", "fra"), site_id("example.com", "iad")
    seeds = {
        "ok-eu-up.bin": signed(eu, 10, [(fra, 1, 5), (iad, 1, 5)]),
        "ok-eu-down.bin": signed(eu, 11, [(fra, 2, 0), (iad, 1, 6)]),
        "ok-us-down.bin": signed(us, 20, [(fra, 2, 0)]),
        "ok-us-heartbeat.bin": signed(us, 21, []),
        "ok-us-part1of2.bin": signed(us, 22, [(iad, 1, 1)], part=1, parts=2),
        "ok-full.bin": signed(eu, 12, [(fra + i, 1 + i % 2, i) for i in range(92)]),
        "replay-eu.bin": signed(eu, 9, [(fra, 2, 0)]),
        "stale-eu.bin": signed(eu, 13, [(fra, 2, 0)], time_ms=WALL_MS - 60000),
        "future-eu.bin": signed(eu, 14, [(fra, 2, 0)], time_ms=WALL_MS + 60000),
        "unknown-key.bin": signed(stranger, 1, [(fra, 2, 0)]),
        "forged-as-eu.bin": signed(stranger, 15, [(fra, 2, 0)], kid=pub(eu)[:8]),
        "own.bin": signed(key(3), 1, []),
        "version2.bin": signed(eu, 16, [], version=2),
        "bad-verdict.bin": signed(eu, 17, [(fra, 3, 0)]),
        "bad-part.bin": signed(eu, 18, [], part=2, parts=2),
        "bad-parts-max.bin": signed(eu, 18, [], part=0, parts=17),
        "short-header.bin": b"BG\x01\x01" + b"\x00" * 20,
        "empty.bin": b"",
        "oversized.bin": b"BG\x01\x01" + b"\x00" * 1300,
    }
    tampered = bytearray(seeds["ok-eu-down.bin"])
    tampered[32 + 8] = 1
    seeds["tampered-eu.bin"] = bytes(tampered)
    seeds["count-too-big.bin"] = seeds["ok-eu-up.bin"][:30] + b"\x00\x09" + seeds["ok-eu-up.bin"][32:]
    for name, data in sorted(seeds.items()):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(seeds), OUT))


if __name__ == "__main__":
    main()
