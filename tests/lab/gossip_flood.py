#!/usr/bin/env python3
"""Floods gossip ports with junk, as fast as one core can, for the gossip lab's flood drill
(tests/lab/gossip_flood.sh). Each target gets, in turn: random bytes (malformed), oversized
datagrams (1400 bytes), truncated ones (a well-formed datagram cut short), and well-formed
datagrams whose signature is 64 random bytes, carrying the key id of a trusted member
(--key-id-from, a .pub file: bad_signature, each costing the receiver a verification) or an
unknown one (unknown_key). Bounded twice: --seconds and --count. Prints what it sent."""
import argparse
import base64
import os
import socket
import struct
import time


def well_formed(key_id, seq):
    """A version-1 member state with one observation, signed by no one."""
    now_ms = int(time.time() * 1000)
    body = b"BG\x01\x01" + key_id + struct.pack(">QQBBH", seq, now_ms, 0, 1, 1)
    body += struct.pack(">QBBH", int.from_bytes(os.urandom(8), "big"), 1, 0, 0)
    return body + os.urandom(64)


def batch(key_ids):
    """Sixty-four datagrams of the four kinds: made once, sent over and over."""
    out = []
    seq = int(time.time() * 1e6)
    for i in range(16):
        out.append(os.urandom(40 + i * 7))  # random bytes
        out.append(os.urandom(1400))  # oversized
        out.append(well_formed(key_ids[i % len(key_ids)], seq + i)[: 20 + i])  # truncated
        out.append(well_formed(key_ids[i % len(key_ids)], seq + i))  # unsigned
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--to", action="append", required=True, help="HOST:PORT (repeatable)")
    ap.add_argument("--key-id-from", action="append", default=[], help="a trusted .pub file")
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--count", type=int, default=3000000)
    a = ap.parse_args()
    key_ids = [os.urandom(8)]
    for path in a.key_id_from:
        with open(path) as f:
            text = f.read().split()[1]
        key_ids.append(base64.b64decode(text.split(":", 1)[1])[:8])
    targets = []
    for t in a.to:
        host, port = t.rsplit(":", 1)
        targets.append((host, int(port)))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    sent = failed = 0
    start = time.monotonic()
    end = start + a.seconds
    while sent + failed < a.count and time.monotonic() < end:
        msgs = batch(key_ids)  # fresh times and sequence numbers every ~64 x targets sends
        for _ in range(16):
            for m in msgs:
                for t in targets:
                    try:
                        s.sendto(m, t)
                        sent += 1
                    except OSError:  # a full socket buffer: the flood outruns the link
                        failed += 1
    took = time.monotonic() - start
    print("sent %d datagrams (%d refused by the local socket) in %.2f s: %.0f/s"
          % (sent, failed, took, sent / took))


if __name__ == "__main__":
    main()
