/* Ed25519 keys for gossip, with OpenSSL libcrypto: generating, loading and saving them,
 * signing a datagram and verifying one. PureEdDSA (RFC 8032) signs the message itself, so
 * every call is one-shot with no digest. */
#ifndef BATON_GOSSIP_SIGN_H
#define BATON_GOSSIP_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define GOSSIP_PUB_LEN 32
/* "ed25519:" and 44 base64 characters, and the NUL */
#define GOSSIP_PUB_TEXT_MAX 53

/* A private key (which can sign) or a public one (which can only verify). */
struct gossip_key;

/* A fresh private key. Returns 0 or -ENOMEM; *out untouched on failure. */
int gossip_key_generate(struct gossip_key **out);

/* Reads a PEM PKCS#8 Ed25519 private key (what baton-keygen writes). Returns 0, -errno when
 * the file cannot be opened, or -EINVAL when it holds no Ed25519 private key; *why says what
 * to fix in either case. */
int gossip_key_load_private(struct gossip_key **out, const char *path, char *why, size_t why_len);

/* The private key whose RFC 8032 seed (the raw private key) is these 32 bytes: fixed keys for
 * the fuzzer and tests. Returns 0 or -EINVAL. */
int gossip_key_from_seed(struct gossip_key **out, const uint8_t seed[GOSSIP_PUB_LEN]);

/* A public key from its 32 raw bytes. Returns 0 or -EINVAL/-ENOMEM. */
int gossip_key_from_public(struct gossip_key **out, const uint8_t pub[GOSSIP_PUB_LEN]);

void gossip_key_free(struct gossip_key *k);

/* The key's public half. */
const uint8_t *gossip_key_public(const struct gossip_key *k);

/* Writes the private key as PEM PKCS#8 to fp. Returns 0 or -EIO. */
int gossip_key_write_private(const struct gossip_key *k, FILE *fp);

/* Signs msg[0..len) into sig (64 bytes). Returns 0, -EINVAL for a public-only key, -EIO when
 * libcrypto fails. */
int gossip_key_sign(const struct gossip_key *k, const uint8_t *msg, size_t len, uint8_t *sig);

/* Is sig a valid signature of msg[0..len) by k? */
bool gossip_key_verify(const struct gossip_key *k, const uint8_t *msg, size_t len,
		       const uint8_t *sig);

/* "ed25519:" + base64 of the raw public key, into out (GOSSIP_PUB_TEXT_MAX bytes). */
void gossip_pub_format(const uint8_t pub[GOSSIP_PUB_LEN], char *out);

/* The reverse. Returns 0 or -EINVAL (no "ed25519:" prefix, bad base64, not 32 bytes). */
int gossip_pub_parse(const char *text, uint8_t pub[GOSSIP_PUB_LEN]);

#endif
