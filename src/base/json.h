/*
 * json.h - a small JSON writer into a buf.
 *
 * Strings are written as valid UTF-8 JSON whatever bytes they hold:
 * invalid sequences become U+FFFD, control characters are escaped.
 * Commas are placed by the writer for JSON_DEPTH levels of nesting; a
 * deeper one is the caller's bug: the writer stays within its arrays, but
 * leaves the commas out down there.
 */
#ifndef BS_JSON_H
#define BS_JSON_H

#include <stddef.h>

struct buf;

#define JSON_DEPTH	16

struct json {
	struct buf	*out;
	int		 depth;
	int		 count[JSON_DEPTH];	/* members written per level */
	int		 after_key;
};

void	json_init(struct json *, struct buf *);
void	json_object_begin(struct json *);
void	json_object_end(struct json *);
void	json_array_begin(struct json *);
void	json_array_end(struct json *);
void	json_key(struct json *, const char *);
/* A string value; NULL writes null. */
void	json_string(struct json *, const char *);
void	json_stringn(struct json *, const char *, size_t);
/* A number with one decimal, as scores are shown. */
void	json_score(struct json *, double);
void	json_int(struct json *, long);
void	json_bool(struct json *, int);
void	json_null(struct json *);
/* A key and its value in one call. */
void	json_member_string(struct json *, const char *key, const char *);
void	json_member_int(struct json *, const char *key, long);
void	json_member_bool(struct json *, const char *key, int);
void	json_member_score(struct json *, const char *key, double);

#endif
