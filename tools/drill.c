/* The failure drill behind `batonctl drill SITE`. Questions are made by hand (a header, the
 * name, an OPT) and answers read with ldns; both go over one UDP socket connected to batond. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ldns/ldns.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tools/control_client.h"
#include "tools/drill.h"

#define POLL_INTERVAL_MS 50
#define QUERY_TIMEOUT_MS 1000
#define ANSWER_ADDRESSES_MAX 64
#define SITE_ADDRESSES_MAX 16 /* 8 IPv4 and 8 IPv6, as a $SITE holds */
#define OWNER_MAX 1024 /* a name in presentation form, escapes included */
#define EDNS_PAYLOAD 1232 /* so an answer of many sites is not truncated */

struct addr {
	int family;
	uint8_t bytes[16];
};

struct site {
	char name[64];
	char state[16]; /* "up", "unknown", "down" or "drained", from batond */
	struct addr addrs[SITE_ADDRESSES_MAX];
	unsigned addr_count;
};

/* What one question got. */
struct answer {
	int rcode; /* -1: no reply */
	bool truncated;
	struct addr addrs[ANSWER_ADDRESSES_MAX];
	unsigned count;
};

enum { ASK_A, ASK_AAAA, ASK_TYPES };
static const uint16_t ask_type[ASK_TYPES] = { LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA };
static const char *const ask_type_name[ASK_TYPES] = { "A", "AAAA" };

struct name {
	char owner[OWNER_MAX];
	uint8_t wire[LDNS_MAX_DOMAINLEN];
	size_t wire_len;
	struct site site; /* SITE as this name's zone defines it */
	struct site *standbys;
	unsigned standby_count;
	struct answer before[ASK_TYPES], after[ASK_TYPES];
	bool moved;
	double moved_s; /* since the drain was sent */
};

struct drill {
	const char *socket;
	const char *site;
	struct sockaddr_storage server;
	char server_text[INET6_ADDRSTRLEN + 16];
	bool drained_already;
	struct name *names;
	size_t count;
	int fd; /* UDP, connected to batond */
	uint16_t next_id;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool parse_addr(const char *text, struct addr *a)
{
	a->family = strchr(text, ':') ? AF_INET6 : AF_INET;
	return inet_pton(a->family, text, a->bytes) == 1;
}

static bool same_addr(const struct addr *a, const struct addr *b)
{
	return a->family == b->family &&
	       memcmp(a->bytes, b->bytes, a->family == AF_INET ? 4 : 16) == 0;
}

/* "NAME STATE ADDRESS..." of a site or standby line. */
static int parse_site(char *rest, struct site *s)
{
	char *save = NULL, *tok = strtok_r(rest, " ", &save), *state = strtok_r(NULL, " ", &save);

	if (tok == NULL || state == NULL || strlen(tok) >= sizeof(s->name) ||
	    strlen(state) >= sizeof(s->state))
		return -EPROTO;
	snprintf(s->name, sizeof(s->name), "%s", tok);
	snprintf(s->state, sizeof(s->state), "%s", state);
	while ((tok = strtok_r(NULL, " ", &save)) != NULL) {
		if (s->addr_count == SITE_ADDRESSES_MAX ||
		    !parse_addr(tok, &s->addrs[s->addr_count]))
			return -EPROTO;
		s->addr_count++;
	}
	return 0;
}

static int add_name(struct drill *d, const char *owner)
{
	struct name *names = realloc(d->names, (d->count + 1) * sizeof(*names)), *n;
	ldns_rdf *rdf = NULL;

	if (names == NULL)
		return -ENOMEM;
	d->names = names;
	n = memset(&names[d->count], 0, sizeof(*n));
	if (strlen(owner) >= sizeof(n->owner) || ldns_str2rdf_dname(&rdf, owner) != LDNS_STATUS_OK)
		return -EPROTO;
	snprintf(n->owner, sizeof(n->owner), "%s", owner);
	n->wire_len = ldns_rdf_size(rdf);
	memcpy(n->wire, ldns_rdf_data(rdf), n->wire_len);
	ldns_rdf_deep_free(rdf);
	d->count++;
	return 0;
}

static int add_standby(struct name *n, char *rest)
{
	struct site *s = realloc(n->standbys, (n->standby_count + 1) * sizeof(*s));

	if (s == NULL)
		return -ENOMEM;
	n->standbys = s;
	memset(&s[n->standby_count], 0, sizeof(*s));
	return parse_site(rest, &s[n->standby_count++]);
}

static int parse_server(struct drill *d, char *rest)
{
	char *save = NULL, *host = strtok_r(rest, " ", &save), *port = strtok_r(NULL, " ", &save);
	struct addr a;
	long p = port ? strtol(port, NULL, 10) : 0;

	if (host == NULL || !parse_addr(host, &a) || p < 1 || p > 65535)
		return -EPROTO;
	memset(&d->server, 0, sizeof(d->server));
	if (a.family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&d->server;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)p);
		memcpy(&sin->sin_addr, a.bytes, 4);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&d->server;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)p);
		memcpy(&sin6->sin6_addr, a.bytes, 16);
	}
	snprintf(d->server_text, sizeof(d->server_text), "%s port %ld", host, p);
	return 0;
}

