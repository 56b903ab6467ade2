#!/usr/bin/python3
"""ecswire.py: turn a dnsperf query file into dnsperf's binary input (-B), each query with EDNS
and the ECS option of its own client subnet, for tools/bench-dns --geo.

dnsperf -E puts one and the same option in every query of a run; its -B input is a stream of
messages each preceded by its length (as on TCP, RFC 1035 §4.2.2), sent as they are but for
the ID. Query i gets the ECS option (RFC 7871 §6) of line i of SUBNETS (`SUBNET HEX`, from
tools/bench/gengeo.py --subnets; reused from the top when the queries outnumber them), so
every query comes from another client and the server's database walk is not the same cached
path every time. With --no-ecs the queries carry EDNS without any option, for comparison.

The header is dnsperf's own (RD set), the OPT record advertises 4096 bytes like dnsperf -e.

usage: ecswire.py SUBNETS QUERYFILE OUT [--no-ecs]
"""
import argparse
import struct

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "MX": 15, "TXT": 16, "AAAA": 28}
ECS_OPTION_CODE = 8
OPT_TYPE = 41
EDNS_SIZE = 4096


def wire_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\0"


def message(name, qtype, ecs):
    header = struct.pack("!HHHHHH", 0, 0x0100, 1, 0, 0, 1)  # RD; one question, one OPT
    question = wire_name(name) + struct.pack("!HH", TYPES[qtype], 1)
    options = b"" if ecs is None else struct.pack("!HH", ECS_OPTION_CODE, len(ecs)) + ecs
    opt = b"\0" + struct.pack("!HHIH", OPT_TYPE, EDNS_SIZE, 0, len(options)) + options
    return header + question + opt


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("subnets")
    ap.add_argument("queryfile")
    ap.add_argument("out")
    ap.add_argument("--no-ecs", action="store_true", help="EDNS without the ECS option")
    a = ap.parse_args()
    with open(a.subnets) as f:
        options = [bytes.fromhex(line.split()[1]) for line in f if line.strip()]
    if not options:
        ap.error(f"{a.subnets}: no subnets")
    with open(a.queryfile) as q, open(a.out, "wb") as out:
        for i, line in enumerate(q):
            name, qtype = line.split()
            msg = message(name, qtype, None if a.no_ecs else options[i % len(options)])
            out.write(struct.pack("!H", len(msg)) + msg)


if __name__ == "__main__":
    main()
