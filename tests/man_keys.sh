#!/bin/sh
# man_keys.sh: the man pages document exactly the keys the parsers accept. The keys are read
# from the parsers' own tables and comparisons (server/config.c, health/gossip/conf.c,
# health/prober/conf.c, health/vip/conf_keywords.c and conf.c, zones/check_spec.c and
# zones/stanza.c); a page documents a key as the tag of a .TP or .TQ item in the .SS
# subsection for its section (`.BI "key: " value`, `.BI "key " value`, `.BI key= value`).
# One TAP point per page section; a failure names the keys missing from the page and the
# ones the page documents that no parser accepts.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
exec /usr/bin/python3 - "$top_srcdir" <<'EOF'
import re
import sys

top = sys.argv[1]


def read(path):
    with open(f"{top}/{path}", encoding="utf-8") as f:
        return f.read()


def function(src, name):
    """The body of a C function defined in src: from its name to the first `}` in column 0."""
    m = re.search(r"^[a-z][^\n]*\b" + re.escape(name) + r"\(.*?^\}", src, re.M | re.S)
    if m is None:
        raise SystemExit(f"Bail out! cannot find {name}() in the sources")
    return m.group(0)


def block(src, start):
    """The initialiser that starts at `start` (a regex), up to its closing `};`."""
    m = re.search(start + r".*?^\};", src, re.M | re.S)
    if m is None:
        raise SystemExit(f"Bail out! cannot find {start} in the sources")
    return m.group(0)


def strcmp_keys(body, var="key"):
    return set(re.findall(r'strcmp\(\s*' + re.escape(var) + r',\s*"([^"]+)"\)', body))


# --- the parsers ----------------------------------------------------------------------------
config_c = read("server/config.c")
server_keys = set(re.findall(r'\{\s*"([a-z0-9-]+)",\s*SECTION_SERVER\b', config_c))
zone_keys = set(re.findall(r'\{\s*"([a-z0-9-]+)",\s*SECTION_ZONE\b', config_c))
key_keys = set(re.findall(r'\{\s*"([a-z0-9-]+)",\s*SECTION_KEY\b', config_c))

gossip_c = read("health/gossip/conf.c")
gossip_keys = set(re.findall(r'"([a-z0-9-]+)"', block(gossip_c, r"key_names\[[A-Z_]*\]\s*=")))

prober_c = read("health/prober/conf.c")
probe_keys = gossip_keys | strcmp_keys(function(prober_c, "probe_own_key"))
probe_zone_keys = strcmp_keys(function(prober_c, "zone_key"))

vip_kw_c = read("health/vip/conf_keywords.c")
vip_keys = set(re.findall(r'\{\s*"([a-z0-9-]+)",\s*kw_', block(vip_kw_c, r"\}\s*keywords\[\]\s*=")))
vip_global_keys = strcmp_keys(function(read("health/vip/conf.c"), "global_line"), "l->a.values[0]")

spec_c = read("zones/check_spec.c")
m = re.search(r"kind_names\[\]\s*=\s*\{([^}]*)\}", spec_c)
kinds = re.findall(r'"([a-z]+)"', m.group(1)) if m else []
kind_keys = {}
for name, keys in re.findall(r"\[CHECK_([A-Z]+)\]\s*=\s*\{([^}]*)\}", block(spec_c, r"kind_keys\[")):
    kind_keys[name.lower()] = set(re.findall(r'"([a-z0-9-]+)"', keys))
all_kind_keys = set().union(*kind_keys.values())
check_common = strcmp_keys(function(spec_c, "set_param")) - all_kind_keys

stanza_c = read("zones/stanza.c")
site_keys = strcmp_keys(function(stanza_c, "site_param"))
failover_fn = function(stanza_c, "failover_param")
failover_keys = strcmp_keys(failover_fn)
failover_words = set(re.findall(r'"([a-z]+)"', "".join(re.findall(r"\[\]\s*=\s*\{[^}]*\}", failover_fn))))

for what, keys in [("server:", server_keys), ("zone:", zone_keys), ("key:", key_keys), ("gossip:", gossip_keys),
                   ("probe.conf probe:", probe_keys), ("probe.conf zone:", probe_zone_keys),
                   ("vrrp_instance", vip_keys), ("global_defs", vip_global_keys),
                   ("check kinds", set(kinds)), ("$CHECK", check_common), ("$SITE", site_keys),
                   ("FAILOVER", failover_keys)]:
    if not keys:
        raise SystemExit(f"Bail out! no {what} keys found in the sources: has the table moved?")


