/* The client side of batond's control socket: one command line out, the whole reply back. */
#ifndef BATON_CONTROL_CLIENT_H
#define BATON_CONTROL_CLIENT_H

#include <stdbool.h>

/* Connects to the Unix socket `path`, sends `command` and a newline, and reads the reply until
 * batond closes. On success *reply is a new NUL-terminated string (free() it) whose first line
 * is "ok" or "error: ..." and the return is 0; *reply is untouched on failure, and the return
 * is -ENAMETOOLONG, -errno of the connect (-ENOENT, -ECONNREFUSED: batond is not running) or
 * -EPROTO when batond closed without replying. Blocks; a signal may interrupt it (-EPROTO). */
int control_client_request(const char *path, const char *command, char **reply);

/* The body of an "ok" reply (what follows the "ok" line), or NULL for an error reply. */
const char *control_client_ok_body(const char *reply);

#endif