/* The body of batond's `failovers SITE` reply (server/failovers.h has its grammar). Lines of
 * an unknown kind are skipped, so a newer batond may say more. */
static int parse_failovers(struct drill *d, char *body)
{
	char *save = NULL, *line;
	int rc = 0;

	for (line = strtok_r(body, "\n", &save); line != NULL && rc == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		char *rest = strchr(line, ' ');
		struct name *last = d->count ? &d->names[d->count - 1] : NULL;

		if (rest == NULL)
			continue;
		*rest++ = '\0';
		if (strcmp(line, "server") == 0)
			rc = parse_server(d, rest);
		else if (strcmp(line, "drained") == 0)
			d->drained_already = strcmp(rest, "yes") == 0;
		else if (strcmp(line, "failover") == 0)
			rc = add_name(d, rest);
		else if (strcmp(line, "site") == 0 && last != NULL)
			rc = parse_site(rest, &last->site);
		else if (strcmp(line, "standby") == 0 && last != NULL)
			rc = add_standby(last, rest);
	}
	if (rc == 0 && d->server.ss_family == 0)
		rc = -EPROTO;
	return rc;
}

static void read_answer(const uint8_t *buf, size_t len, uint16_t type, struct answer *a)
{
	ldns_pkt *pkt = NULL;
	ldns_rr_list *rrs;

	if (ldns_wire2pkt(&pkt, buf, len) != LDNS_STATUS_OK)
		return; /* stays "no reply" */
	a->rcode = ldns_pkt_get_rcode(pkt);
	a->truncated = ldns_pkt_tc(pkt);
	rrs = ldns_pkt_answer(pkt);
	for (size_t i = 0; i < ldns_rr_list_rr_count(rrs) && a->count < ANSWER_ADDRESSES_MAX; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(rrs, i);
		const ldns_rdf *rdf = ldns_rr_rdf(rr, 0);
		size_t size = rdf ? ldns_rdf_size(rdf) : 0;

		if (ldns_rr_get_type(rr) != type || (size != 4 && size != 16))
			continue;
		a->addrs[a->count].family = size == 4 ? AF_INET : AF_INET6;
		memcpy(a->addrs[a->count++].bytes, ldns_rdf_data(rdf), size);
	}
	ldns_pkt_free(pkt);
}

static size_t put(uint8_t *q, size_t len, const uint8_t *data, size_t size)
{
	memcpy(q + len, data, size);
	return len + size;
}

/* Asks batond `n` `type` and waits up to QUERY_TIMEOUT_MS (less when a signal comes) for the
 * reply with our ID; a late reply to an earlier question is skipped by its ID. */
