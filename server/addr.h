/* A client's address as bytes, for the query path's rate limiting, cookies and geo lookups:
 * header-only, a few branches, no copy. */
#ifndef BATON_ADDR_H
#define BATON_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

/* The 4 or 16 address bytes of an IPv4 or IPv6 socket address; NULL for any other family. */
static inline const uint8_t *addr_bytes(const struct sockaddr *sa, size_t *len)
{
	if (sa != NULL && sa->sa_family == AF_INET) {
		*len = 4;
		return (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
	}
	if (sa != NULL && sa->sa_family == AF_INET6) {
		*len = 16;
		return ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
	}
	return NULL;
}

/* An IPv4-mapped IPv6 address (::ffff:a.b.c.d) becomes its 4 IPv4 bytes, since it is an IPv4
 * client: its networks, its limits. Returns whether it was one. */
static inline bool addr_unmap(const uint8_t **a, size_t *len)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (*len != 16 || memcmp(*a, mapped, sizeof(mapped)) != 0)
		return false;
	*a += sizeof(mapped);
	*len = 4;
	return true;
}

#endif
