/* Fuzz target: the input is one query packet, answered over UDP and TCP from a zone set that
 * holds every construct the lookup handles; each response must keep fuzz_check.h's invariants. */
#include "autoconfig.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baton/compiler.h"
#include "server/geo.h"
#include "tests/fuzz/fuzz_check.h"
#include "baton/diag.h"
#include "zones/zone.h"
#include "zones/zoneset.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The parent zone: each owner exists for one path of server/lookup.c. */
static const char parent_zone[] =
	"$ORIGIN fuzz.test.\n"
	"$TTL 300\n"
	"@ 600 IN SOA ns1 hostmaster.fuzz.test. ( 2024010101 7200 3600 1209600 60 )\n"
	"@ NS ns1\n"
	"@ NS ns2\n"
	"@ NS ns.outside.example.\n"
	"@ MX 10 mail\n"
	"@ MX 20 mx.outside.example.\n"
	"@ A 192.0.2.1\n"
	"@ AAAA 2001:db8::1\n"
	"@ TXT \"v=spf1 -all\"\n"
	"@ CAA 0 issue \"ca.example\"\n"
	"@ DNSKEY 257 3 13 "
	"mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==\n"
	"ns1 A 192.0.2.53\n"
	"ns1 AAAA 2001:db8::53\n"
	/* FAILOVER: policy=geo with overrides, order, all; the health view is empty (unknown) */
	"$SITE fra 192.0.2.10 2001:db8::10 geo=50.11,8.68\n"
	"$SITE iad 198.51.100.10 geo=38.95,-77.45\n"
	"$SITE sin 203.0.113.10 geo=1.35,103.99\n"
	"$GEO-NET 192.0.2.128/25 sin\n"
	"$GEO-NET 2001:db8:1:8000::/49 iad,fra\n"
	"$GEO-MAP NA fra\n"
	"$GEO-MAP AS/JP iad\n"
	"geo 30 IN FAILOVER policy=geo sites=fra,iad,sin\n"
	"geo TXT \"beside a FAILOVER\"\n"
	"geocname CNAME geo\n"
	"order 30 IN FAILOVER policy=order sites=sin,fra fallback=servfail\n"
	"all 30 IN FAILOVER policy=all sites=fra,iad,sin\n"
	"ns2 A 192.0.2.54\n"
	"mail A 192.0.2.25\n"
	"www A 192.0.2.80\n"
	"www AAAA 2001:db8::80\n"
	"MiXeD A 192.0.2.81\n"
	"esc\\.aped\\032label A 192.0.2.82\n"
	/* wildcards: synthesis, a name that blocks it, a wildcard CNAME, a wildcard below an ENT */
	"*.wild A 192.0.2.100\n"
	"*.wild TXT \"from the wildcard\"\n"
	"*.wild MX 10 mail\n"
	"sub.wild A 192.0.2.101\n"
	"*.cname CNAME www\n"
	"*.deep.ent.tree A 192.0.2.102\n"
	/* empty non-terminals: b.c.ent and c.ent own nothing */
	"a.b.c.ent A 192.0.2.110\n"
	/* CNAME chains: to data, to NXDOMAIN, out of zone, into a delegation, into a wildcard,
	 * loops, and one longer than the chain limit */
	"chain1 CNAME chain2\n"
	"chain2 CNAME chain3\n"
	"chain3 CNAME www\n"
	"tonx CNAME nothere\n"
	"out CNAME www.example.net.\n"
	"toref CNAME host.deleg\n"
	"towild CNAME x.wild\n"
	"tochild CNAME www.child\n"
	"loop1 CNAME loop2\n"
	"loop2 CNAME loop1\n"
	"self CNAME self\n"
	"long0 CNAME long1\n"
	"long1 CNAME long2\n"
	"long2 CNAME long3\n"
	"long3 CNAME long4\n"
	"long4 CNAME long5\n"
	"long5 CNAME long6\n"
	"long6 CNAME long7\n"
	"long7 CNAME long8\n"
	"long8 CNAME long9\n"
	"long9 CNAME long10\n"
	"long10 CNAME long11\n"
	"long11 CNAME long12\n"
	"long12 CNAME long13\n"
	"long13 CNAME long14\n"
	"long14 CNAME www\n"
	"tobig CNAME big\n"
	/* DNAME (RFC 6672): in zone, beside data, out of zone, chains, loops, a long target */
	"dn DNAME dn-t\n"
	"dn A 192.0.2.130\n"
	"www.dn-t A 192.0.2.131\n"
	"cn.dn-t CNAME www\n"
	"dn2 DNAME dn\n"
	"dnout DNAME example.net.\n"
	"dnloop1 DNAME dnloop2\n"
	"dnloop2 DNAME dnloop1\n"
	"dngrow1 DNAME a.dngrow2\n"
	"dngrow2 DNAME dngrow1\n"
	"dnlong DNAME "
	"lllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll."
	"mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm\n"
	/* delegations: glue, out-of-zone servers, DS at the cut, occluded data below it */
	"deleg NS ns.deleg\n"
	"deleg NS ns2.deleg\n"
	"deleg NS ns.outside.example.\n"
	"deleg DS 12345 13 2 "
	"49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE9B4FCC1E1B7C5E0E0B3B4F5A\n"
	"ns.deleg A 192.0.2.120\n"
	"ns.deleg AAAA 2001:db8::120\n"
	"ns2.deleg A 192.0.2.121\n"
	"occluded.deleg A 192.0.2.122\n"
	"deeper.ns.deleg NS ns.elsewhere.example.\n"
	"outonly NS ns.outside.example.\n"
	"child NS ns.child\n"
	"child DS 54321 8 2 "
	"E2D3C916F6DEEAC73294E8268FB5885044A833FC5459588F4A9184CFC41A5766\n"
	"ns.child A 192.0.2.130\n"
	/* one type of each rdata shape the encoder handles */
	"_sip._tcp SRV 10 60 5060 www\n"
	"ptr PTR www.fuzz.test.\n"
	"hinfo HINFO \"PC\" \"Linux\"\n"
	"minfo MINFO hostmaster mail\n"
	"rp RP hostmaster.fuzz.test. txt\n"
	"naptr NAPTR 100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp\n"
	"sshfp SSHFP 4 2 123456789abcdef67890123456789abcdef67890123456789abcdef123456789\n"
	"tlsa._443._tcp TLSA 3 1 1 "
	"0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6\n"
	"generic TYPE65280 \\# 4 0A000001\n"
	"generic TXT \"beside a generic type\"\n";

