/* The control socket: a Unix stream socket taking one line command per connection
 * (`status`, `reload [ZONE]`, `drain SITE`, `failovers SITE`, `stop`...) and replying with text whose
 * first line is `ok` or `error: <why>`. batonctl is its client. */
#ifndef BATON_CONTROL_H
#define BATON_CONTROL_H

#include "server/server.h"

struct evbuffer;

/* Creates the socket at cfg.control_socket (mode 0660: root and the daemon's group), replacing
 * a stale one (a socket nobody listens on). Anything else at the path is left alone: -EEXIST
 * for a file that is not a socket, -EADDRINUSE for a socket another process listens on. At most
 * 16 connections at once (a new one sheds the oldest), each closed 10 s after its accept.
 * Returns 0, or -errno with a message naming the path logged. */
int control_open(struct control **out, struct server *s);

/* Answers one command line into `out` (first line `ok` or `error: <why>`). The parser of
 * what arrives on the socket, exposed for the fuzz target. A `reload` runs inline here (no
 * connection waits for it); one from the socket runs on the reload thread. Main thread. */
void control_dispatch(struct server *s, const char *line, struct evbuffer *out);

/* Closes the socket, removes its path, frees; NULL is a no-op. */
void control_free(struct control *c);

#endif
