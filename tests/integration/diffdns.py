#!/usr/bin/python3
"""diffdns.py: ask two DNS servers the same queries and report, in TAP,
where their responses differ.

Usage: diffdns.py --a HOST:PORT --b HOST:PORT --queries FILE [--allow FILE]

Queries file: one query per line, "name type [flag...]"; '#' starts a
comment. Flags:
    tcp         ask over TCP (default UDP)
    noedns      send no OPT record (default EDNS 0, payload 1232)
    bufsize=N   EDNS 0 with payload N
    do          set the DNSSEC OK bit (implies EDNS)
    rd          set RD (default clear, as a resolver asks an authority)
    ch          ask in class CH (default IN): id.server, version.bind ...
    nsid        add an empty NSID option (RFC 5001; implies EDNS)

Compared for each query (the "fields"):
    rcode, aa, tc   header rcode (with the extended bits) and flags
    question        the question echoed back, case and all (RFC 1035 §7.3
                    and the DNS 0x20 practice rely on the exact echo)
    edns            whether an OPT came back, its version and DO bit
    nsid            the NSID option's payload, if one came back (asked or not)
    ede             its Extended DNS Errors (RFC 8914): INFO-CODE and
                    EXTRA-TEXT of each
    answer          the answer section as a set of RRsets
    authority       the authority section as a set of RRsets
    glue            for referrals only: the A/AAAA RRsets in the additional
                    section owned by the NS targets of the referral
RRsets are compared with owner names and names in RDATA case-insensitive,
RRset order and RR order ignored, TTLs included. The rest of the additional
section is not compared.

Allowed differences file: "name type field reason..." per line. A query
whose differing fields are all allowed is "ok ... # allowed: reason"; an
allowed field that does not differ gives a "# note: allowed difference not
seen" line so stale entries get noticed.

Each query gets 2 s and one retry per server; no answer is a failure for
that query. Exit status 0 iff every query is ok, 2 on bad input.
"""

import argparse
import sys

import dns.edns
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdataclass
import dns.rdatatype

TIMEOUT_S = 2.0
TRIES = 2
DEFAULT_PAYLOAD = 1232
FIELDS = ("rcode", "aa", "tc", "question", "edns", "nsid", "ede", "answer", "authority",
          "glue")


class InputError(Exception):
    pass


class Query:
    def __init__(self, lineno, name, rdtype, flags):
        self.lineno = lineno
        self.name = name            # dns.name.Name, case as written
        self.rdtype = rdtype        # int
        self.tcp = False
        self.edns = True
        self.payload = DEFAULT_PAYLOAD
        self.do = False
        self.rd = False
        self.rdclass = dns.rdataclass.IN
        self.nsid = False
        for f in flags:
            if f == "tcp":
                self.tcp = True
            elif f == "noedns":
                self.edns = False
            elif f.startswith("bufsize="):
                try:
                    self.payload = int(f[len("bufsize="):])
                except ValueError:
                    raise InputError("bad bufsize in %r" % f)
                if not 0 <= self.payload <= 65535:
                    raise InputError("bufsize out of range in %r" % f)
                self.edns = True
            elif f == "do":
                self.do = True
            elif f == "rd":
                self.rd = True
            elif f == "ch":
                self.rdclass = dns.rdataclass.CH
            elif f == "nsid":
                self.nsid = True
            else:
                raise InputError("unknown flag %r" % f)
        if (self.do or self.nsid) and not self.edns:
            raise InputError("'do' and 'nsid' need EDNS; drop 'noedns'")
        self.flags = flags

    def key(self):
        return (self.name.to_text().lower(), self.rdtype)

    def describe(self):
        s = "%s %s" % (self.name.to_text(), dns.rdatatype.to_text(self.rdtype))
        if self.flags:
            s += " [%s]" % " ".join(self.flags)
        return s

    def message(self):
        options = [dns.edns.GenericOption(dns.edns.NSID, b"")] if self.nsid else None
        m = dns.message.make_query(self.name, self.rdtype, self.rdclass,
                                   use_edns=0 if self.edns else False,
                                   payload=self.payload,
                                   want_dnssec=self.do, options=options)
        if not self.rd:
            m.flags &= ~dns.flags.RD
        return m


