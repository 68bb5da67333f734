/*
 * identity.c - who we are for one message (see identity.h).
 */
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/limits.h"
#include "read/address.h"
#include "read/envelope.h"
#include "read/header.h"
#include "config/config.h"
#include "evidence/batv.h"
#include "evidence/identity.h"

void
identity_find(const struct config *cfg, const struct envelope *env,
    const struct header_block *hdr, struct arena *a, struct identity *r)
{
	static const char *const fields[] = {
		"Delivered-To", "X-Original-To", "To"
	};
	const struct envelope_variable *var;
	char		*addr, *value;
	size_t		 i;

	memset(r, 0, sizeof(*r));
	if (cfg->ndomains > 0 || cfg->naddresses > 0) {
		r->configured = 1;
		r->source = "config";
		r->address = cfg->naddresses > 0 ? cfg->addresses[0] : NULL;
		return;
	}
	if (env != NULL && env->recipient != NULL) {
		r->address = batv_untag(a, env->recipient);
		r->source = "--recipient";
		return;
	}
	for (i = 0; env != NULL && i < ENVELOPE_RECIPIENT_VARS; i++) {
		var = &env->recipient_vars[i];
		if (var->value == NULL || *var->value == '\0' ||
		    strlen(var->value) > LIMIT_ADDRESS)
			continue;
		if ((addr = address_first(a, var->value)) != NULL) {
			r->address = batv_untag(a, addr);
			r->source = var->name;
			return;
		}
	}
	if (hdr == NULL)
		return;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if ((value = header_get_raw(a, hdr, fields[i])) == NULL)
			continue;
		if ((addr = address_first(a, value)) != NULL) {
			r->address = batv_untag(a, addr);
			r->source = fields[i];
			return;
		}
	}
}

int
identity_ours_domain(const struct config *cfg, const struct identity *id,
    const char *domain)
{
	int	 i;

	if (domain == NULL || *domain == '\0')
		return 0;
	for (i = 0; i < cfg->ndomains; i++)
		if (domain_within(domain, cfg->domains[i]))
			return 1;
	for (i = 0; i < cfg->naddresses; i++)
		if (domain_within(domain, address_domain(cfg->addresses[i])))
			return 1;
	if (cfg->ndomains == 0 && cfg->naddresses == 0 && id != NULL &&
	    id->address != NULL)
		return domain_within(domain, address_domain(id->address));
	return 0;
}

/* Compare two addresses, ignoring a "+detail" on either local part. */
static int
same_address(const char *a, const char *b)
{
	const char	*at_a = strrchr(a, '@'), *at_b = strrchr(b, '@');
	size_t		 la, lb;
	const char	*plus;

	if (at_a == NULL || at_b == NULL || strcasecmp(at_a, at_b) != 0)
		return 0;
	la = (size_t)(at_a - a);
	lb = (size_t)(at_b - b);
	if ((plus = memchr(a, '+', la)) != NULL)
		la = (size_t)(plus - a);
	if ((plus = memchr(b, '+', lb)) != NULL)
		lb = (size_t)(plus - b);
	return la == lb && la > 0 && strncasecmp(a, b, la) == 0;
}

int
identity_ours_address(const struct config *cfg, const struct identity *id,
    const char *addr)
{
	int	 i;

	if (addr == NULL || strchr(addr, '@') == NULL)
		return 0;
	for (i = 0; i < cfg->naddresses; i++)
		if (same_address(addr, cfg->addresses[i]))
			return 1;
	for (i = 0; i < cfg->ndomains; i++)
		if (domain_within(address_domain(addr), cfg->domains[i]))
			return 1;
	if (cfg->ndomains == 0 && cfg->naddresses == 0 && id != NULL &&
	    id->address != NULL)
		return same_address(addr, id->address);
	return 0;
}