static void ask(struct drill *d, const struct name *n, int which, struct answer *a)
{
	uint8_t q[12 + LDNS_MAX_DOMAINLEN + 4 + 11], buf[65535];
	uint16_t id = d->next_id++, type = ask_type[which];
	double deadline = now_s() + QUERY_TIMEOUT_MS / 1000.0;
	size_t len = 0;
	/* Flags 0 (RD clear: batond is authoritative), QDCOUNT 1, ARCOUNT 1: the OPT (RFC 6891
	 * section 6.1.2: root owner, TYPE 41, CLASS our payload size). */
	static const uint8_t header[10] = { 0, 0, 0, 1, 0, 0, 0, 0, 0, 1 };
	static const uint8_t opt[11] = { 0, 0, 41, EDNS_PAYLOAD >> 8, EDNS_PAYLOAD & 0xff };

	memset(a, 0, sizeof(*a));
	a->rcode = -1;
	len = put(q, len, (const uint8_t[]){ (uint8_t)(id >> 8), (uint8_t)id }, 2);
	len = put(q, len, header, sizeof(header));
	len = put(q, len, n->wire, n->wire_len);
	len = put(q, len, (const uint8_t[]){ (uint8_t)(type >> 8), (uint8_t)type, 0, 1 }, 4);
	len = put(q, len, opt, sizeof(opt));
	if (send(d->fd, q, len, 0) < 0)
		return;
	while (!interrupted) {
		int wait_ms = (int)((deadline - now_s()) * 1000);
		struct pollfd pfd = { .fd = d->fd, .events = POLLIN };
		ssize_t got;

		if (wait_ms <= 0 || poll(&pfd, 1, wait_ms) <= 0)
			return;
		got = recv(d->fd, buf, sizeof(buf), 0);
		if (got < 0)
			return; /* ECONNREFUSED: nothing listens there */
		if (got >= 12 && buf[0] == q[0] && buf[1] == q[1]) {
			read_answer(buf, (size_t)got, type, a);
			return;
		}
	}
}