def parse_name_type(name, rdtype, where):
    try:
        n = dns.name.from_text(name)
    except dns.exception.DNSException as e:
        raise InputError("%s: bad name %r: %s" % (where, name, e))
    try:
        t = dns.rdatatype.from_text(rdtype)
    except dns.exception.DNSException as e:
        raise InputError("%s: bad type %r: %s" % (where, rdtype, e))
    return n, t


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if line:
                yield lineno, line


def read_queries(path):
    queries = []
    for lineno, line in read_lines(path):
        words = line.split()
        if len(words) < 2:
            raise InputError("%s:%d: want 'name type [flags]'" % (path, lineno))
        where = "%s:%d" % (path, lineno)
        n, t = parse_name_type(words[0], words[1], where)
        try:
            queries.append(Query(lineno, n, t, words[2:]))
        except InputError as e:
            raise InputError("%s: %s" % (where, e))
    return queries


def read_allowed(path):
    """Returns {(name, type): {field: reason}}."""
    allowed = {}
    if not path:
        return allowed
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            words = line.split(None, 3)
            where = "%s:%d" % (path, lineno)
            if len(words) < 4:
                raise InputError("%s: want 'name type field reason'" % where)
            n, t = parse_name_type(words[0], words[1], where)
            if words[2] not in FIELDS:
                raise InputError("%s: field %r is not one of %s"
                                 % (where, words[2], ", ".join(FIELDS)))
            key = (n.to_text().lower(), t)
            allowed.setdefault(key, {})[words[2]] = words[3]
    return allowed


def parse_server(s):
    host, sep, port = s.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise argparse.ArgumentTypeError("want HOST:PORT, got %r" % s)
    return host.strip("[]"), int(port)


def ask(server, q):
    """Returns (response, None) or (None, error text)."""
    host, port = server
    last = None
    for _ in range(TRIES):
        m = q.message()
        try:
            if q.tcp:
                r = dns.query.tcp(m, host, port=port, timeout=TIMEOUT_S,
                                  one_rr_per_rrset=True)
            else:
                r = dns.query.udp(m, host, port=port, timeout=TIMEOUT_S,
                                  raise_on_truncation=False,
                                  one_rr_per_rrset=True)
            return r, None
        except dns.exception.Timeout:
            last = "timeout after %.0f s" % TIMEOUT_S
        except (OSError, EOFError, dns.exception.DNSException) as e:
            return None, "%s: %s" % (type(e).__name__, e)
    return None, "%s (%d tries)" % (last, TRIES)


# --- turning a response into comparable fields -----------------------------

def rr_key(rrset):
    return (rrset.name.to_text().lower(), rrset.rdclass, rrset.rdtype,
            rrset.covers)


def rdata_key(rd):
    # Canonical form (RFC 4034 §6.2): names in well-known RDATA lowercased.
    return rd.to_digestable()


def section_rrsets(rrsets):
    """Groups a section's RRs (parsed one RR per RRset) into
    {rrset key: sorted tuple of (ttl, rdata key, text)}."""
    groups = {}
    for rrset in rrsets:
        for rd in rrset:
            groups.setdefault(rr_key(rrset), []).append(
                (rrset.ttl, rdata_key(rd), rd.to_text()))
    return {k: tuple(sorted(v)) for k, v in groups.items()}


def rrset_lines(key, rrs):
    name, rdclass, rdtype, _ = key
    return ["%s %d %s %s %s" % (name, ttl, dns.rdataclass.to_text(rdclass),
                                dns.rdatatype.to_text(rdtype), text)
            for ttl, _, text in rrs]


def is_referral(auth):
    types = {k[2] for k in auth}
    return (dns.rdatatype.NS in types and dns.rdatatype.SOA not in types)


def glue_of(auth, additional):
    targets = set()
    for k, rrs in auth.items():
        if k[2] == dns.rdatatype.NS:
            for _, _, text in rrs:
                targets.add(text.lower())
    return {k: v for k, v in additional.items()
            if k[2] in (dns.rdatatype.A, dns.rdatatype.AAAA)
            and k[0] in targets}


