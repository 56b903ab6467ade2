/* Dropping root after the sockets are bound (`username:`), as NSD does. */
#ifndef BATON_PRIVILEGES_H
#define BATON_PRIVILEGES_H

/* Switches the process to `username`'s uid, gid and groups, handing it `owned` paths first
 * (NULL-terminated; missing ones skipped) so it can still replace or remove them. Returns 0,
 * or -errno with the reason logged; -EPERM also when root could be regained afterwards. */
int privileges_drop(const char *username, const char *const *owned);

#endif
