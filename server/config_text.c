/* The text forms batond.conf values take: numbers, domain names, addresses, words, comments.
 * Pure functions, so the reader (server/config.c) and its tests share one spelling of each. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "server/config_text.h"

/* Digits only: strtoul() alone would take " 12", "-1" and "+1". An overflow gives ULONG_MAX,
 * which every range check rejects. */
bool config_text_number(const char *s, unsigned long *v)
{
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return false;
	*v = strtoul(s, &end, 10);
	return *end == '\0';
}

/* Checks a name in presentation form and sets *len to its length without the trailing dot.
 * Returns NULL, or why it is not a domain name. Escapes (RFC 1035 section 5.1) count as one
 * octet: "a\." ends in a label byte, "a\\." in a dot. */
const char *config_text_name(const char *s, size_t *len)
{
	size_t wire = 1, label = 0, i;

	*len = strlen(s);
	if (strcmp(s, ".") == 0)
		return NULL;
	for (i = 0;; i++) {
		if (s[i] == '.' || s[i] == '\0') {
			if (label == 0)
				return "it has an empty label";
			if (label > 63)
				return "a label is longer than 63 octets";
			wire += 1 + label;
			label = 0;
			if (s[i] == '\0' || s[i + 1] == '\0')
				break;
			continue;
		}
		if (!isgraph((unsigned char)s[i]))
			return "it has a blank or control character; write it as \\DDD";
		if (s[i] == '\\') {
			size_t digits = strspn(s + i + 1, "0123456789");

			if (s[i + 1] == '\0' ||
			    (digits > 0 && (digits < 3 || strncmp(s + i + 1, "255", 3) > 0)))
				return "a bad escape: write \\X or \\DDD (up to 255)";
			i += digits > 0 ? 3 : 1;
		}
		label++;
	}
	if (s[i] == '.')
		*len = i;
	return wire > 255 ? "it is longer than 255 octets in wire form" : NULL;
}

bool config_text_address(const char *host, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1)
		sin->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1)
		sin6->sin6_family = AF_INET6;
	return ss->ss_family != 0;
}

/* One word of printable characters and no quote. */
bool config_text_is_word(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isgraph((unsigned char)s[i]) || s[i] == '"')
			return false;
	return true;
}

/* Cuts the line at a '#' outside double quotes. Returns false when a quote is left open. */
bool config_text_strip_comment(char *s)
{
	bool quoted = false;

	for (; *s != '\0'; s++) {
		if (*s == '"') {
			quoted = !quoted;
		} else if (*s == '#' && !quoted) {
			*s = '\0';
			break;
		}
	}
	return !quoted;
}
