/* What batond, baton-probe and baton-vip give up once their sockets are open: root (a
 * `username`), and every capability but the few they still use. */
#ifndef BATON_PRIVILEGES_H
#define BATON_PRIVILEGES_H

#include <stdbool.h>
#include <stdint.h>

/* One bit per capability, CAP_* from <linux/capability.h>. */
#define PRIVILEGES_CAP(cap) (UINT64_C(1) << (cap))

struct privileges {
	const char *program; /* for the log: "batond" */
	const char *username; /* NULL: keep the uid we started with */
	/* NULL or NULL-terminated paths handed to the user first: regular files and sockets only,
	 * never through a symbolic link (see privileges_drop) */
	const char *const *owned;
	uint64_t keep; /* capabilities the program still uses, kept if held */
	/* icmp checks: keep CAP_NET_RAW only when the kernel refuses the user a ping socket
	 * (net.ipv4.ping_group_range), so raw sockets are the only way to send an echo */
	bool icmp;
};

/* Switches to p->username (uid, gid, groups; owned paths chown'ed first, each opened without
 * following a link: a symbolic link there, anything but a regular file or socket, or a hard
 * link to a file of someone else's fails the call, naming the path), then keeps only the
 * capabilities in p->keep that are held, in the permitted and effective sets: the inheritable
 * and ambient sets are emptied, so checks and hooks the program runs get none, and the bounding
 * set is narrowed when CAP_SETPCAP allows it. A process that is root and has no username keeps
 * root: capabilities alone would leave it every root-owned file. Capabilities belong to a
 * thread: call it before any thread starts. Returns 0, or -errno with the reason logged; -EPERM
 * also when root could be regained. */
int privileges_drop(const struct privileges *p);

#endif
