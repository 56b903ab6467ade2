#!/usr/bin/python3
"""genzone.py: write the zone and the dnsperf query file that tools/bench-dns serves and asks.

The zone bench.test. has about 10,000 owner names: hosts with A (half also AAAA, some MX and
TXT), CNAMEs to hosts, a wildcard and delegations with glue, and a few FAILOVER names (fo0,
fo1, ...) over sites without checks, so they are always up. The query mix is drawn from a
seeded generator, so every run and every server gets the same queries in the same order; it
never asks a FAILOVER name.

Only batond reads $SITE and FAILOVER, so --static-zone writes the same zone with each FAILOVER
replaced by the records batond answers for it (every site is up): the first site's A and AAAA
for policy=order, every site's for policy=all. NSD, Knot and gdnsd serve that one, and every
server answers every query alike. (baton-checkzone --static would list every site for
policy=order too.)

Addresses stay valid at any --hosts up to 16,777,216: host i has A 10.(i>>16).(i>>8).i and, for
even i, AAAA 2001:db8:1::i up to 0xffff and 2001:db8:1::(i>>16):(i&0xffff) beyond, so the
output for --hosts up to 65,536 is what it always was.

--http-sites N puts the FAILOVER names over N sites hc0, hc1, ... instead of the four
unchecked ones: site i at 127.1.(i>>8).(i&255), all of them sharing one HTTP check ($CHECK
web, interval 1s, --http-port, fall=1 and rise=1 so one probe moves a site) that every probe
makes against the site's own loopback address. tools/bench-zone --sites serves those addresses
with tools/bench/httpback.py. In the static version every site is up.

--static-a-queries and --failover-queries write the two query files of bench-dns --failover:
A queries of static hosts only, and A queries of FAILOVER names only, each drawn from as many
distinct names (the FAILOVER names, and as many hosts spread over the zone), so that the two
differ in how the answer is made and not in how much of the zone the queries touch.

--geo adds as many policy=geo FAILOVER names (geo0, geo1, ...) over six sites with geo=
coordinates, each listing three to six of them from a different first site; batond then needs
a geoip-database (bench-dns --geo builds one with tools/bench/gengeo.py). Their static version
is what batond answers a client of no known location: the first site in list order.
--geo-queries writes A queries of the geo names, drawn as --failover-queries draws its names,
for bench-dns --geo to compare with --static-a-queries.

usage: genzone.py ZONEFILE QUERYFILE [--static-zone FILE] [--static-a-queries FILE]
                  [--failover-queries FILE] [--geo] [--geo-queries FILE] [--hosts N]
                  [--failover-names N] [--queries N] [--seed N]
                  [--http-sites N --http-port PORT]
"""
import argparse
import random

ORIGIN = "bench.test."

# Share of each kind of query, in percent; they add up to 100.
MIX = [
    ("a", 60),          # A of an existing host
    ("aaaa", 10),       # AAAA of a host that has one
    ("mx", 3),          # MX of a host that has one
    ("txt", 2),         # TXT of a host that has one
    ("nxdomain", 10),   # a name that does not exist
    ("cname", 7),       # A of an alias, answered by CNAME + A from the zone
    ("wildcard", 6),    # A synthesised from *.wild
    ("referral", 2),    # below a delegation: a referral with glue
]

# The sites of the FAILOVER names: name, IPv4, IPv6 (or None). No check=, so always up.
SITES = [
    ("s1", "192.0.2.11", "2001:db8:5::11"),
    ("s2", "192.0.2.12", "2001:db8:5::12"),
    ("s3", "198.51.100.13", None),
    ("s4", "198.51.100.14", "2001:db8:5::14"),
]
FAILOVER_TTL = 30
HTTP_NET = "127.1"  # --http-sites: site i at 127.1.(i >> 8).(i & 255), loopback all of it

# The sites of the policy=geo names: name, IPv4, IPv6 (or None), latitude, longitude.
GEO_SITES = [
    ("fra", "192.0.2.31", "2001:db8:6::31", 50.11, 8.68),
    ("iad", "192.0.2.32", "2001:db8:6::32", 38.95, -77.45),
    ("sin", "198.51.100.33", None, 1.35, 103.99),
    ("gru", "198.51.100.34", "2001:db8:6::34", -23.43, -46.47),
    ("syd", "203.0.113.35", None, -33.94, 151.18),
    ("sjc", "203.0.113.36", "2001:db8:6::36", 37.36, -121.93),
]


def failover(i, nsites):
    """FAILOVER name i: (policy, [site index...]). Two of three are policy=order over a pair
    of sites, one of three policy=all over a pair (two A records in the answer)."""
    pair = [i % nsites, (i + 1) % nsites]
    return ("all" if i % 3 == 2 else "order"), pair


