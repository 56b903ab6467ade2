/* batonctl: the operator's client for batond's control socket. */
#include "autoconfig.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/config.h"
#include "tools/control_client.h"
#include "tools/drill.h"
#include "baton/diag.h"

#define DEFAULT_SOCKET "/run/batond.sock" /* batond.conf's default */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: batonctl [-c batond.conf | -s SOCKET] COMMAND\n"
		"commands:\n"
		"  status [--json]   counters, zones, sites with verdicts and evidence\n"
		"  reload [ZONE]     re-read the zone files that changed (like SIGHUP), or\n"
		"                    only ZONE's; waits for the reload to end\n"
		"  drain SITE        take SITE out of every FAILOVER answer\n"
		"  undrain SITE      put it back\n"
		"  drill SITE [--timeout SECONDS]\n"
		"                    drain SITE, wait until every FAILOVER name that used it\n"
		"                    answers from a standby (default %d s), undrain, report;\n"
		"                    exit 1 when a standby is not healthy or a name did not\n"
		"                    move, 2 when the drill cannot run\n"
		"  static ZONE       the zone as a plain master file, FAILOVERs as the sites\n"
		"                    up now (baton-checkzone --static lists every site)\n"
		"  stop              stop batond\n",
		DRILL_TIMEOUT_DEFAULT_S);
}

/* The control socket named in a batond.conf, read by batond's own parser so both agree. */
static char *socket_from_config(const char *path)
{
	struct config cfg;
	struct diag d;
	char *sock;

	diag_init(&d);
	if (config_load(&cfg, path, &d) < 0) {
		diag_print(&d, stderr, "batonctl: ");
		diag_fini(&d);
		exit(2);
	}
	diag_fini(&d);
	sock = strdup(cfg.control_socket);
	config_free(&cfg);
	return sock;
}

/* Sends one command and prints the reply's body: to stdout after an "ok" line, to stderr
 * (the error line included) otherwise. Returns the exit status. */
static int talk(const char *path, const char *command)
{
	char *reply = NULL;
	const char *body;
	int rc = control_client_request(path, command, &reply);

	if (rc == -EPROTO || rc == -ENAMETOOLONG) {
		fprintf(stderr, "batonctl: %s: %s\n", path,
			rc == -EPROTO ? "no reply" : "socket path too long");
		return 2;
	}
	if (rc < 0) {
		fprintf(stderr, "batonctl: %s: %s (is batond running?)\n", path, strerror(-rc));
		return 2;
	}
	body = control_client_ok_body(reply);
	fputs(body ? body : reply, body ? stdout : stderr);
	free(reply);
	return body ? 0 : 1;
}

static bool is_one_word(const char *s)
{
	return strlen(s) < 256 && strcspn(s, " \t\r\n") == strlen(s);
}

/* `drill SITE [--timeout SECONDS]`, the option before or after SITE. Returns the exit
 * status, or -1 for a usage error. */
static int drill(const char *sock, int argc, char **argv)
{
	const char *site = NULL;
	unsigned long timeout_s = DRILL_TIMEOUT_DEFAULT_S;

	for (int i = 1; i < argc; i++) {
		char *end;

		if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
			timeout_s = strtoul(argv[++i], &end, 10);
			if (argv[i][0] < '0' || argv[i][0] > '9' || *end != '\0' || timeout_s < 1 ||
			    timeout_s > 86400) {
				fprintf(stderr,
					"batonctl: --timeout: '%s' is not a number of "
					"seconds between 1 and 86400\n",
					argv[i]);
				return 2;
			}
		} else if (site == NULL && argv[i][0] != '-' && is_one_word(argv[i])) {
			site = argv[i];
		} else {
			return -1;
		}
	}
	return site ? drill_run(sock, site, (unsigned)timeout_s) : -1;
}

/* The control-socket line for argv: `status --json` becomes `status json`; the site and zone
 * names of drain, undrain, static and reload are checked here so a typo never reaches the
 * server as another command. */
static bool command_line(int argc, char **argv, char *out, size_t size)
{
	if (argc == 1 && (strcmp(argv[0], "status") == 0 || strcmp(argv[0], "reload") == 0 ||
			  strcmp(argv[0], "stop") == 0)) {
		snprintf(out, size, "%s", argv[0]);
		return true;
	}
	if (argc == 2 && strcmp(argv[0], "status") == 0 && strcmp(argv[1], "--json") == 0) {
		snprintf(out, size, "status json");
		return true;
	}
	if (argc == 2 &&
	    (strcmp(argv[0], "drain") == 0 || strcmp(argv[0], "undrain") == 0 ||
	     strcmp(argv[0], "static") == 0 || strcmp(argv[0], "reload") == 0) &&
	    is_one_word(argv[1])) {
		snprintf(out, size, "%s %s", argv[0], argv[1]);
		return true;
	}
	return false;
}

int main(int argc, char **argv)
{
	char *sock = NULL, command[512];
	int opt, rc;

	while ((opt = getopt(argc, argv, "+c:s:h")) != -1) {
		switch (opt) {
		case 'c':
			free(sock);
			sock = socket_from_config(optarg);
			break;
		case 's':
			free(sock);
			sock = strdup(optarg);
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc && strcmp(argv[optind], "drill") == 0)
		rc = drill(sock ? sock : DEFAULT_SOCKET, argc - optind, argv + optind);
	else if (command_line(argc - optind, argv + optind, command, sizeof(command)))
		rc = talk(sock ? sock : DEFAULT_SOCKET, command);
	else
		rc = -1;
	if (rc < 0) {
		usage(stderr);
		rc = 2;
	}
	free(sock);
	return rc;
}
