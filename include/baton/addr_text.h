/* A socket address as people read it: "192.0.2.1", "2001:db8::1", or with its port in NSD's
 * spelling "192.0.2.1@53". One spelling for logs, status pages, check environments and
 * connection names in every program. Not for the query path (inet_ntop formats). */
#ifndef BATON_ADDR_TEXT_H
#define BATON_ADDR_TEXT_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <sys/socket.h>

/* Room for an IPv6 address, "@", a port and the NUL. */
#define ADDR_TEXT_MAX (INET6_ADDRSTRLEN + 6)

/* The address of `ss` (AF_INET or AF_INET6; "?" for another family) into `buf` of at least
 * ADDR_TEXT_MAX bytes, which it returns. */
const char *addr_text(const struct sockaddr_storage *ss, char *buf);

/* The same followed by "@PORT". */
const char *addr_text_port(const struct sockaddr_storage *ss, char *buf);

/* The port of `ss` in host order; 0 for another family. */
unsigned addr_port(const struct sockaddr_storage *ss);

/* The length of `ss` as bind(), connect() and sendto() take it. */
socklen_t addr_len(const struct sockaddr_storage *ss);

/* True when `a` and `b` are the same address and port (AF_INET or AF_INET6). */
bool addr_same_endpoint(const struct sockaddr_storage *a, const struct sockaddr_storage *b);

/* The address bytes of `ss` (4 or 16 of them), or NULL for another family. */
const void *addr_bytes(const struct sockaddr_storage *ss);

#endif
