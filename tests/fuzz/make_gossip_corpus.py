#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_gossip into tests/fuzz/corpus/gossip: datagrams signed with
the fuzzer's fixed keys (seeds of 32 bytes 0x01, 0x02, 0x03, 0x04 for the vip member), dated at its fixed clock, and
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


def vip_record(name, site, state, prio, addrs, down_ms=3609, age_ms=1500, reserved=0):
    out = bytes([len(name)]) + name.encode() + bytes([len(site)]) + site.encode()
    out += struct.pack(">BBBBII", state, prio, len(addrs), reserved, down_ms, age_ms)
    for family, prefix, addr in addrs:
        out += bytes([family, prefix]) + addr
    return out


def vip_signed(k, seq, records, time_ms=WALL_MS, part=0, parts=1, count=None):
    """A VIP report (type 2): the state header, then variable-length records."""
    count = len(records) if count is None else count
    b = b"BG" + bytes([1, 2]) + pub(k)[:8] + struct.pack(">QQBBH", seq, time_ms, part, parts, count)
    b += b"".join(records)
    return b + k.sign(b)


def vip_seeds(eu, vip):
    v4 = (4, 24, bytes([192, 0, 2, 10]))
    v6 = (6, 64, bytes([0x20, 0x01, 0x0D, 0xB8]) + bytes(11) + bytes([0x10]))
    master = vip_record("web-4", "web", 2, 150, [v4, v6])
    backup = vip_record("web-4", "web", 1, 100, [v4], age_ms=0xFFFFFFFF)
    big = [vip_record("n" * 63, "s" * 63, 1, 1, [v6] * 20)] * 2
    return {
        "vip-ok-master.bin": vip_signed(vip, 30, [master, backup]),
        "vip-ok-empty.bin": vip_signed(vip, 31, []),
        "vip-ok-part1of2.bin": vip_signed(vip, 32, [backup], part=1, parts=2),
        "vip-ok-largest.bin": vip_signed(vip, 33, big),
        "vip-replay.bin": vip_signed(vip, 29, [master]),
        "vip-from-probe.bin": vip_signed(eu, 34, [master]),
        "vip-bad-state.bin": vip_signed(vip, 35, [vip_record("web-4", "web", 4, 1, [])]),
        "vip-bad-family.bin": vip_signed(vip, 36, [vip_record("w", "web", 1, 1, [(5, 0, b"")])]),
        "vip-bad-prefix.bin": vip_signed(vip, 37, [vip_record("w", "web", 1, 1, [(4, 33, bytes(4))])]),
        "vip-bad-name.bin": vip_signed(vip, 38, [vip_record("we b", "web", 1, 1, [])]),
        "vip-empty-site.bin": vip_signed(vip, 39, [vip_record("w", "", 1, 1, [])]),
        "vip-reserved.bin": vip_signed(vip, 40, [vip_record("w", "web", 1, 1, [], reserved=1)]),
        "vip-count-too-big.bin": vip_signed(vip, 41, [master], count=2),
        "vip-trailing.bin": vip_signed(vip, 42, [master + b"\x00"]),
        "vip-truncated.bin": vip_signed(vip, 43, [master[:-3]]),
    }


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
    seeds.update(vip_seeds(eu, key(4)))
    vip_tampered = bytearray(seeds["vip-ok-master.bin"])
    vip_tampered[32 + 1 + 5 + 1 + 3] = 3  # master turned fault after signing
    seeds["vip-tampered.bin"] = bytes(vip_tampered)
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
