/*
 * address.h - addresses in header values and DSN fields.
 *
 * Values are unfolded text (header_get, header_unfold). Found addresses
 * are copied into the arena with their domain lower-cased; local parts
 * keep their case.
 */
#ifndef BS_ADDRESS_H
#define BS_ADDRESS_H

#include <stddef.h>

struct arena;

/*
 * Find the addr-specs in a header value or a DSN field ("rfc822; a@b",
 * "Name <a@b>", "a@b (comment)", quoted local parts) and store up to max
 * of them, without duplicates, in out. Returns the number found.
 */
int	 address_parse(struct arena *, const char *value, char **out, int max);
/*
 * Is the left side of a Message-ID (n bytes, no brackets) in the shape
 * spam tools forge: 12 to 31 lower-case letters and digits, random (a
 * digit and a letter past f among them, no run of ten digits)? Mail
 * programs write UUIDs, dates with queue ids, hex or mixed case; none of
 * the Sisimai corpus's 1,589 Message-IDs is in this shape (SpamAssassin's
 * MSGID_RANDY is the same idea).
 */
int	 address_spam_shape(const char *left, size_t n);
/* The first address in value, or NULL. */
char	*address_first(struct arena *, const char *value);
/* Is addr one of list[0..n) (case aside)? */
int	 address_listed(char *const *list, int n, const char *addr);
/* The domain part of an address (pointer into it), or NULL. */
const char *address_domain(const char *addr);
/* Case-insensitive test: is domain equal to or a subdomain of parent. */
int	 domain_within(const char *domain, const char *parent);

#endif