def http_sites(count):
    """The --http-sites sites, as SITES lists them: hc0, hc1, ... on 127.1.0.0/16."""
    return [(f"hc{i}", f"{HTTP_NET}.{i >> 8 & 255}.{i & 255}", None) for i in range(count)]


def write_failovers(z, count, static, http=None):
    """The FAILOVER names, as batond reads them or (static) as the records it answers.
    http: (number of sites, port) of --http-sites, or None for the four unchecked SITES."""
    sites = http_sites(http[0]) if http else SITES
    if not static:
        if http:
            z.write(f"$CHECK web http port={http[1]} path=/health interval=1s timeout=500ms"
                    " rise=1 fall=1\n")
        check = " check=web" if http else ""
        for name, v4, v6 in sites:
            z.write(f"$SITE {name} {v4}{' ' + v6 if v6 else ''}{check}\n")
    for i in range(count):
        policy, pair = failover(i, len(sites))
        if not static:
            names = ",".join(sites[k][0] for k in pair)
            z.write(f"fo{i} {FAILOVER_TTL} IN FAILOVER policy={policy} sites={names}\n")
            continue
        for k in (pair if policy == "all" else pair[:1]):
            z.write(f"fo{i} {FAILOVER_TTL} IN A {sites[k][1]}\n")
            if sites[k][2]:
                z.write(f"fo{i} {FAILOVER_TTL} IN AAAA {sites[k][2]}\n")


def geo_sites(i):
    """Geo name i: the indices of its sites, three to six of them from site i mod 6 on."""
    return [(i + k) % len(GEO_SITES) for k in range(3 + i % 4)]


def write_geo(z, count, static):
    """The policy=geo names, as batond reads them or (static) as it answers a client it cannot
    place: the first site in list order."""
    if not static and count > 0:
        for name, v4, v6, lat, lon in GEO_SITES:
            z.write(f"$SITE {name} {v4}{' ' + v6 if v6 else ''} geo={lat},{lon}\n")
    for i in range(count):
        sites = geo_sites(i)
        if not static:
            names = ",".join(GEO_SITES[k][0] for k in sites)
            z.write(f"geo{i} {FAILOVER_TTL} IN FAILOVER policy=geo sites={names}\n")
            continue
        z.write(f"geo{i} {FAILOVER_TTL} IN A {GEO_SITES[sites[0]][1]}\n")
        if GEO_SITES[sites[0]][2]:
            z.write(f"geo{i} {FAILOVER_TTL} IN AAAA {GEO_SITES[sites[0]][2]}\n")


def host_aaaa(i):
    """Host i's AAAA: the index in the last hextet while it fits (the output it always had),
    in the last two beyond, so that every address is valid and distinct."""
    if i <= 0xffff:
        return f"2001:db8:1::{i:x}"
    return f"2001:db8:1::{i >> 16:x}:{i & 0xffff:x}"


def write_zone(path, hosts, aliases, delegations, failovers, geos, static, http=None):
    with open(path, "w") as z:
        z.write(f"; bench.test: generated by tools/bench/genzone.py for tools/bench-dns\n")
        if static:
            z.write("; FAILOVER names as the A and AAAA records batond answers for them\n")
        z.write(f"$ORIGIN {ORIGIN}\n$TTL 3600\n")
        # SOA TTL = MINIMUM, so no server clamps the negative TTL (gdnsd warns when it must).
        z.write("@ 300 IN SOA ns1 hostmaster 2024010101 3600 600 1209600 300\n")
        z.write("@ NS ns1\n@ NS ns2\n@ A 192.0.2.1\n@ MX 10 mail\n@ TXT \"v=spf1 -all\"\n")
        z.write("ns1 A 192.0.2.2\nns1 AAAA 2001:db8::2\nns2 A 192.0.2.3\n")
        z.write("mail A 192.0.2.25\nmail AAAA 2001:db8::25\n")
        for i in range(hosts):
            z.write(f"host{i} A 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}\n")
            if i % 2 == 0:
                z.write(f"host{i} AAAA {host_aaaa(i)}\n")
            if i % 10 == 0:
                z.write(f"host{i} MX 10 mail\n")
            if i % 25 == 0:
                z.write(f"host{i} TXT \"host {i} text record\"\n")
        for i in range(aliases):
            z.write(f"alias{i} CNAME host{(i * 7919) % hosts}\n")
        z.write("*.wild A 192.0.2.99\n*.wild AAAA 2001:db8::99\n")
        for i in range(delegations):
            z.write(f"sub{i} NS ns1.sub{i}\nsub{i} NS ns2.sub{i}\n")
            z.write(f"ns1.sub{i} A 192.0.2.{100 + i % 100}\n")
            z.write(f"ns2.sub{i} A 198.51.100.{100 + i % 100}\n")
        write_failovers(z, failovers, static, http)
        write_geo(z, geos, static)


