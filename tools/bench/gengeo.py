#!/usr/bin/python3
"""gengeo.py: write the geolocation CSV and the ECS client subnets of tools/bench-dns --geo.

The CSV (`network,continent,country,latitude,longitude`, the input of tools/mmdb-from-csv) holds
--networks distinct networks drawn from a seeded generator: about 90% IPv4, from /16 to /28 with
/24 the most common, and 10% IPv6 from /29 to /48, at random addresses, so shorter networks hold
longer ones as in a real database (the more specific wins). Each network is placed in one of
--cities cities: a city belongs to one of the countries below (weighted roughly by their share
of address space) and lies near its centre, at two decimals like GeoLite2-City's coordinates.

The addresses are random public-looking ones and appear only inside the DNS packets bench-dns
sends to 127.0.0.1: nothing is ever sent to them. IPv4 leaves out 0/8, 10/8, 127/8 and 224/3;
IPv6 stays in 2400::/6 .. 2bff::, away from the ranges MaxMind's writer refuses (2001::/32 and
2002::/16 alias IPv4).

--subnets FILE writes N client subnets, one per line as `SUBNET HEX`: a /24 (IPv4) or /48
(IPv6) inside a network of the CSV, every fifth one IPv6, and the RFC 7871 option data for it
(family, source prefix, scope 0, address) in the hex `dnsperf -E 8:HEX` wants.

usage: gengeo.py CSV [--subnets FILE] [--count N] [--networks N] [--cities N] [--seed N]
"""
import argparse
import ipaddress
import random

# continent, country, latitude, longitude of its centre, spread in degrees, weight
COUNTRIES = [
    ("NA", "US", 39.8, -98.6, 12.0, 30), ("NA", "CA", 50.0, -96.0, 8.0, 3),
    ("NA", "MX", 23.6, -102.5, 5.0, 2), ("SA", "BR", -14.2, -51.9, 9.0, 4),
    ("SA", "AR", -34.6, -64.0, 6.0, 1), ("SA", "CL", -33.4, -70.6, 4.0, 1),
    ("SA", "CO", 4.6, -74.1, 3.0, 1), ("EU", "DE", 51.2, 10.4, 2.5, 6),
    ("EU", "GB", 53.0, -1.5, 2.0, 5), ("EU", "FR", 46.6, 2.2, 2.5, 4),
    ("EU", "NL", 52.1, 5.3, 0.7, 2), ("EU", "IT", 42.8, 12.6, 2.5, 2),
    ("EU", "ES", 40.4, -3.7, 2.5, 2), ("EU", "SE", 60.1, 18.6, 3.0, 1),
    ("EU", "PL", 52.2, 19.1, 2.0, 1), ("EU", "RU", 55.8, 49.0, 12.0, 3),
    ("EU", "UA", 49.0, 31.2, 3.0, 1), ("AS", "CN", 35.9, 104.2, 9.0, 12),
    ("AS", "JP", 36.2, 138.3, 3.0, 6), ("AS", "KR", 36.5, 127.9, 1.2, 3),
    ("AS", "IN", 21.0, 78.9, 7.0, 4), ("AS", "SG", 1.35, 103.8, 0.1, 1),
    ("AS", "ID", -2.5, 118.0, 6.0, 1), ("AS", "TR", 39.0, 35.2, 3.0, 1),
    ("AS", "IR", 32.4, 53.7, 4.0, 1), ("AS", "TW", 23.7, 121.0, 0.8, 1),
    ("AS", "VN", 16.0, 106.0, 4.0, 1), ("AS", "TH", 15.9, 100.9, 3.0, 1),
    ("OC", "AU", -25.3, 133.8, 9.0, 2), ("OC", "NZ", -41.3, 174.8, 2.0, 1),
    ("AF", "ZA", -30.6, 22.9, 4.0, 1), ("AF", "NG", 9.1, 8.7, 3.0, 1),
    ("AF", "EG", 26.8, 30.8, 3.0, 1), ("AF", "KE", -0.0, 37.9, 2.0, 1),
    ("AF", "MA", 31.8, -7.1, 2.0, 1),
]

