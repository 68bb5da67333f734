/*
 * digest.c - HMAC-SHA1 and SHA-256 from nettle or libcrypto (see digest.h).
 * No hand-rolled cryptography.
 */
#include "bsconfig.h"

#include "base/digest.h"

#if defined(HAVE_NETTLE)
#include <nettle/hmac.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>

void
digest_hmac_sha1(const void *key, size_t keylen, const void *msg, size_t n,
    unsigned char out[DIGEST_SHA1_LEN])
{
	struct hmac_sha1_ctx	 ctx;

	hmac_sha1_set_key(&ctx, keylen, key);
	hmac_sha1_update(&ctx, n, msg);
	hmac_sha1_digest(&ctx, DIGEST_SHA1_LEN, out);
}

void
digest_sha256(const void *msg, size_t n, unsigned char out[DIGEST_SHA256_LEN])
{
	struct sha256_ctx	 ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, n, msg);
	sha256_digest(&ctx, DIGEST_SHA256_LEN, out);
}

#elif defined(HAVE_LIBCRYPTO)
#include <openssl/evp.h>
#include <openssl/hmac.h>

void
digest_hmac_sha1(const void *key, size_t keylen, const void *msg, size_t n,
    unsigned char out[DIGEST_SHA1_LEN])
{
	unsigned int	 len = DIGEST_SHA1_LEN;

	HMAC(EVP_sha1(), key, (int)keylen, msg, n, out, &len);
}

void
digest_sha256(const void *msg, size_t n, unsigned char out[DIGEST_SHA256_LEN])
{
	unsigned int	 len = DIGEST_SHA256_LEN;

	EVP_Digest(msg, n, out, &len, EVP_sha256(), NULL);
}

#else
#error "configure found neither nettle nor libcrypto"
#endif
