/*
 * digest.h - the two hashes the proof modules need, from a crypto library
 * (nettle, or OpenSSL's libcrypto; configure picks). Nettle is preferred:
 * linking libcrypto alone costs about a millisecond at every start-up,
 * on the plain-message path too.
 */
#ifndef BS_DIGEST_H
#define BS_DIGEST_H

#include <stddef.h>

#define DIGEST_SHA1_LEN		20
#define DIGEST_SHA256_LEN	32

/* HMAC-SHA1 of msg under key into out. */
void	 digest_hmac_sha1(const void *key, size_t keylen, const void *msg,
	    size_t n, unsigned char out[DIGEST_SHA1_LEN]);

/* SHA-256 of msg into out. */
void	 digest_sha256(const void *msg, size_t n,
	    unsigned char out[DIGEST_SHA256_LEN]);

#endif
