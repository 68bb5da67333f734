/*
 * codec.c - transfer decodings shared by MIME bodies and RFC 2047 words:
 * base64 and quoted-printable, lenient about junk as real mail needs.
 */
#include <ctype.h>
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

size_t
base64_decode(const char *in, size_t n, char *out)
{
	static signed char	 val[256];
	static int		 ready;
	size_t			 i, o = 0;
	unsigned		 acc = 0;
	int			 bits = 0, c;

	if (!ready) {
		memset(val, -1, sizeof(val));
		for (c = 0; c < 26; c++) {
			val['A' + c] = (signed char)c;
			val['a' + c] = (signed char)(c + 26);
		}
		for (c = 0; c < 10; c++)
			val['0' + c] = (signed char)(c + 52);
		val['+'] = 62;
		val['/'] = 63;
		ready = 1;
	}
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
