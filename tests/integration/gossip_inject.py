#!/usr/bin/env python3
"""Sends one gossip datagram (wire format v1, docs/gossip.md) to HOST:PORT, claiming
a site's verdict: signed with a member's PEM key (--key), or a fresh key no one trusts
(--stranger); --seq and --age-ms make replays and stale datagrams, --tamper flips a byte of the
observation after signing. With --vip it sends a VIP report (type 2) instead: one instance
(--instance, --vip-site) in state --node-state; --tamper then flips its priority byte."""
import argparse
import socket
import struct
import time

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def site_id(name):
    h = 0xCBF29CE484222325
    zone, site = name.split("/")
    for b in (zone.lower().rstrip(".") + "/" + site.lower()).encode():
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--to", required=True, help="HOST:PORT")
    who = ap.add_mutually_exclusive_group(required=True)
    who.add_argument("--key", help="the PEM private key to sign with")
    who.add_argument("--stranger", action="store_true")
    ap.add_argument("--site", default="example.com/fra")
    ap.add_argument("--verdict", choices=["up", "down"], default="up")
    ap.add_argument("--seq", type=int, default=None, help="default: now in microseconds")
    ap.add_argument("--age-ms", type=int, default=0)
    ap.add_argument("--tamper", action="store_true")
    ap.add_argument("--vip", action="store_true", help="a VIP report rather than observations")
    ap.add_argument("--instance", default="lab")
    ap.add_argument("--vip-site", default="web")
    ap.add_argument("--node-state", choices=["init", "backup", "master", "fault"], default="master")
    a = ap.parse_args()
    if a.stranger:
        key = Ed25519PrivateKey.generate()
    else:
        with open(a.key, "rb") as f:
            key = serialization.load_pem_private_key(f.read(), password=None)
    pub = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    now_ms = int(time.time() * 1000)
    seq = a.seq if a.seq is not None else now_ms * 1000 + 999
    kind = 2 if a.vip else 1
    body = b"BG\x01" + bytes([kind]) + pub[:8] + struct.pack(">QQBBH", seq, now_ms - a.age_ms, 0, 1, 1)
    if a.vip:
        name, site = a.instance.encode(), a.vip_site.encode()
        state = ["init", "backup", "master", "fault"].index(a.node_state)
        body += bytes([len(name)]) + name + bytes([len(site)]) + site
        body += struct.pack(">BBBBII", state, 200, 1, 0, 3609, 0)
        body += bytes([4, 24, 192, 0, 2, 100])
        flip = 32 + 1 + len(name) + 1 + len(site) + 1
    else:
        body += struct.pack(">QBBH", site_id(a.site), 1 if a.verdict == "up" else 2, 0, 0)
        flip = 32 + 8
    msg = bytearray(body + key.sign(body))
    if a.tamper:
        msg[flip] ^= 3
    host, port = a.to.rsplit(":", 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(bytes(msg), (host, int(port)))


if __name__ == "__main__":
    main()
