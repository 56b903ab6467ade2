/* Socket addresses as text; see addr_text.h. */
#include "autoconfig.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "baton/addr_text.h"

const void *addr_bytes(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return &((const struct sockaddr_in *)ss)->sin_addr;
	if (ss->ss_family == AF_INET6)
		return &((const struct sockaddr_in6 *)ss)->sin6_addr;
	return NULL;
}

unsigned addr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

const char *addr_text(const struct sockaddr_storage *ss, char *buf)
{
	const void *bytes = addr_bytes(ss);

	if (bytes == NULL || inet_ntop(ss->ss_family, bytes, buf, ADDR_TEXT_MAX) == NULL)
		strcpy(buf, "?");
	return buf;
}

const char *addr_text_port(const struct sockaddr_storage *ss, char *buf)
{
	size_t len = strlen(addr_text(ss, buf));

	snprintf(buf + len, ADDR_TEXT_MAX - len, "@%u", addr_port(ss));
	return buf;
}

socklen_t addr_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

bool addr_same_endpoint(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	const void *x = addr_bytes(a);

	return x != NULL && a->ss_family == b->ss_family && addr_port(a) == addr_port(b) &&
	       memcmp(x, addr_bytes(b), a->ss_family == AF_INET6 ? 16 : 4) == 0;
}
