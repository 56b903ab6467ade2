/* The text forms batond.conf values take; see config_text.c. Not for the query path. */
#ifndef BATON_CONFIG_TEXT_H
#define BATON_CONFIG_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* A decimal number with nothing after it: true with *v set. */
bool config_text_number(const char *s, unsigned long *v);

/* Why `s` is no valid domain name in presentation form, or NULL when it is; *len is its length
 * without a final dot. */
const char *config_text_name(const char *s, size_t *len);

/* An IPv4 or IPv6 address into *ss (port 0); false when it is neither. */
bool config_text_address(const char *host, struct sockaddr_storage *ss);

/* True when the `len` bytes at `s` are printable, with no blank and no double quote. */
bool config_text_is_word(const char *s, size_t len);

/* Cuts the line at a '#' outside double quotes. Returns false when a quote is left open. */
bool config_text_strip_comment(char *s);

#endif