def fields_of(r):
    """r was parsed one RR per RRset, so nothing (TTLs above all) has been
    merged before we compare."""
    f = {}
    f["rcode"] = dns.rcode.to_text(r.rcode())
    f["aa"] = bool(r.flags & dns.flags.AA)
    f["tc"] = bool(r.flags & dns.flags.TC)
    f["question"] = tuple("%s %s %s" % (q.name.to_text(),
                                         dns.rdataclass.to_text(q.rdclass),
                                         dns.rdatatype.to_text(q.rdtype))
                          for q in r.question)
    if r.edns < 0:
        f["edns"] = "none"
    else:
        f["edns"] = "version %d%s" % (r.edns,
                                      " do" if r.ednsflags & dns.flags.DO else "")
    nsid = [o for o in r.options if o.otype == dns.edns.NSID]
    f["nsid"] = " ".join(o.to_wire().hex() for o in nsid) if nsid else "none"
    f["ede"] = tuple(sorted("%d%s" % (o.code, " " + o.text if o.text else "")
                            for o in r.options
                            if o.otype == dns.edns.OptionType.EDE))
    f["answer"] = section_rrsets(r.answer)
    f["authority"] = section_rrsets(r.authority)
    f["_additional"] = section_rrsets(r.additional)
    return f


def complete_glue(fa, fb):
    """Glue is compared when either side's response is a referral."""
    if is_referral(fa["authority"]) or is_referral(fb["authority"]):
        for f in (fa, fb):
            f["glue"] = glue_of(f["authority"], f["_additional"])
    else:
        fa["glue"] = fb["glue"] = None


def show_field(field, va, vb, names):
    out = []
    if isinstance(va, dict) or isinstance(vb, dict):
        va, vb = va or {}, vb or {}
        for side, mine, other in ((names[0], va, vb), (names[1], vb, va)):
            lines = []
            for k in sorted(mine):
                if other.get(k) != mine[k]:
                    lines += rrset_lines(k, mine[k])
            if lines:
                out.append("%s only in %s:" % (field, side))
                out += ["    " + s for s in lines]
    else:
        out.append("%s: %s=%s %s=%s" % (field, names[0], fmt(va),
                                         names[1], fmt(vb)))
    return out


def fmt(v):
    if isinstance(v, tuple):
        return "[" + ", ".join(v) + "]"
    return str(v)


# --- main ------------------------------------------------------------------

def run(args, queries, allowed):
    names = ("a", "b")
    failed = 0
    print("1..%d" % len(queries))
    print("# a = %s:%d, b = %s:%d" % (args.a + args.b))
    used = set()
    for i, q in enumerate(queries, 1):
        desc = q.describe()
        allow = allowed.get(q.key(), {})
        if allow:
            used.add(q.key())
        ra, ea = ask(args.a, q)
        rb, eb = ask(args.b, q)
        if ea or eb:
            failed += 1
            print("not ok %d - %s" % (i, desc))
            for side, err in zip(names, (ea, eb)):
                if err:
                    print("# %s: %s" % (side, err))
            continue
        fa, fb = fields_of(ra), fields_of(rb)
        complete_glue(fa, fb)
        differ = [f for f in FIELDS if fa[f] != fb[f]]
        unallowed = [f for f in differ if f not in allow]
        notes = ["# note: allowed difference not seen: %s (%s)" % (f, allow[f])
                 for f in allow if f not in differ]
        if not differ:
            print("ok %d - %s" % (i, desc))
        elif not unallowed:
            reasons = "; ".join("%s: %s" % (f, allow[f]) for f in differ)
            print("ok %d - %s # allowed: %s" % (i, desc, reasons))
        else:
            failed += 1
            print("not ok %d - %s" % (i, desc))
        for f in differ:
            tag = " (allowed)" if f in allow else ""
            for line in show_field(f + tag, fa[f], fb[f], names):
                print("# " + line)
        for line in notes:
            print(line)
    for key in sorted(set(allowed) - used):
        print("# note: allowed difference matches no query: %s %s"
              % (key[0], dns.rdatatype.to_text(key[1])))
    if failed:
        print("# %d of %d queries differ" % (failed, len(queries)))
    return 0 if failed == 0 else 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--a", required=True, type=parse_server, metavar="HOST:PORT",
                   help="reference server (NSD)")
    p.add_argument("--b", required=True, type=parse_server, metavar="HOST:PORT",
                   help="server under test")
    p.add_argument("--queries", required=True, metavar="FILE")
    p.add_argument("--allow", metavar="FILE", help="allowed differences")
    args = p.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # TAP lines as they happen
    try:
        queries = read_queries(args.queries)
        allowed = read_allowed(args.allow)
    except (InputError, OSError, UnicodeDecodeError) as e:
        print("Bail out! %s" % e)
        return 2
    return run(args, queries, allowed)


if __name__ == "__main__":
    sys.exit(main())
