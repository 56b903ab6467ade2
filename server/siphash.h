/* SipHash-2-4 (Aumasson and Bernstein), the keyed hash RFC 9018 names for DNS server cookies
 * and a good hash for rate-limit buckets that a flood must not be able to aim. */
#ifndef BATON_SIPHASH_H
#define BATON_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t siphash24(const uint8_t key[16], const void *data, size_t len);

#endif