/* The child zone: also served, so a DS query at its apex goes to the parent (RFC 4035). */
static const char child_zone[] = "$ORIGIN child.fuzz.test.\n"
				 "@ 3600 IN SOA ns hostmaster 1 7200 3600 1209600 300\n"
				 "@ NS ns\n"
				 "@ DNSKEY 257 3 8 "
				 "AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4c"
				 "Agtvd4Qs8PkxUdp6p/DlUmObdk=\n"
				 "ns A 192.0.2.130\n"
				 "www A 192.0.2.131\n"
				 "* A 192.0.2.132\n";

static struct zoneset *zones;

static void free_zones(void)
{
	geo_index_free(zones->geo);
	zoneset_free(zones);
	zones = NULL;
}

/* A harness that cannot load its own zones tests nothing: stop with the reason. */
ATTR_NORETURN static void fail_setup(const char *what, const struct diag *d)
{
	fprintf(stderr, "fuzz_packet: %s\n", what);
	if (d != NULL)
		diag_print(d, stderr, "fuzz_packet: ");
	abort();
}

/* Writes `text` (and, for the parent, RRsets too large for one UDP answer) to a temporary
 * file and loads it as `origin`. */
static struct zone *load_text(const char *origin, const char *text, bool big_rrsets)
{
	const char *tmpdir = getenv("TMPDIR");
	char path[4096];
	struct zone *z = NULL;
	struct diag d;
	FILE *fp;
	int fd, rc;

	snprintf(path, sizeof(path), "%s/baton-fuzz-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0 || (fp = fdopen(fd, "w")) == NULL)
		fail_setup("cannot create a temporary zone file", NULL);
	fputs(text, fp);
	if (big_rrsets) {
		/* medium: ~1 KiB, over 512 but under 1232; big: ~5 KiB, over any UDP size;
		 * wide: a referral whose required glue does not fit 512 bytes (RFC 9471 §3) */
		for (int i = 0; i < 4; i++)
			fprintf(fp, "medium TXT \"%d%0240d\"\n", i, 0);
		for (int i = 0; i < 20; i++)
			fprintf(fp, "big TXT \"%02d%0250d\"\n", i, 0);
		for (int i = 0; i < 16; i++)
			fprintf(fp,
				"wide NS ns%d.wide\nns%d.wide A 192.0.2.%d\n"
				"ns%d.wide AAAA 2001:db8::%d\n",
				i, i, 200 + i, i, 200 + i);
	}
	rc = fclose(fp);
	diag_init(&d);
	if (rc == 0)
		rc = zone_load(&z, origin, path, &d);
	unlink(path);
	if (rc < 0)
		fail_setup("cannot load the built-in zone", &d);
	diag_fini(&d);
	return z;
}

/* The tests' MaxMind DB (tools/mmdb-from-csv, made by `make check`), so ECS addresses the
 * fuzzer invents are placed and ranked; BATON_FUZZ_GEO_DB names another. */
static struct geo_db *open_geo_db(void)
{
	const char *path = getenv("BATON_FUZZ_GEO_DB"), *builddir = getenv("top_builddir");
	char buf[4096];
	struct geo_db *db = NULL;
	struct diag d;

	if (path == NULL) {
		snprintf(buf, sizeof(buf), "%s/tests/data/geo-test.mmdb",
			 builddir ? builddir : ".");
		path = buf;
	}
	diag_init(&d);
	if (geo_db_open(&db, path, &d) < 0)
		fail_setup("cannot open the geo database (run make check, or set "
			   "BATON_FUZZ_GEO_DB)",
			   &d);
	diag_fini(&d);
	return db;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct zone *z[2];
	struct geo_db *db;

	(void)argc;
	(void)argv;
	z[0] = load_text("fuzz.test", parent_zone, true);
	z[1] = load_text("child.fuzz.test", child_zone, false);
	if (zoneset_new(&zones, z, 2) < 0)
		fail_setup("out of memory", NULL);
	db = open_geo_db();
	if (geo_index_build(&zones->geo, zones, db) < 0)
		fail_setup("out of memory", NULL);
	geo_db_unref(db); /* the index holds its own reference */
	atexit(free_zones);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct query q;
	enum query_status st = query_parse(&q, data, size);

	/* what the parser hands the lookup must lie inside the packet and within name limits */
	if (st != QUERY_DROP && q.question_len > 0) {
		fuzz_require(q.question >= data && q.question + q.question_len <= data + size,
			     "question outside the packet");
		fuzz_require(q.qname.len >= 1 && q.qname.labels < DNAME_MAX_LABELS &&
				     q.qname.lower[q.qname.suffix_off[q.qname.labels]] == 0,
			     "qname view inconsistent");
	}
	fuzz_answer_all(zones, data, size);
	return 0;
}
