#!/usr/bin/python3
"""Writes the hand-made seeds of tests/fuzz/corpus: queries (valid and malformed) for
fuzz_packet, zone files (valid and broken) for fuzz_zone. Deterministic; it overwrites only the
files it names, so crash reproducers and merged fuzzer finds beside them stay. The packet names
refer to the zone built into fuzz_packet.c."""

import os
import random
import struct

import dns.edns
import dns.message

HERE = os.path.dirname(os.path.abspath(__file__))
PACKET_DIR = os.path.join(HERE, "corpus", "packet")
ZONE_DIR = os.path.join(HERE, "corpus", "zone")


def write(directory, name, data):
    os.makedirs(directory, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def query(qname, qtype="A", **kw):
    kw.setdefault("id", 0x1234)
    return dns.message.make_query(qname, qtype, **kw).to_wire(max_size=65535)


def header(qd=1, an=0, ns=0, ar=0, flags=0x0100, qid=0x4242):
    return struct.pack("!HHHHHH", qid, flags, qd, an, ns, ar)


def wire_name(text):
    out = b""
    for label in text.strip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def question(text="www.fuzz.test", qtype=1, qclass=1):
    return wire_name(text) + struct.pack("!HH", qtype, qclass)


def opt(size=1232, ext_rcode=0, version=0, flags=0, rdata=b"", owner=b"\0"):
    return owner + struct.pack("!HHBBHH", 41, size, ext_rcode, version, flags, len(rdata)) + rdata


def packets():
    p = {}
    # Plain queries for each path of the lookup, without EDNS (512-byte limit).
    for name, qname, qtype in [
        ("a-www", "www.fuzz.test", "A"),
        ("aaaa-www", "www.fuzz.test", "AAAA"),
        ("soa-apex", "fuzz.test", "SOA"),
        ("ns-apex", "fuzz.test", "NS"),
        ("mx-apex", "fuzz.test", "MX"),
        ("any-apex", "fuzz.test", "ANY"),
        ("txt-apex", "fuzz.test", "TXT"),
        ("caa-apex", "fuzz.test", "CAA"),
        ("nodata-apex", "fuzz.test", "SRV"),
        ("nxdomain", "nothere.fuzz.test", "A"),
        ("mixed-case", "mIxEd.FUZZ.tEsT", "A"),
        ("wildcard-a", "anything.wild.fuzz.test", "A"),
        ("wildcard-deep", "a.b.c.wild.fuzz.test", "MX"),
        ("wildcard-nodata", "x.wild.fuzz.test", "AAAA"),
        ("wildcard-blocked", "x.sub.wild.fuzz.test", "A"),
        ("wildcard-exact-star", "*.wild.fuzz.test", "TXT"),
        ("wildcard-cname", "x.cname.fuzz.test", "A"),
        ("wildcard-below-ent", "q.deep.ent.tree.fuzz.test", "A"),
        ("ent-nodata", "b.c.ent.fuzz.test", "A"),
        ("ent-top", "tree.fuzz.test", "A"),
        ("cname-chain", "chain1.fuzz.test", "A"),
        ("cname-loop", "loop1.fuzz.test", "A"),
        ("cname-self", "self.fuzz.test", "AAAA"),
        ("cname-long", "long0.fuzz.test", "A"),
        ("cname-to-nx", "tonx.fuzz.test", "A"),
        ("cname-out", "out.fuzz.test", "A"),
        ("cname-to-referral", "toref.fuzz.test", "A"),
        ("cname-to-wildcard", "towild.fuzz.test", "TXT"),
        ("cname-to-child", "tochild.fuzz.test", "A"),
        ("cname-to-big", "tobig.fuzz.test", "TXT"),
        ("cname-query", "chain1.fuzz.test", "CNAME"),
        ("cname-any", "loop1.fuzz.test", "ANY"),
        ("dname-synth", "www.dn.fuzz.test", "A"),
        ("dname-cname-chain", "cn.dn.fuzz.test", "A"),
        ("dname-chain", "www.dn2.fuzz.test", "AAAA"),
        ("dname-owner", "dn.fuzz.test", "DNAME"),
        ("dname-owner-data", "dn.fuzz.test", "A"),
        ("dname-below-type-dname", "x.dn.fuzz.test", "DNAME"),
        ("dname-cname-query", "x.dn.fuzz.test", "CNAME"),
        ("dname-any", "www.dn.fuzz.test", "ANY"),
        ("dname-out", "a.b.dnout.fuzz.test", "MX"),
        ("dname-loop", "x.dnloop1.fuzz.test", "A"),
        ("dname-grow", "x.dngrow1.fuzz.test", "A"),
        ("dname-255", "x" * 63 + "." + "x" * 51 + ".dnlong.fuzz.test", "A"),
        ("dname-yxdomain", "x" * 63 + "." + "x" * 52 + ".dnlong.fuzz.test", "A"),
        ("referral", "host.deleg.fuzz.test", "A"),
        ("referral-at-cut", "deleg.fuzz.test", "NS"),
        ("ds-at-cut", "deleg.fuzz.test", "DS"),
        ("ds-below-cut", "x.deleg.fuzz.test", "DS"),
        ("occluded", "occluded.deleg.fuzz.test", "A"),
        ("referral-no-glue", "x.outonly.fuzz.test", "A"),
        ("referral-wide", "x.wide.fuzz.test", "A"),
        ("ds-child-apex", "child.fuzz.test", "DS"),
        ("dnskey-child", "child.fuzz.test", "DNSKEY"),
        ("soa-child", "child.fuzz.test", "SOA"),
        ("child-wildcard", "zz.child.fuzz.test", "A"),
        ("tc-medium", "medium.fuzz.test", "TXT"),
        ("tc-big", "big.fuzz.test", "TXT"),
        ("srv", "_sip._tcp.fuzz.test", "SRV"),
        ("ptr", "ptr.fuzz.test", "PTR"),
        ("minfo", "minfo.fuzz.test", "MINFO"),
        ("rp", "rp.fuzz.test", "RP"),
        ("hinfo", "hinfo.fuzz.test", "HINFO"),
        ("naptr", "naptr.fuzz.test", "NAPTR"),
        ("sshfp", "sshfp.fuzz.test", "SSHFP"),
        ("tlsa", "tlsa._443._tcp.fuzz.test", "TLSA"),
        ("generic-type", "generic.fuzz.test", "TYPE65280"),
        ("generic-any", "generic.fuzz.test", "ANY"),
        ("escaped-label", "esc\\.aped\\032label.fuzz.test", "A"),
        ("refused-other-zone", "example.com", "A"),
        ("refused-root", ".", "NS"),
        ("refused-axfr", "fuzz.test", "AXFR"),
        ("refused-ixfr", "fuzz.test", "IXFR"),
    ]:
        p["q-%s.bin" % name] = query(qname, qtype)
    p["q-refused-chaos.bin"] = query("version.bind", "TXT", rdclass="CH")
    p["chaos-id-nsid.bin"] = query("id.server", "TXT", rdclass="CH", use_edns=0,
                                   options=[dns.edns.GenericOption(3, b"")])
    p["chaos-version-any.bin"] = query("VERSION.BIND", "ANY", rdclass="CH")
    p["edns-nsid-twice.bin"] = query("www.fuzz.test", "A", use_edns=0, options=[
        dns.edns.GenericOption(3, b"ab"), dns.edns.GenericOption(3, b"")])
    # With EDNS: REFUSED carries an Extended DNS Error (20, 21, 18), and so does NODATA at a
    # FAILOVER name whose picked site has no IPv6 (its SOA with the answer's TTL).
    p["ede-refused-other-zone.bin"] = query("example.com", "A", use_edns=0, payload=512)
    p["ede-refused-chaos.bin"] = query("version.bind", "TXT", rdclass="CH", use_edns=0)
    p["ede-refused-axfr.bin"] = query("fuzz.test", "AXFR", use_edns=0)
    p["ede-failover-nodata.bin"] = query("order.fuzz.test", "AAAA", use_edns=0, payload=512)
    p["q-no-rd.bin"] = query("www.fuzz.test", "A", flags=0)
    p["q-cd-bit.bin"] = query("www.fuzz.test", "A", flags=0x0110)
    p["q-opcode-notify.bin"] = header(flags=4 << 11) + question("fuzz.test", 6)
    p["q-opcode-update.bin"] = header(flags=5 << 11) + question("fuzz.test", 6)
    p["q-opcode-15.bin"] = header(flags=15 << 11, qd=0)
    # EDNS: sizes, versions, DO, options.
    p["edns-1232.bin"] = query("www.fuzz.test", "A", use_edns=0, payload=1232)
    p["edns-do.bin"] = query("fuzz.test", "DNSKEY", use_edns=0, want_dnssec=True, payload=4096)
    p["edns-size-0.bin"] = query("medium.fuzz.test", "TXT", use_edns=0, payload=0)
    p["edns-size-511.bin"] = query("medium.fuzz.test", "TXT", use_edns=0, payload=511)
    p["edns-size-512.bin"] = query("x.wide.fuzz.test", "A", use_edns=0, payload=512)
    p["edns-size-1232-medium.bin"] = query("medium.fuzz.test", "TXT", use_edns=0, payload=1232)
    p["edns-size-4096-big.bin"] = query("big.fuzz.test", "TXT", use_edns=0, payload=4096)
    p["edns-size-65535.bin"] = query("big.fuzz.test", "TXT", use_edns=0, payload=65535)
    p["edns-version-1.bin"] = query("www.fuzz.test", "A", use_edns=1)
    p["edns-version-255.bin"] = query("www.fuzz.test", "A", use_edns=255)
    p["edns-cookie-nsid.bin"] = query("www.fuzz.test", "A", use_edns=0, options=[
        dns.edns.GenericOption(10, bytes(range(8))), dns.edns.GenericOption(3, b"")])
    p["edns-ecs.bin"] = query("www.fuzz.test", "A", use_edns=0,
                              options=[dns.edns.ECSOption("192.0.2.0", 24)])
    # policy=geo with ECS: both families, IPv4-mapped, overrides, source 0, and RFC 7871's
    # FORMERR cases (family, scope, stray bits, address length, two options)
    for name, addr, src in [("v4", "192.0.2.0", 24), ("v4-net", "192.0.2.128", 25),
                            ("v4-host", "203.0.113.9", 32), ("v6", "2001:db8:3::", 48),
                            ("v6-net", "2001:db8:1:8000::", 56), ("mapped", "::ffff:192.0.2.0", 120),
                            ("src0", "0.0.0.0", 0), ("unknown", "127.0.0.0", 8)]:
        p["ecs-geo-%s.bin" % name] = query("geo.fuzz.test", "A", use_edns=0,
                                           options=[dns.edns.ECSOption(addr, src)])
    p["ecs-geo-aaaa.bin"] = query("geo.fuzz.test", "AAAA", use_edns=0,
                                  options=[dns.edns.ECSOption("2001:db8:2::", 48)])
    p["ecs-geo-cname.bin"] = query("geocname.fuzz.test", "A", use_edns=0,
                                   options=[dns.edns.ECSOption("198.51.100.0", 24)])
    p["ecs-static.bin"] = query("www.fuzz.test", "A", use_edns=0,
                                options=[dns.edns.ECSOption("198.51.100.0", 24)])
    p["ecs-order.bin"] = query("order.fuzz.test", "A", use_edns=0,
                               options=[dns.edns.ECSOption("198.51.100.0", 24)])
    p["ecs-all.bin"] = query("all.fuzz.test", "ANY", use_edns=0,
                             options=[dns.edns.ECSOption("198.51.100.0", 24)])
    ecs = lambda data: opt(rdata=struct.pack("!HH", 8, len(data)) + data)
    p["ecs-bad-family.bin"] = header(ar=1) + question("geo.fuzz.test") + ecs(b"\0\3\0\0")
    p["ecs-bad-scope.bin"] = header(ar=1) + question("geo.fuzz.test") + ecs(b"\0\1\x18\x10\xc0\0\2")
    p["ecs-bad-bits.bin"] = header(ar=1) + question("geo.fuzz.test") + ecs(b"\0\1\x14\0\xc0\0\2")
    p["ecs-bad-long.bin"] = header(ar=1) + question("geo.fuzz.test") + ecs(b"\0\1\x08\0\xc0\0\2\0")
    p["ecs-bad-short.bin"] = header(ar=1) + question("geo.fuzz.test") + ecs(b"\0\1\x18\0\xc0")
    p["ecs-bad-source.bin"] = header(ar=1) + question("geo.fuzz.test") + ecs(b"\0\1\x21\0" + bytes(5))
    p["ecs-bad-tiny.bin"] = header(ar=1) + question("geo.fuzz.test") + ecs(b"\0\1\x18")
    # DNS COOKIE (RFC 7873): client only, client and server, every bad length, two of them
    cookie = lambda data: opt(rdata=struct.pack("!HH", 10, len(data)) + data)
    p["cookie-client.bin"] = header(ar=1) + question("www.fuzz.test") + cookie(bytes(range(8)))
    p["cookie-server.bin"] = header(ar=1) + question("www.fuzz.test") + cookie(
        bytes(range(8)) + bytes.fromhex("010000006b49d200") + bytes(8))
    p["cookie-short.bin"] = header(ar=1) + question("www.fuzz.test") + cookie(bytes(7))
    p["cookie-bad-server.bin"] = header(ar=1) + question("www.fuzz.test") + cookie(bytes(12))
    p["cookie-long.bin"] = header(ar=1) + question("www.fuzz.test") + cookie(bytes(41))
    p["cookie-two.bin"] = header(ar=1) + question("www.fuzz.test") + opt(
        rdata=2 * (struct.pack("!HH", 10, 8) + bytes(8)))
    p["cookie-and-ecs.bin"] = header(ar=1) + question("geo.fuzz.test") + opt(
        rdata=struct.pack("!HH", 10, 8) + bytes(8) + struct.pack("!HH", 8, 7) + b"\0\1\x18\0\xc0\0\2")
    p["ecs-two.bin"] = header(ar=1) + question("geo.fuzz.test") + opt(
        rdata=2 * (struct.pack("!HH", 8, 7) + b"\0\1\x18\0\xc0\0\2"))
    # A query as large as a TCP client may send: padding fills it (RFC 7830).
    p["edns-padding-large.bin"] = query("www.fuzz.test", "A", use_edns=0,
                                        options=[dns.edns.GenericOption(12, bytes(3900))])
    p["edns-ext-rcode-set.bin"] = header(ar=1) + question() + opt(ext_rcode=5)
    p["edns-opt-bad-owner.bin"] = header(ar=1) + question() + opt(owner=wire_name("x"))
    p["edns-opt-truncated.bin"] = (header(ar=1) + question() + opt(rdata=b"\0\x0a\0\x08"))[:-2]
    p["edns-two-opts.bin"] = header(ar=2) + question() + opt() + opt(size=4096)
    p["edns-opt-in-answer.bin"] = header(an=1) + question() + opt()
    p["edns-opt-in-authority.bin"] = header(ns=1, ar=1) + question() + opt() + opt()
    p["edns-opt-after-record.bin"] = header(ar=2) + question() + \
        wire_name("x.fuzz.test") + struct.pack("!HHIH", 1, 1, 60, 4) + bytes(4) + opt(flags=0x8000)
    p["edns-opt-rdlen-huge.bin"] = header(ar=1) + question() + opt()[:-2] + b"\xff\xff"
    # Malformed headers and questions.
    p["bad-empty.bin"] = b""
    p["bad-one-byte.bin"] = b"\x12"
    p["bad-header-11.bin"] = header()[:11]
    p["bad-header-only.bin"] = header(qd=1)
    p["bad-qdcount-0.bin"] = header(qd=0)
    p["bad-qdcount-2.bin"] = header(qd=2) + question() + question("fuzz.test", 6)
    p["bad-qdcount-max.bin"] = header(qd=0xffff) + question()
    p["bad-counts-max.bin"] = header(an=0xffff, ns=0xffff, ar=0xffff) + question()
    p["bad-response-qr.bin"] = header(flags=0x8180) + question()
    p["bad-qname-truncated.bin"] = header() + wire_name("www.fuzz.test")[:6]
    p["bad-qtype-truncated.bin"] = header() + wire_name("www.fuzz.test") + b"\0"
    p["bad-label-0x40.bin"] = header() + b"\x41" + b"a" * 1 + b"\0" + struct.pack("!HH", 1, 1)
    p["bad-label-0x80.bin"] = header() + b"\x03www\x81" + b"\0\0\1\0\1"
    p["bad-pointer-in-question.bin"] = header() + b"\x03www\xc0\x0c" + struct.pack("!HH", 1, 1)
    p["bad-pointer-loop-answer.bin"] = header(an=1) + question() + b"\xc0" + \
        bytes([12 + len(question())]) + struct.pack("!HHIH", 1, 1, 0, 0)
    p["bad-pointer-forward.bin"] = header(ar=1) + question() + b"\xc0\xff" + opt()[1:]
    p["bad-name-too-long.bin"] = header() + (b"\x3f" + b"a" * 63) * 4 + b"\0" + b"\0\1\0\1"
    p["name-max-labels.bin"] = header() + b"\x01a" * 127 + b"\0" + b"\0\1\0\1"
    p["name-max-length.bin"] = header() + (b"\x3f" + b"b" * 63) * 3 + b"\x3d" + b"c" * 61 + \
        b"\0\0\x10\0\1"
    p["bad-trailing-garbage.bin"] = query("www.fuzz.test") + b"\xde\xad\xbe\xef" * 4
    p["bad-record-truncated.bin"] = header(an=1) + question() + wire_name("a") + b"\0\1\0"
    rnd = random.Random(20261125)
    for i in range(4):
        p["garbage-%d.bin" % i] = bytes(rnd.randrange(256) for _ in range(rnd.randrange(12, 200)))
    return p


SOA = "@ IN SOA ns1 hostmaster ( 2024010101 7200 3600 1209600 300 )\n"
BASE = "$ORIGIN fuzz.test.\n$TTL 3600\n" + SOA + "@ NS ns1\nns1 A 192.0.2.53\n"


def zones():
    z = {}
    z["ok-minimal.zone"] = BASE
    z["ok-every-construct.zone"] = """; every construct the compiler handles
$ORIGIN fuzz.test.
$TTL 1h30m
@	7200	IN	SOA	ns1.fuzz.test. hostmaster.fuzz.test. (
			2024010101 ; serial
			2h         ; refresh
			10m        ; retry
			2w         ; expire
			900 )      ; minimum
	IN	NS	ns1
	NS	ns2.fuzz.test.
	NS	ns.outside.example.
@	MX	10 mail
@	A	192.0.2.1
@	AAAA	2001:db8::1
@	TXT	"v=spf1 -all" "second; string" "with \\"quotes\\""
@	CAA	0 issue "ca.example"
@	DNSKEY	257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==
ns1	A	192.0.2.53
	AAAA	2001:db8::53
ns2	60 IN	A	192.0.2.54
mail	60 IN	A	192.0.2.25
*.wild	A	192.0.2.100
*.wild	TXT	"wildcard"
sub.wild	A	192.0.2.101
*.cname	CNAME	www
www	A	192.0.2.80
a.b.c.ent	A	192.0.2.110
chain1	CNAME	chain2
chain2	CNAME	www
loop1	CNAME	loop2
loop2	CNAME	loop1
deleg	NS	ns.deleg
deleg	NS	ns.outside.example.
deleg	DS	12345 13 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE9B4FCC1E1B7C5E0E0B3B4F5A
ns.deleg	A	192.0.2.120
below.deleg	A	192.0.2.121
_sip._tcp	SRV	10 60 5060 www
ptr	PTR	www
minfo	MINFO	hostmaster mail
rp	RP	hostmaster txt
naptr	NAPTR	100 10 "S" "SIP+D2U" "" _sip._udp
hinfo	HINFO	"PC" "Linux"
txt	TXT	"a;b" ; comment after a quoted semicolon
esc\\.aped\\032label	A	192.0.2.82
MiXeD	A	192.0.2.81
"""
    z["ok-origin-changes.zone"] = BASE + """$ORIGIN sub.fuzz.test.
www A 192.0.2.1
$ORIGIN fuzz.test.
www A 192.0.2.2
$ORIGIN deeper
x A 192.0.2.3
"""
    z["ok-ttl-units.zone"] = "$TTL 1w2d3h4m5s\n" + SOA + "@ NS ns1\nns1 0 A 192.0.2.1\n" \
        "big 2147483647 A 192.0.2.2\n$TTL 0\nzero A 192.0.2.3\n"
    z["ok-generic-rfc3597.zone"] = BASE + """g1 TYPE65280 \\# 4 0A000001
g2 TYPE65281 \\# 0
g3 A \\# 4 C0000201
g4 TXT \\# 6 0568656C6C6F
g5 CLASS1 TYPE1 \\# 4 C0000202
g6 TYPE2 \\# 15 036E7331 0466757A7A 0474657374 00
"""
    z["ok-parentheses.zone"] = "$ORIGIN fuzz.test.\n@ 3600 IN SOA (\n ns1\n hostmaster\n" \
        " 1 ( 2 )\n" \
        " 3\n 4 5 )\n@ NS ( ns1 )\nns1 A ( 192.0.2.1 )\ntxt TXT ( \"line one\"\n" \
        "\"line two ( not a paren )\" )\n"
    z["ok-comments-quotes.zone"] = BASE + """; full-line comment
txt TXT "semicolon ; inside" ; trailing comment
txt TXT "escaped \\" quote" "back\\\\slash"
txt TXT "\\065\\066\\067"
txt TXT unquoted-word
; comment with ( and ) and "
"""
    z["ok-crlf.zone"] = BASE.replace("\n", "\r\n") + "crlf A 192.0.2.9\r\n"
    z["ok-blank-owner.zone"] = BASE + "multi A 192.0.2.1\n  A 192.0.2.2\n\tAAAA 2001:db8::2\n"
    z["ok-wildcards.zone"] = BASE + "* A 192.0.2.1\n*.a A 192.0.2.2\n*.*.b A 192.0.2.3\n" \
        "x.*.c A 192.0.2.4\n*.d MX 10 ns1\n*.e NS ns1\n"
    z["ok-cname-long-chain.zone"] = BASE + "".join(
        "c%d CNAME c%d\n" % (i, i + 1) for i in range(20)) + "c20 A 192.0.2.1\n"
    z["ok-delegations.zone"] = BASE + "d1 NS ns.d1\nns.d1 A 192.0.2.1\nd1 DS 1 8 2 " \
        "E2D3C916F6DEEAC73294E8268FB5885044A833FC5459588F4A9184CFC41A5766\n" \
        "d2 NS ns.outside.example.\nd3 NS ns.d3\nns.d3 AAAA 2001:db8::3\n" \
        "x.d1 NS ns.d1\nd1 TXT \"occluded beside the NS\"\n"
    z["ok-duplicates.zone"] = BASE + "dup A 192.0.2.1\ndup A 192.0.2.1\ndup 60 A 192.0.2.2\n" \
        "case A 192.0.2.3\nCASE A 192.0.2.4\n"
    z["ok-dnssec-types.zone"] = BASE + "@ NSEC ns1.fuzz.test. A NS SOA RRSIG NSEC\n" \
        "@ RRSIG SOA 8 2 3600 20300101000000 20200101000000 12345 fuzz.test. AwEAAQ==\n" \
        "@ NSEC3PARAM 1 0 10 AABBCCDD\n"
    z["include-missing.zone"] = BASE + "$INCLUDE nonexistent.zone\n$INCLUDE nonexistent.zone sub\n"
    # Broken files: each must be reported, none may crash or leak.
    z["bad-unbalanced-open.zone"] = BASE + "txt TXT ( \"never closed\"\nwww A 192.0.2.1\n"
    z["bad-unbalanced-close.zone"] = BASE + "txt TXT \"x\" )\nwww A 192.0.2.1\n"
    z["bad-unterminated-quote.zone"] = BASE + "txt TXT \"no end\nwww A 192.0.2.1\n"
    z["bad-type.zone"] = BASE + "x FOO 1 2 3\ny TYPE A\nz A\n"
    z["bad-rdata.zone"] = BASE + "x A 999.1.1.1\ny AAAA ::g\nz MX ten mail\nw SOA x\n"
    z["bad-out-of-zone.zone"] = BASE + "www.example.com. A 192.0.2.1\n" \
        "$ORIGIN other.\nx A 192.0.2.2\n"
    z["bad-cname-and-data.zone"] = BASE + "c CNAME www\nc A 192.0.2.1\n" \
        "d CNAME a\nd CNAME b\n@ CNAME www\n"
    z["ok-dname.zone"] = BASE + "d DNAME t\nd A 192.0.2.1\nwww.t A 192.0.2.2\n" \
        "cut NS ns.outside.example.\ncut DNAME t\n*.w DNAME t\n"
    z["ok-dname-apex.zone"] = SOA + "@ NS ns.outside.example.\n@ DNAME example.net.\n"
    z["bad-dname.zone"] = BASE + "d DNAME t\nd CNAME www\ne DNAME a.\ne DNAME b.\n" \
        "x.e A 192.0.2.1\ny.z.e TXT \"below\"\n@ DNAME example.net.\n"
    z["bad-missing-soa.zone"] = "$ORIGIN fuzz.test.\n@ NS ns1\nns1 A 192.0.2.1\n"
    z["bad-missing-ns.zone"] = "$ORIGIN fuzz.test.\n" + SOA + "www A 192.0.2.1\n"
    z["bad-two-soa.zone"] = BASE + "@ SOA ns2 h 2 2 2 2 2\nsub SOA ns1 h 1 1 1 1 1\n"
    z["bad-ns-no-glue.zone"] = BASE + "@ NS ns9\nd NS ns.d\n"
    # RFC 1035 §5.1 allows the class before the TTL; ldns reads only TTL first.
    z["class-before-ttl.zone"] = BASE + "x IN 60 A 192.0.2.1\n"
    z["bad-class.zone"] = BASE + "x CH A 192.0.2.1\ny HS TXT \"x\"\n"
    z["bad-directives.zone"] = "$GENERATE 1-10 x$ A 192.0.2.$\n$ORIGIN\n$ORIGIN a b\n" \
        "$ORIGIN bad..name\n$TTL\n$TTL 1x\n$TTL 4294967296\n$INCLUDE\n" + BASE
    z["bad-no-owner-first.zone"] = "   A 192.0.2.1\n" + BASE
    z["bad-long-label.zone"] = BASE + "a" * 64 + " A 192.0.2.1\n" + \
        ".".join(["b" * 63] * 4) + " A 192.0.2.2\n"
    z["bad-nul-bytes.zone"] = BASE.encode() + b"x\0y A 192.0.2.1\n\0\0\0\n"
    z["bad-empty.zone"] = ""
    rnd = random.Random(20261126)
    z["garbage.zone"] = bytes(rnd.randrange(256) for _ in range(400))
    # One record whose data cannot fit in any message (flatten's 65023-byte limit).
    z["bad-rdata-too-large.zone"] = BASE + "big TXT " + \
        " ".join(['"' + "x" * 255 + '"'] * 256) + "\n"
    return z


def main():
    for name, data in packets().items():
        write(PACKET_DIR, name, data)
    for name, data in zones().items():
        write(ZONE_DIR, name, data)


if __name__ == "__main__":
    main()
