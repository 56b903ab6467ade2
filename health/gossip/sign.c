/* Ed25519 signing and verification with OpenSSL's EVP API (one-shot EVP_DigestSign and
 * EVP_DigestVerify with a NULL digest, as PureEdDSA requires). */
#include "autoconfig.h"

#include <errno.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health/gossip/sign.h"
#include "zones/reader.h"
#include "health/gossip/wire.h"

struct gossip_key {
	EVP_PKEY *pkey;
	bool can_sign;
	uint8_t pub[GOSSIP_PUB_LEN];
};

static const char prefix[] = "ed25519:";

static int wrap(struct gossip_key **out, EVP_PKEY *pkey, bool can_sign)
{
	struct gossip_key *k = calloc(1, sizeof(*k));
	size_t len = GOSSIP_PUB_LEN;

	if (k == NULL) {
		EVP_PKEY_free(pkey);
		return -ENOMEM;
	}
	if (EVP_PKEY_get_raw_public_key(pkey, k->pub, &len) != 1 || len != GOSSIP_PUB_LEN) {
		EVP_PKEY_free(pkey);
		free(k);
		return -EINVAL;
	}
	k->pkey = pkey;
	k->can_sign = can_sign;
	*out = k;
	return 0;
}

int gossip_key_generate(struct gossip_key **out)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	EVP_PKEY *pkey = NULL;

	if (ctx == NULL)
		return -ENOMEM;
	if (EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_keygen(ctx, &pkey) != 1) {
		EVP_PKEY_CTX_free(ctx);
		return -ENOMEM;
	}
	EVP_PKEY_CTX_free(ctx);
	return wrap(out, pkey, true);
}

int gossip_key_load_private(struct gossip_key **out, const char *path, char *why, size_t why_len)
{
	FILE *fp;
	const char *kind = NULL;
	char text[96];
	EVP_PKEY *pkey;
	int rc = reader_open(path, &fp, &kind);

	if (rc < 0) {
		snprintf(why, why_len, "%s: %s; give the path of a key baton-keygen wrote", path,
			 reader_open_error(rc, kind, text, sizeof(text)));
		return rc;
	}
	pkey = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
	fclose(fp);
	if (pkey == NULL || EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(pkey);
		snprintf(why, why_len,
			 "%s: not an Ed25519 private key in PEM; make one with baton-keygen", path);
		return -EINVAL;
	}
	return wrap(out, pkey, true);
}

int gossip_key_from_seed(struct gossip_key **out, const uint8_t seed[GOSSIP_PUB_LEN])
{
	EVP_PKEY *pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, GOSSIP_PUB_LEN);

	if (pkey == NULL)
		return -EINVAL;
	return wrap(out, pkey, true);
}

int gossip_key_from_public(struct gossip_key **out, const uint8_t pub[GOSSIP_PUB_LEN])
{
	EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, GOSSIP_PUB_LEN);

	if (pkey == NULL)
		return -EINVAL;
	return wrap(out, pkey, false);
}

void gossip_key_free(struct gossip_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

const uint8_t *gossip_key_public(const struct gossip_key *k)
{
	return k->pub;
}

int gossip_key_write_private(const struct gossip_key *k, FILE *fp)
{
	if (!k->can_sign || PEM_write_PrivateKey(fp, k->pkey, NULL, NULL, 0, NULL, NULL) != 1)
		return -EIO;
	return 0;
}

int gossip_key_sign(const struct gossip_key *k, const uint8_t *msg, size_t len, uint8_t *sig)
{
	EVP_MD_CTX *ctx;
	size_t sig_len = GOSSIP_SIG_LEN;
	int rc = -EIO;

	if (!k->can_sign)
		return -EINVAL;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL)
		return -ENOMEM;
	if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
	    EVP_DigestSign(ctx, sig, &sig_len, msg, len) == 1 && sig_len == GOSSIP_SIG_LEN)
		rc = 0;
	EVP_MD_CTX_free(ctx);
	return rc;
}

bool gossip_key_verify(const struct gossip_key *k, const uint8_t *msg, size_t len,
		       const uint8_t *sig)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok;

	if (ctx == NULL)
		return false;
	ok = EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
	     EVP_DigestVerify(ctx, sig, GOSSIP_SIG_LEN, msg, len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

void gossip_pub_format(const uint8_t pub[GOSSIP_PUB_LEN], char *out)
{
	memcpy(out, prefix, sizeof(prefix) - 1);
	EVP_EncodeBlock((unsigned char *)out + sizeof(prefix) - 1, pub, GOSSIP_PUB_LEN);
}

int gossip_pub_parse(const char *text, uint8_t pub[GOSSIP_PUB_LEN])
{
	/* 32 bytes are 44 base64 characters, the last one '=' padding; EVP_DecodeBlock
	 * decodes the padding as a zero byte, hence 33 */
	uint8_t raw[36];
	const char *b64;

	if (strncmp(text, prefix, sizeof(prefix) - 1) != 0)
		return -EINVAL;
	b64 = text + sizeof(prefix) - 1;
	if (strlen(b64) != 44 || b64[43] != '=' || b64[42] == '=')
		return -EINVAL;
	if (EVP_DecodeBlock(raw, (const unsigned char *)b64, 44) != 33)
		return -EINVAL;
	memcpy(pub, raw, GOSSIP_PUB_LEN);
	return 0;
}