static int open_socket(struct drill *d)
{
	socklen_t len = d->server.ss_family == AF_INET ? sizeof(struct sockaddr_in)
						       : sizeof(struct sockaddr_in6);

	d->fd = socket(d->server.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (d->fd < 0 || connect(d->fd, (struct sockaddr *)&d->server, len) < 0)
		return -errno;
	d->next_id = (uint16_t)(getpid() ^ (unsigned)time(NULL));
	return 0;
}

/* Fetches the names, checks the drill can run, and records the answers before the drain.
 * Returns 0, or the exit status 2 with the reason printed. */
static int prepare(struct drill *d)
{
	char command[320], *reply = NULL;
	int rc;

	snprintf(command, sizeof(command), "failovers %s", d->site);
	rc = control_client_request(d->socket, command, &reply);
	if (rc < 0) {
		fprintf(stderr, "batonctl: %s: %s (is batond running?)\n", d->socket,
			strerror(-rc));
		return 2;
	}
	if (control_client_ok_body(reply) == NULL) {
		fprintf(stderr, "drill %s: %s", d->site, reply);
		free(reply);
		return 2;
	}
	rc = parse_failovers(d, reply + 3);
	free(reply);
	if (rc < 0) {
		fprintf(stderr, "drill %s: cannot read batond's reply to '%s': %s\n", d->site,
			command, strerror(-rc));
		return 2;
	}
	if (d->count == 0) {
		fprintf(stderr, "drill %s: no FAILOVER record lists site %s: nothing to drill\n",
			d->site, d->site);
		return 2;
	}
	if (d->drained_already) {
		fprintf(stderr,
			"drill %s: site %s is drained already; undrain it first (the drill "
			"ends by undraining it)\n",
			d->site, d->site);
		return 2;
	}
	rc = open_socket(d);
	if (rc < 0) {
		fprintf(stderr, "drill %s: cannot ask %s: %s\n", d->site, d->server_text,
			strerror(-rc));
		return 2;
	}
	for (size_t i = 0; i < d->count; i++) {
		for (int t = 0; t < ASK_TYPES; t++) {
			ask(d, &d->names[i], t, &d->names[i].before[t]);
			if (d->names[i].before[t].rcode < 0) {
				fprintf(stderr, "drill %s: batond does not answer %s %s at %s\n",
					d->site, d->names[i].owner, ask_type_name[t],
					d->server_text);
				return 2;
			}
		}
	}
	return 0;
}

static bool is_usable(const struct site *s)
{
	return strcmp(s->state, "up") == 0 || strcmp(s->state, "unknown") == 0;
}

/* Every name needs another usable site, or the drain would take it out of the answers (or
 * hand it to the fallback). Prints each name's standbys; returns 0 or the exit status 1. */
static int check_standbys(const struct drill *d)
{
	size_t unhealthy = 0;

	printf("drill %s: %zu FAILOVER name%s list%s it; asking batond at %s\n", d->site, d->count,
	       d->count == 1 ? "" : "s", d->count == 1 ? "s" : "", d->server_text);
	for (size_t i = 0; i < d->count; i++) {
		const struct name *n = &d->names[i];
		bool usable = false;

		printf("%s standbys:", n->owner);
		for (unsigned j = 0; j < n->standby_count; j++) {
			usable |= is_usable(&n->standbys[j]);
			printf(" %s (%s)", n->standbys[j].name, n->standbys[j].state);
		}
		printf("%s\n", n->standby_count == 0 ? " none" : usable ? "" : ": none healthy");
		unhealthy += !usable;
	}
	if (unhealthy == 0)
		return 0;
	printf("drill %s: FAILED: %zu of %zu names have no healthy standby; %s was not drained\n",
	       d->site, unhealthy, d->count, d->site);
	return 1;
}

static bool holds_site(const struct answer *a, const struct site *s)
{
	for (unsigned i = 0; i < a->count; i++)
		for (unsigned j = 0; j < s->addr_count; j++)
			if (same_addr(&a->addrs[i], &s->addrs[j]))
				return true;
	return false;
}

/* Moved: both families answered (NOERROR), some address, none of SITE's. */
static bool has_moved(const struct name *n, const struct answer *a)
{
	unsigned total = 0;

	for (int t = 0; t < ASK_TYPES; t++) {
		if (a[t].rcode != LDNS_RCODE_NOERROR || holds_site(&a[t], &n->site))
			return false;
		total += a[t].count;
	}
	return total > 0;
}

/* A signal ends it early, which is what a Ctrl-C wants. */
static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Asks every name that has not moved, every POLL_INTERVAL_MS, until all have moved, the
 * timeout passes or a signal comes. Returns how many moved. */
static size_t watch(struct drill *d, double start, unsigned timeout_s)
{
	size_t moved = 0;

	while (!interrupted) {
		for (size_t i = 0; i < d->count && !interrupted; i++) {
			struct name *n = &d->names[i];

			if (n->moved)
				continue;
			for (int t = 0; t < ASK_TYPES; t++)
				ask(d, n, t, &n->after[t]);
			if (has_moved(n, n->after)) {
				n->moved = true;
				n->moved_s = now_s() - start;
				moved++;
			}
		}
		if (moved == d->count || now_s() - start >= timeout_s)
			break;
		sleep_ms(POLL_INTERVAL_MS);
	}
	return moved;
}

static const char *describe(const struct answer *a, char *buf, size_t size)
{
	size_t len = 0;

	if (a->rcode < 0)
		return "(no reply)";
	if (a->rcode != LDNS_RCODE_NOERROR) {
		const ldns_lookup_table *rc = ldns_lookup_by_id(ldns_rcodes, a->rcode);

		snprintf(buf, size, "(%s)", rc ? rc->name : "rcode?");
		return buf;
	}
	if (a->count == 0)
		return "(no data)";
	buf[0] = '\0';
	for (unsigned i = 0; i < a->count && len + INET6_ADDRSTRLEN + 2 < size; i++) {
		if (i > 0)
			buf[len++] = ',';
		inet_ntop(a->addrs[i].family, a->addrs[i].bytes, buf + len,
			  (socklen_t)(size - len));
		len += strlen(buf + len);
	}
	if (a->truncated)
		snprintf(buf + len, size - len, " (truncated)");
	return buf;
}

/* One line per name and type, "www.example.com. A: 192.0.2.10 -> 198.51.100.10 in 0.01 s";
 * a type that had no data before and after (a site without IPv6) is left out. */
static void print_moves(const struct drill *d, double elapsed)
{
	char before[4096], after[4096];

	for (size_t i = 0; i < d->count; i++) {
		const struct name *n = &d->names[i];

		for (int t = 0; t < ASK_TYPES; t++) {
			const struct answer *b = &n->before[t], *a = &n->after[t];

			if (b->rcode == 0 && b->count == 0 && a->rcode == 0 && a->count == 0)
				continue;
			printf("%s %s: %s -> %s", n->owner, ask_type_name[t],
			       describe(b, before, sizeof(before)),
			       describe(a, after, sizeof(after)));
			if (n->moved)
				printf(" in %.2f s", n->moved_s);
			else
				printf(" NOT MOVED after %.1f s", elapsed);
			if (!holds_site(b, &n->site))
				printf(" (%s was not in this answer before the drain)", d->site);
			printf("\n");
		}
	}
}

/* Sends `verb SITE` with the stop signals held, so a second Ctrl-C cannot cut the undrain
 * short; they are acted on once it is done. Prints batond's reply. Returns 0, 1 when batond
 * said no, or -errno when it could not be asked. */
static int site_command(const struct drill *d, const char *verb)
{
	char command[320], *reply = NULL;
	sigset_t stop, old;
	int rc;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	snprintf(command, sizeof(command), "%s %s", verb, d->site);
	sigprocmask(SIG_BLOCK, &stop, &old);
	rc = control_client_request(d->socket, command, &reply);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (rc < 0) {
		fprintf(stderr, "drill %s: %s: %s: %s\n", d->site, command, d->socket,
			strerror(-rc));
		return rc;
	}
	if (control_client_ok_body(reply) != NULL) {
		fputs(control_client_ok_body(reply), stdout);
	} else {
		fprintf(stderr, "drill %s: %s: %s", d->site, command, reply);
		rc = 1;
	}
	free(reply);
	return rc;
}

static void catch_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal }; /* no SA_RESTART: waits end early */

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static int summarise(const struct drill *d, size_t moved, double elapsed, unsigned timeout_s)
{
	double slowest = 0;

	for (size_t i = 0; i < d->count; i++)
		if (d->names[i].moved && d->names[i].moved_s > slowest)
			slowest = d->names[i].moved_s;
	if (interrupted) {
		printf("drill %s: INTERRUPTED after %.1f s: %zu of %zu names had moved; %s "
		       "undrained\n",
		       d->site, elapsed, moved, d->count, d->site);
		return 1;
	}
	if (moved < d->count) {
		printf("drill %s: FAILED: %zu of %zu names still answered with %s after %u s; %s "
		       "undrained\n",
		       d->site, d->count - moved, d->count, d->site, timeout_s, d->site);
		return 1;
	}
	printf("drill %s: passed: %zu of %zu names answered from a standby, the slowest %.1f ms "
	       "after the drain was sent; %s undrained\n",
	       d->site, moved, d->count, slowest * 1000, d->site);
	printf("drill %s: (a drain is published at once, so these times are the control round "
	       "trip and polling every %d ms; a real failure first waits for its checks to "
	       "fail)\n",
	       d->site, POLL_INTERVAL_MS);
	return 0;
}

