/*
 * codec.c - transfer decodings shared by MIME bodies and RFC 2047 words:
 * base64 and quoted-printable, lenient about junk as real mail needs.
 */
#include <ctype.h>
#include <pthread.h>
#include <string.h>

#include "read/codec.h"

int
codec_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* base64's value of each byte, -1 for none: made once per process
 * (pthread_once: the milter decodes in several threads at once) */
static signed char	 b64val[256];
static pthread_once_t	 b64once = PTHREAD_ONCE_INIT;

static void
b64table(void)
{
	int	 c;

	memset(b64val, -1, sizeof(b64val));
	for (c = 0; c < 26; c++) {
		b64val['A' + c] = (signed char)c;
		b64val['a' + c] = (signed char)(c + 26);
	}
	for (c = 0; c < 10; c++)
		b64val['0' + c] = (signed char)(c + 52);
	b64val['+'] = 62;
	b64val['/'] = 63;
}

size_t
base64_decode(const char *in, size_t n, char *out)
{
	const signed char	*val = b64val;
	size_t			 i, o = 0;
	unsigned		 acc = 0;
	int			 bits = 0;

	pthread_once(&b64once, b64table);
	for (i = 0; i < n; i++) {
		unsigned char	 ch = (unsigned char)in[i];

		if (ch == '=') {
			/* padding ends a quantum; keep going for concatenated
			 * base64 as some encoders write */
			bits = 0;
			acc = 0;
			continue;
		}
		if (val[ch] < 0)
			continue;	/* whitespace and junk */
		acc = (acc << 6) | (unsigned)val[ch];
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	return o;
}

size_t
qp_decode(const char *in, size_t n, char *out)
{
	size_t	 i = 0, o = 0, j;
	int	 h, l;

	while (i < n) {
		if (in[i] != '=') {
			out[o++] = in[i++];
			continue;
		}
		/* soft line break: "=" then optional blanks then LF */
		j = i + 1;
		while (j < n && (in[j] == ' ' || in[j] == '\t'))
			j++;
		if (j < n && in[j] == '\n') {
			i = j + 1;
			continue;
		}
		if (j == n) {
			i = n;
			continue;
		}
		if (i + 2 < n && (h = codec_hex((unsigned char)in[i + 1])) >= 0 &&
		    (l = codec_hex((unsigned char)in[i + 2])) >= 0) {
			out[o++] = (char)(h * 16 + l);
			i += 3;
			continue;
		}
		out[o++] = in[i++];	/* a lone '=': keep it */
	}
	return o;
}
