/* batonctl: the operator's client for batond's control socket. */
#include "autoconfig.h"

#include <errno.h>
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
		     "commands: status, reload, stop\n");
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

static int talk(const char *path, const char *command)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char buf[4096], first[8] = "";
	size_t seen = 0;
	ssize_t n;
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
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n && seen < sizeof(first) - 1; i++)
			first[seen++] = buf[i];
		fwrite(buf, 1, (size_t)n, stdout);
	}
	close(fd);
	return strncmp(first, "ok\n", 3) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	char *sock = NULL;
	int opt, rc;

	while ((opt = getopt(argc, argv, "c:s:h")) != -1) {
		switch (opt) {
		case 'c': free(sock); sock = socket_from_config(optarg); break;
		case 's': free(sock); sock = strdup(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	rc = talk(sock ? sock : DEFAULT_SOCKET, argv[optind]);
	free(sock);
	return rc;
}