# IPv4 prefix lengths and their weights: /24 is the common announcement.
V4_LENGTHS = [(16, 3), (17, 1), (18, 2), (19, 3), (20, 4), (21, 4), (22, 8), (23, 6), (24, 60),
              (25, 2), (26, 2), (27, 2), (28, 3)]
V6_LENGTHS = [(29, 1), (32, 6), (36, 1), (40, 2), (44, 2), (48, 8)]


def make_cities(rnd, count):
    weights = [c[5] for c in COUNTRIES]
    cities = []
    for country in rnd.choices(COUNTRIES, weights, k=count):
        continent, code, lat, lon, spread, _ = country
        la = max(-89.0, min(89.0, rnd.gauss(lat, spread / 2)))
        lo = (rnd.gauss(lon, spread) + 180) % 360 - 180
        cities.append((continent, code, round(la, 2), round(lo, 2)))
    return cities


def random_v4(rnd):
    length = rnd.choices([n for n, _ in V4_LENGTHS], [w for _, w in V4_LENGTHS])[0]
    while True:
        first = rnd.randrange(1, 224)
        if first not in (10, 127):
            break
    addr = first << 24 | rnd.getrandbits(24)
    return ipaddress.IPv4Network((addr >> (32 - length) << (32 - length), length))


def random_v6(rnd):
    length = rnd.choices([n for n, _ in V6_LENGTHS], [w for _, w in V6_LENGTHS])[0]
    addr = rnd.randrange(0x2400, 0x2c00) << 112 | rnd.getrandbits(112)
    return ipaddress.IPv6Network((addr >> (128 - length) << (128 - length), length))


def write_csv(path, networks, cities, seed):
    rnd = random.Random(seed)
    places = make_cities(rnd, cities)
    seen = set()
    nets = []
    while len(nets) < networks:
        net = random_v6(rnd) if rnd.random() < 0.1 else random_v4(rnd)
        if net in seen:
            continue
        seen.add(net)
        nets.append(net)
    with open(path, "w") as f:
        f.write("network,continent,country,latitude,longitude\n")
        f.write(f"# {networks} networks for tools/bench-dns --geo: tools/bench/gengeo.py --seed {seed}\n")
        for net in nets:
            continent, code, lat, lon = rnd.choice(places)
            f.write(f"{net},{continent},{code},{lat:.2f},{lon:.2f}\n")
    return nets


def ecs_hex(subnet):
    """RFC 7871 §6: FAMILY, SOURCE PREFIX-LENGTH, SCOPE PREFIX-LENGTH 0, the address truncated
    to the bytes the source prefix covers."""
    family = 1 if subnet.version == 4 else 2
    length = subnet.prefixlen
    addr = subnet.network_address.packed[:(length + 7) // 8]
    return f"{family:04x}{length:02x}00{addr.hex()}"


def write_subnets(path, nets, count, seed):
    """`count` client subnets, each inside a network of the CSV: every fifth one IPv6 (a /48),
    the others IPv4 (a /24), at a random place in a random network."""
    rnd = random.Random(seed + 1)
    v4 = [n for n in nets if n.version == 4]
    v6 = [n for n in nets if n.version == 6]
    with open(path, "w") as f:
        for i in range(count):
            net = rnd.choice(v6 if i % 5 == 4 else v4)
            client = 24 if net.version == 4 else 48
            bits = net.max_prefixlen
            addr = int(net.network_address) | rnd.getrandbits(bits - net.prefixlen)
            length = max(client, net.prefixlen)
            sub = ipaddress.ip_network((addr >> (bits - length) << (bits - length), length))
            f.write(f"{sub} {ecs_hex(sub)}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv")
    ap.add_argument("--subnets", help="write client subnets and their ECS option data here")
    ap.add_argument("--count", type=int, default=64, help="how many subnets (default 64)")
    ap.add_argument("--networks", type=int, default=100000)
    ap.add_argument("--cities", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=20240101)
    a = ap.parse_args()
    if a.networks < 10 or a.cities < 1 or a.count < 1:
        ap.error("--networks must be at least 10, --cities and --count at least 1")
    nets = write_csv(a.csv, a.networks, a.cities, a.seed)
    if a.subnets:
        write_subnets(a.subnets, nets, a.count, a.seed)


if __name__ == "__main__":
    main()