# --- the pages ------------------------------------------------------------------------------
def subsections(page):
    """{title: (tags, text)} for each .SS of a man page source."""
    out, title, lines = {}, None, []

    def flush():
        if title is not None:
            tags = set()
            for i, line in enumerate(lines[:-1]):
                if line.startswith((".TP", ".TQ")) and lines[i + 1].startswith((".B", ".I")):
                    tag = lines[i + 1].split(None, 1)[1] if " " in lines[i + 1] else ""
                    tag = tag.lstrip('"').replace("\\-", "-")
                    tags.add(re.split(r'[:= "]', tag, 1)[0])
            out[title] = (tags, "\n".join(lines).replace("\\-", "-"))

    for line in read(page).split("\n"):
        if line.startswith((".SS", ".SH")):
            flush()
            title = line[4:].strip().strip('"').replace("\\-", "-") if line.startswith(".SS") else None
            lines = []
        elif title is not None:
            lines.append(line)
    flush()
    return out


results = []


def compare(page, label, title_re, want, also_ok=frozenset()):
    """The .SS of page whose title matches title_re documents exactly `want`."""
    sections = subsections(page)
    titles = [t for t in sections if re.search(title_re, t)]
    name = f"{page}, {label} every key the parser accepts, and no other"
    if len(titles) != 1:
        results.append((name, f"expected one .SS matching /{title_re}/, found {titles}"))
        return
    tags = sections[titles[0]][0]
    missing, extra = sorted(want - tags), sorted(tags - want - also_ok)
    why = []
    if missing:
        why.append("missing from the page (add a .TP item for each): " + ", ".join(missing))
    if extra:
        why.append("documented but no parser accepts: " + ", ".join(extra))
    results.append((name, "; ".join(why)))


compare("doc/batond.conf.5.in", "server:", r"^server: keys$", server_keys)
compare("doc/batond.conf.5.in", "zone:", r"^zone: keys$", zone_keys)
compare("doc/batond.conf.5.in", "key:", r"^key: keys$", key_keys)
compare("doc/batond.conf.5.in", "gossip:", r"^gossip: keys$", gossip_keys)
compare("doc/probe.conf.5.in", "probe:", r"^probe: keys$", probe_keys)
compare("doc/probe.conf.5.in", "zone:", r"^zone: keys$", probe_zone_keys)
compare("doc/vip.conf.5.in", "vrrp_instance:", r"^vrrp_instance keywords$", vip_keys)
compare("doc/vip.conf.5.in", "global_defs:", r"^global_defs keywords$", vip_global_keys)
# the gossip block takes batond's gossip: keys but the quorum's (health/vip/conf_gossip.c)
compare("doc/vip.conf.5.in", "gossip:", r"^gossip keywords$",
        {k for k in gossip_keys if not k.startswith("quorum")})
compare("doc/baton-zone.5.in", "$CHECK (every kind):", r"^\$CHECK ", check_common)
for kind in kinds:
    compare("doc/baton-zone.5.in", f"$CHECK kind {kind}:", r"^Kinds? (.* )?" + kind + r"\b", kind_keys.get(kind, set()),
            all_kind_keys)
compare("doc/baton-zone.5.in", "$SITE:", r"^\$SITE ", site_keys)
compare("doc/baton-zone.5.in", "FAILOVER:", r"FAILOVER", failover_keys)

# The policies and fallbacks FAILOVER takes are named in its subsection.
text = next((t for title, (_, t) in subsections("doc/baton-zone.5.in").items() if "FAILOVER" in title), "")
missing = sorted(w for w in failover_words if not re.search(r"\b" + w + r"\b", text))
results.append(("doc/baton-zone.5.in: FAILOVER names every policy and fallback",
                "" if failover_words and not missing else
                "not named in the FAILOVER subsection: " + ", ".join(missing or ["(none found in the source)"])))

print(f"1..{len(results)}")
for n, (name, why) in enumerate(results, 1):
    print(f"{'not ok' if why else 'ok'} {n} - {name}")
    if why:
        print(f"# {why}")
EOF
