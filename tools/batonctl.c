/* batonctl: the operator's client for batond's control socket. */
#include "autoconfig.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "server/config.h"
#include "zones/diag.h"

#define DEFAULT_SOCKET "/run/batond.sock" /* batond.conf's default */

static void usage(FILE *out)
{
	fprintf(out, "usage: batonctl [-c batond.conf | -s SOCKET] COMMAND\n"
		     "commands:\n"
		     "  status [--json]   counters, zones, sites with verdicts and evidence\n"
		     "  reload            re-read every zone file (like SIGHUP)\n"
		     "  drain SITE        take SITE out of every FAILOVER answer\n"
		     "  undrain SITE      put it back\n"
		     "  static ZONE       the zone as a plain master file, FAILOVERs as the sites\n"
		     "                    up now (baton-checkzone --static lists every site)\n"
		     "  stop              stop batond\n");
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
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char *reply = NULL, *body;
	size_t len = 0;
	FILE *in;
	bool ok;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "batonctl: socket path too long: %s\n", path);
		return 2;
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr, "batonctl: %s: %s (is batond running?)\n", path, strerror(errno));
		return 2;
	}
	dprintf(fd, "%s\n", command);
	in = fdopen(fd, "r");
	if (in == NULL || getdelim(&reply, &len, '\0', in) < 0) {
		fprintf(stderr, "batonctl: %s: no reply\n", path);
		free(reply);
		return 2;
	}
	fclose(in);
	ok = strncmp(reply, "ok\n", 3) == 0;
	body = ok ? reply + 3 : reply;
	fputs(body, ok ? stdout : stderr);
	free(reply);
	return ok ? 0 : 1;
}

/* The control-socket line for argv: `status --json` becomes `status json`; the site names of
 * drain and undrain are checked here so a typo never reaches the server as another command. */
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
	if (argc == 2 && (strcmp(argv[0], "drain") == 0 || strcmp(argv[0], "undrain") == 0 ||
			  strcmp(argv[0], "static") == 0) &&
	    strlen(argv[1]) < 256 && strcspn(argv[1], " \t\r\n") == strlen(argv[1])) {
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
		case 'c': free(sock); sock = socket_from_config(optarg); break;
		case 's': free(sock); sock = strdup(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!command_line(argc - optind, argv + optind, command, sizeof(command))) {
		usage(stderr);
		return 2;
	}
	rc = talk(sock ? sock : DEFAULT_SOCKET, command);
	free(sock);
	return rc;
}
