/* One request on batond's control socket. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tools/control_client.h"

int control_client_request(const char *path, const char *command, char **reply)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char *text = NULL, *line;
	size_t len = 0;
	FILE *in;
	int fd, rc;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	if (asprintf(&line, "%s\n", command) < 0)
		return -ENOMEM;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	rc = fd < 0 ? -errno : 0;
	/* MSG_NOSIGNAL: a batond that went away is an error here, not a SIGPIPE. */
	if (rc == 0 && (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
			send(fd, line, strlen(line), MSG_NOSIGNAL) < 0))
		rc = -errno;
	free(line);
	if (rc < 0) {
		if (fd >= 0)
			close(fd);
		return rc;
	}
	in = fdopen(fd, "r");
	if (in == NULL) {
		close(fd);
		return -ENOMEM;
	}
	if (getdelim(&text, &len, '\0', in) < 0) {
		fclose(in);
		free(text);
		return -EPROTO;
	}
	fclose(in);
	*reply = text;
	return 0;
}

const char *control_client_ok_body(const char *reply)
{
	return strncmp(reply, "ok\n", 3) == 0 ? reply + 3 : NULL;
}