/* Drain, watch, undrain (always, once the drain was sent), report. */
static int drain_and_watch(struct drill *d, unsigned timeout_s)
{
	double start, elapsed;
	size_t moved = 0;
	int drained;

	catch_stop_signals();
	start = now_s();
	drained = site_command(d, "drain");
	if (drained == 1)
		return 2; /* batond refused (the site went away in a reload): nothing to undo */
	if (drained == 0)
		moved = watch(d, start, timeout_s);
	elapsed = now_s() - start;
	if (drained == 0)
		print_moves(d, elapsed);
	if (site_command(d, "undrain") != 0) {
		printf("drill %s: SITE %s IS STILL DRAINED: the undrain failed; run: batonctl "
		       "undrain %s\n",
		       d->site, d->site, d->site);
		return 1;
	}
	if (drained < 0)
		return 1; /* the drain's fate was unknown; it is undone now */
	return summarise(d, moved, elapsed, timeout_s);
}

static void drill_free(struct drill *d)
{
	for (size_t i = 0; i < d->count; i++)
		free(d->names[i].standbys);
	free(d->names);
	if (d->fd >= 0)
		close(d->fd);
}

int drill_run(const char *socket, const char *site, unsigned timeout_s)
{
	struct drill d = { .socket = socket, .site = site, .fd = -1 };
	int rc = prepare(&d);

	if (rc == 0)
		rc = check_standbys(&d);
	if (rc == 0)
		rc = drain_and_watch(&d, timeout_s);
	drill_free(&d);
	return rc;
}