def write_queries(path, count, seed, hosts, aliases, delegations):
    rnd = random.Random(seed)
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    with open(path, "w") as q:
        for kind in rnd.choices(kinds, weights, k=count):
            if kind == "a":
                q.write(f"host{rnd.randrange(hosts)}.{ORIGIN} A\n")
            elif kind == "aaaa":
                q.write(f"host{rnd.randrange(0, hosts, 2)}.{ORIGIN} AAAA\n")
            elif kind == "mx":
                q.write(f"host{rnd.randrange(0, hosts, 10)}.{ORIGIN} MX\n")
            elif kind == "txt":
                q.write(f"host{rnd.randrange(0, hosts, 25)}.{ORIGIN} TXT\n")
            elif kind == "nxdomain":
                q.write(f"nx{rnd.randrange(1 << 30)}.{ORIGIN} A\n")
            elif kind == "cname":
                q.write(f"alias{rnd.randrange(aliases)}.{ORIGIN} A\n")
            elif kind == "wildcard":
                q.write(f"w{rnd.randrange(1 << 30)}.wild.{ORIGIN} A\n")
            else:
                q.write(f"www.sub{rnd.randrange(delegations)}.{ORIGIN} A\n")


def write_pass_queries(static_path, failover_path, geo_path, count, seed, hosts, failovers):
    """The query files of bench-dns --failover and --geo: the same count, drawn alike from as
    many static hosts (spread over the zone), FAILOVER names and geo names."""
    step = max(1, hosts // failovers)
    for path, name in ((static_path, lambda k: f"host{k * step}"),
                       (failover_path, lambda k: f"fo{k}"),
                       (geo_path, lambda k: f"geo{k}")):
        if path is None:
            continue
        rnd = random.Random(seed)
        with open(path, "w") as q:
            for _ in range(count):
                q.write(f"{name(rnd.randrange(failovers))}.{ORIGIN} A\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("zonefile")
    ap.add_argument("queryfile")
    ap.add_argument("--static-zone", help="the zone without $SITE and FAILOVER, for other servers")
    ap.add_argument("--static-a-queries", help="A queries of static hosts only")
    ap.add_argument("--failover-queries", help="A queries of FAILOVER names only")
    ap.add_argument("--geo", action="store_true",
                    help="add as many policy=geo names as --failover-names")
    ap.add_argument("--geo-queries", help="A queries of the policy=geo names only (needs --geo)")
    ap.add_argument("--hosts", type=int, default=9400)
    ap.add_argument("--aliases", type=int, default=400)
    ap.add_argument("--delegations", type=int, default=50)
    ap.add_argument("--failover-names", type=int, default=24)
    ap.add_argument("--queries", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--http-sites", type=int, default=0,
                    help="put the FAILOVER names over this many sites with an HTTP check")
    ap.add_argument("--http-port", type=int, default=0, help="the port of --http-sites' check")
    a = ap.parse_args()
    if a.hosts < 1 or a.hosts > 1 << 24:
        ap.error("--hosts must be between 1 and 16,777,216 (host i's A is 10.(i>>16).(i>>8).i)")
    if a.http_sites and not (2 <= a.http_sites <= 65536 and 0 < a.http_port < 65536):
        ap.error("--http-sites needs 2 to 65,536 sites and --http-port 1 to 65535")
    http = (a.http_sites, a.http_port) if a.http_sites else None
    if a.failover_names < 1 or a.failover_names > a.hosts:
        ap.error("--failover-names must be between 1 and --hosts")
    if a.geo_queries and not a.geo:
        ap.error("--geo-queries needs --geo")
    geos = a.failover_names if a.geo else 0
    write_zone(a.zonefile, a.hosts, a.aliases, a.delegations, a.failover_names, geos, False, http)
    if a.static_zone:
        write_zone(a.static_zone, a.hosts, a.aliases, a.delegations, a.failover_names, geos, True,
                   http)
    write_queries(a.queryfile, a.queries, a.seed, a.hosts, a.aliases, a.delegations)
    write_pass_queries(a.static_a_queries, a.failover_queries, a.geo_queries, a.queries, a.seed,
                       a.hosts, a.failover_names)


if __name__ == "__main__":
    main()
