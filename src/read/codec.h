/*
 * codec.h - base64 and quoted-printable decoding.
 *
 * Both write at most n bytes to out (decoding never grows the data) and
 * return the number written. Junk is skipped, never an error: a broken
 * encoder's output still decodes as far as it goes.
 */
#ifndef BS_CODEC_H
#define BS_CODEC_H

#include <stddef.h>

size_t	 base64_decode(const char *in, size_t n, char *out);
/* Body quoted-printable: "=XX", soft line breaks "=\n"; a lone "=" kept. */
size_t	 qp_decode(const char *in, size_t n, char *out);
/* The value of one hex digit, or -1. */
int	 codec_hex(int c);

#endif
