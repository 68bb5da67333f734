/*
 * config.c - the configuration file and our identity (see config.h).
 *
 * Parsing is strict and line-based; nothing here exits or prints. The
 * relay list is matched on every analysed bounce, so addresses are kept
 * in binary (inet_pton) and compared by prefix.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/limits.h"
#include "read/address.h"
#include "read/header.h"
#include "config/config.h"
#include "evidence/batv.h"

/* Entries per list: far more than anyone configures, small enough that a
 * runaway generated file cannot make matching slow. */
#define CONFIG_LIST_MAX		4096

/* Grow *v (of *n elements of size sz) by one zeroed element; NULL at the cap. */
static void *
grow(void *vp, int *n, size_t sz)
{
	void	**v = vp;
	char	 *p;

	if (*n >= CONFIG_LIST_MAX)
		return NULL;
	if ((p = realloc(*v, (size_t)(*n + 1) * sz)) == NULL)
		return NULL;
	*v = p;
	memset(p + (size_t)*n * sz, 0, sz);
	return p + (size_t)(*n)++ * sz;
}

static char *
lower_dup(const char *s)
{
	char	*d, *p;

	if ((d = strdup(s)) == NULL)
		return NULL;
	for (p = d; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

void
config_init(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->required = CONFIG_REQUIRED_DEFAULT;
	cfg->batv_lifetime = CONFIG_BATV_LIFETIME_DEFAULT;
	cfg->sent_ledger_expiry = CONFIG_LEDGER_EXPIRY_DEFAULT;
}

void
config_free(struct config *cfg)
{
	int	 i;

	for (i = 0; i < cfg->ndomains; i++)
		free(cfg->domains[i]);
	free(cfg->domains);
	for (i = 0; i < cfg->naddresses; i++)
		free(cfg->addresses[i]);
	free(cfg->addresses);
	for (i = 0; i < cfg->nrelays; i++) {
		free(cfg->relays[i].text);
		free(cfg->relays[i].name);
	}
	free(cfg->relays);
	for (i = 0; i < cfg->nscores; i++) {
		free(cfg->scores[i].name);
		free(cfg->scores[i].file);
	}
	free(cfg->scores);
	for (i = 0; i < cfg->nrule_paths; i++)
		free(cfg->rule_paths[i].path);
	free(cfg->rule_paths);
	free(cfg->recipient);
	for (i = 0; i < cfg->nbatv_keys; i++) {
		if (cfg->batv_keys[i].secret != NULL)
			explicit_bzero(cfg->batv_keys[i].secret,
			    cfg->batv_keys[i].secret_len);
		free(cfg->batv_keys[i].secret);
	}
	free(cfg->batv_keys);
	free(cfg->sent_ledger);
	for (i = 0; i < cfg->ndkim_keys; i++) {
		free(cfg->dkim_keys[i].domain);
		free(cfg->dkim_keys[i].selector);
		free(cfg->dkim_keys[i].record);
	}
	free(cfg->dkim_keys);
	config_init(cfg);
}

/* --- values -------------------------------------------------------------- */

/* A host or domain name: labels of letters, digits, '-' and '_'. */
static int
valid_domain(const char *s)
{
	size_t	 label = 0, len = 0;

	if (*s == '\0' || *s == '.' || *s == '-')
		return 0;
	for (; *s; s++, len++) {
		if (*s == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
		if (++label > 63)
			return 0;
	}
	return len <= 253 && label > 0;
}

static int
valid_address(const char *s)
{
	const char	*at = strrchr(s, '@');
	const char	*p;

	if (at == NULL || at == s || strlen(s) > LIMIT_ADDRESS)
		return 0;
	for (p = s; p < at; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' ||
		    *p == '(' || *p == ')' || *p == ',')
			return 0;
	return valid_domain(at + 1);
}

/* A rule name as the rule language accepts it. */
static int
valid_rule_name(const char *s)
{
	size_t	 n = strlen(s);

	if (n < 3 || n > 64 || (strncmp(s, "BS_", 3) != 0 &&
	    strncmp(s, "__", 2) != 0))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

static int
parse_number(const char *s, double *r)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(v) ||
	    v > 1000.0 || v < -1000.0)
		return -1;
	*r = v;
	return 0;
}

/*
 * An address as written in a config line or a Received line: "192.0.2.1",
 * "2001:db8::1", "[192.0.2.1]", "IPv6:2001:db8::1". Returns the family,
 * or 0 when it is not an address.
 */
static int
parse_ip(const char *s, unsigned char *addr)
{
	char	 tmp[INET6_ADDRSTRLEN + 8];
	size_t	 n;

	if (*s == '[')
		s++;
	if (strncasecmp(s, "IPv6:", 5) == 0)
		s += 5;
	n = strcspn(s, "]");
	if (n == 0 || n >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, addr) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, tmp, addr) == 1) {
		/* an IPv4-mapped address is that IPv4 address */
		static const unsigned char mapped[12] =
		    { 0,0,0,0, 0,0,0,0, 0,0,0xff,0xff };

		if (memcmp(addr, mapped, 12) == 0) {
			memmove(addr, addr + 12, 4);
			return AF_INET;
		}
		return AF_INET6;
	}
	return 0;
}

static int
add_relay(struct config *cfg, const char *tok, const char *file, int line,
    struct buf *errors)
{
	struct config_relay	 r;
	struct config_relay	*slot;
	char			 ip[INET6_ADDRSTRLEN + 8];
	const char		*slash;
	char			*end;
	long			 bits;
	size_t			 n;
	int			 max;

	memset(&r, 0, sizeof(r));
	if ((slash = strchr(tok, '/')) != NULL) {
		n = (size_t)(slash - tok);
		if (n >= sizeof(ip) || n == 0)
			goto bad_net;
		memcpy(ip, tok, n);
		ip[n] = '\0';
		if ((r.family = parse_ip(ip, r.addr)) == 0 || strchr(ip, '[') ||
		    strncasecmp(ip, "IPv6:", 5) == 0)
			goto bad_net;
		errno = 0;
		bits = strtol(slash + 1, &end, 10);
		max = r.family == AF_INET ? 32 : 128;
		if (slash[1] == '\0' || *end != '\0' || errno != 0 ||
		    !isdigit((unsigned char)slash[1]) || bits < 0 || bits > max) {
			buf_error(errors, file, line,
			    "my_relay %s: prefix length must be 0-%d", tok, max);
			return -1;
		}
		/* 192.0.2.1/24 names the network; bits past the prefix
		 * are ignored when matching, so accept it as written */
		r.type = RELAY_NET;
		r.prefix = (int)bits;
	} else if ((r.family = parse_ip(tok, r.addr)) != 0 && tok[0] != '[' &&
	    strncasecmp(tok, "IPv6:", 5) != 0) {
		r.type = RELAY_NET;
		r.prefix = r.family == AF_INET ? 32 : 128;
	} else if (strncmp(tok, "*.", 2) == 0) {
		if (!valid_domain(tok + 2) || strchr(tok + 2, '*'))
			goto bad_host;
		r.type = RELAY_SUFFIX;
		if ((r.name = lower_dup(tok + 1)) == NULL)
			goto nomem;
	} else {
		if (!valid_domain(tok))
			goto bad_host;
		r.type = RELAY_HOST;
		if ((r.name = lower_dup(tok)) == NULL)
			goto nomem;
	}
	if ((r.text = strdup(tok)) == NULL)
		goto nomem;
	if ((slot = grow(&cfg->relays, &cfg->nrelays, sizeof(*slot))) == NULL)
		goto nomem;
	*slot = r;
	return 0;

bad_net:
	buf_error(errors, file, line, "my_relay %s: not an address or CIDR range",
	    tok);
	return -1;
bad_host:
	buf_error(errors, file, line,
	    "my_relay %s: not a host name, *.suffix, address or CIDR range", tok);
	return -1;
nomem:
	free(r.name);
	free(r.text);
	buf_error(errors, file, line, "out of memory or too many entries");
	return -1;
}

static int
add_string(char ***list, int *n, const char *value)
{
	char	**slot;
	char	 *d, *at;

	if ((d = strdup(value)) == NULL)
		return -1;
	/* lower-case the domain part (or all of a domain) */
	at = strrchr(d, '@');
	for (at = at ? at : d; *at; at++)
		*at = (char)tolower((unsigned char)*at);
	if ((slot = grow(list, n, sizeof(*slot))) == NULL) {
		free(d);
		return -1;
	}
	*slot = d;
	return 0;
}

/* A rule path relative to the config file's directory. */
static char *
resolve_path(const char *file, const char *path)
{
	const char	*slash;
	char		*out;
	size_t		 dn, pn;

	if (path[0] == '/' || (slash = strrchr(file, '/')) == NULL)
		return strdup(path);
	dn = (size_t)(slash - file);
	pn = strlen(path);
	if ((out = malloc(dn + 1 + pn + 1)) == NULL)
		return NULL;
	memcpy(out, file, dn);
	out[dn] = '/';
	memcpy(out + dn + 1, path, pn + 1);
	return out;
}

static int
add_rule_path(struct config *cfg, const char *path, int want_dir,
    const char *file, int line, struct buf *errors)
{
	struct config_path	*slot;
	struct stat		 st;
	char			*full;

	if ((full = resolve_path(file, path)) == NULL)
		goto nomem;
	if (stat(full, &st) == -1) {
		buf_error(errors, file, line, "%s: %s", path, strerror(errno));
		free(full);
		return -1;
	}
	if (want_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
		buf_error(errors, file, line, "%s: not a %s", path,
		    want_dir ? "directory" : "regular file");
		free(full);
		return -1;
	}
	if ((slot = grow(&cfg->rule_paths, &cfg->nrule_paths,
	    sizeof(*slot))) == NULL)
		goto nomem;
	slot->path = full;
	slot->is_dir = want_dir;
	return 0;
nomem:
	free(full);
	buf_error(errors, file, line, "out of memory or too many entries");
	return -1;
}

/* --- proof: BATV secrets, the ledger, DKIM keys ------------------------- */

static int
parse_yesno(const char *s, int *r)
{
	if (strcmp(s, "yes") == 0)
		*r = 1;
	else if (strcmp(s, "no") == 0)
		*r = 0;
	else
		return -1;
	return 0;
}

static int
parse_days(const char *s, int *r)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < 1 || v > 3650)
		return -1;
	*r = (int)v;
	return 0;
}

/*
 * Read a small secret or key file whole. A file others can read is
 * refused when private: a BATV secret anyone on the host can read lets
 * them make valid tags.
 */
static char *
read_small_file(const char *path, size_t max, int private, size_t *len_r,
    const char *file, int line, struct buf *errors)
{
	struct stat	 st;
	FILE		*fp;
	char		*data;
	size_t		 n;

	if ((fp = fopen(path, "r")) == NULL) {
		buf_error(errors, file, line, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(fp), &st) == -1 || !S_ISREG(st.st_mode)) {
		buf_error(errors, file, line, "%s: not a regular file", path);
		fclose(fp);
		return NULL;
	}
	if (private && (st.st_mode & S_IROTH)) {
		buf_error(errors, file, line, "%s: readable by everyone "
		    "(chmod o-r %s)", path, path);
		fclose(fp);
		return NULL;
	}
	if ((data = malloc(max + 1)) == NULL) {
		fclose(fp);
		buf_error(errors, file, line, "out of memory");
		return NULL;
	}
	n = fread(data, 1, max + 1, fp);
	fclose(fp);
	if (n > max) {
		buf_error(errors, file, line, "%s: longer than %zu bytes",
		    path, max);
		free(data);
		return NULL;
	}
	data[n] = '\0';
	*len_r = n;
	return data;
}

/* batv_key N SECRET_FILE: the secret is the file's first line. */
static int
add_batv_key(struct config *cfg, const char *num, const char *path,
    const char *file, int line, struct buf *errors)
{
	struct config_batv_key	*k;
	char			*full, *data;
	size_t			 len;
	int			 i;

	if (num[0] < '0' || num[0] > '9' || num[1] != '\0') {
		buf_error(errors, file, line, "batv_key %s: the key number is "
		    "one digit, 0-9", num);
		return -1;
	}
	for (i = 0; i < cfg->nbatv_keys; i++)
		if (cfg->batv_keys[i].number == num[0] - '0') {
			buf_error(errors, file, line, "batv_key %s: given twice",
			    num);
			return -1;
		}
	if ((full = resolve_path(file, path)) == NULL)
		goto nomem;
	data = read_small_file(full, CONFIG_SECRET_MAX, 1, &len, file, line,
	    errors);
	free(full);
	if (data == NULL)
		return -1;
	len = strcspn(data, "\r\n");
	if (len == 0) {
		buf_error(errors, file, line, "batv_key %s: %s: empty secret",
		    num, path);
		free(data);
		return -1;
	}
	if ((k = grow(&cfg->batv_keys, &cfg->nbatv_keys, sizeof(*k))) == NULL) {
		explicit_bzero(data, len);
		free(data);
		goto nomem;
	}
	k->number = num[0] - '0';
	k->secret = (unsigned char *)data;
	k->secret_len = len;
	return 0;
nomem:
	buf_error(errors, file, line, "out of memory or too many entries");
	return -1;
}

/*
 * my_dkim_key DOMAIN SELECTOR FILE. The file is either the DNS record
 * as opendkim-genkey writes it (sel.txt: quoted strings holding
 * "v=DKIM1; k=rsa; p=..."), or a PEM public key (RSA).
 */
static int
add_dkim_key(struct config *cfg, const char *domain, const char *selector,
    const char *path, const char *file, int line, struct buf *errors)
{
	struct config_dkim_key	*k;
	struct buf		 rec;
	char			*full, *data, *p, *q;
	size_t			 len;
	int			 pem;

	if (!valid_domain(domain) || !valid_domain(selector)) {
		buf_error(errors, file, line, "my_dkim_key %s %s: not a domain "
		    "and selector", domain, selector);
		return -1;
	}
	if ((full = resolve_path(file, path)) == NULL)
		goto nomem;
	data = read_small_file(full, CONFIG_DKIM_KEY_MAX, 0, &len, file, line,
	    errors);
	free(full);
	if (data == NULL)
		return -1;
	buf_init(&rec, CONFIG_DKIM_KEY_MAX + 64);
	pem = strstr(data, "-----BEGIN PUBLIC KEY-----") != NULL;
	if (pem) {
		buf_appends(&rec, "v=DKIM1; k=rsa; p=");
		p = strstr(data, "-----BEGIN PUBLIC KEY-----") + 26;
		for (; *p && strncmp(p, "-----END", 8) != 0; p++)
			if (isalnum((unsigned char)*p) || *p == '+' ||
			    *p == '/' || *p == '=')
				buf_appendc(&rec, *p);
	} else if (strchr(data, '"') != NULL) {
		/* the quoted strings of a zone-file TXT record, joined */
		for (p = data; (p = strchr(p, '"')) != NULL; p = q + 1) {
			if ((q = strchr(p + 1, '"')) == NULL)
				break;
			buf_append(&rec, p + 1, (size_t)(q - p - 1));
		}
	} else {
		/* the record's text alone */
		p = data + strspn(data, " \t\r\n");
		buf_append(&rec, p, strcspn(p, "\r\n"));
	}
	free(data);
	buf_appendc(&rec, '\0');
	if (rec.data == NULL || strstr(rec.data, "p=") == NULL ||
	    strstr(rec.data, "p=")[2] == '\0' ||
	    strstr(rec.data, "p=")[2] == ';') {
		buf_error(errors, file, line, "my_dkim_key: %s: no public key "
		    "(p=) found", path);
		buf_free(&rec);
		return -1;
	}
	if ((k = grow(&cfg->dkim_keys, &cfg->ndkim_keys, sizeof(*k))) == NULL) {
		buf_free(&rec);
		goto nomem;
	}
	k->domain = lower_dup(domain);
	k->selector = strdup(selector);
	k->record = rec.data;		/* NUL-terminated above */
	if (k->domain == NULL || k->selector == NULL)
		goto nomem;
	return 0;
nomem:
	buf_error(errors, file, line, "out of memory or too many entries");
	return -1;
}

char *
config_ledger_path(const struct config *cfg)
{
	const char	*home = getenv("HOME");
	char		*p;
	size_t		 n;

	if (cfg->sent_ledger != NULL &&
	    strncmp(cfg->sent_ledger, "~/", 2) != 0)
		return strdup(cfg->sent_ledger);
	if (home == NULL || *home != '/')
		return NULL;
	if (cfg->sent_ledger != NULL) {
		n = strlen(home) + strlen(cfg->sent_ledger);
		if ((p = malloc(n + 1)) != NULL)
			snprintf(p, n + 1, "%s%s", home, cfg->sent_ledger + 1);
		return p;
	}
	n = strlen(home) + 1 + strlen(CONFIG_LEDGER_DEFAULT);
	if ((p = malloc(n + 1)) != NULL)
		snprintf(p, n + 1, "%s/%s", home, CONFIG_LEDGER_DEFAULT);
	return p;
}

/* BACKSCATTER_NOW (seconds since 1970) stands in for the clock: tests, and
 * judging a message again as of the day it arrived. */
long long
config_now(const struct config *cfg)
{
	const char	*env;
	char		*end;
	long long	 v;

	if (cfg->now > 0)
		return cfg->now;
	if ((env = getenv("BACKSCATTER_NOW")) != NULL && *env != '\0') {
		v = strtoll(env, &end, 10);
		if (*end == '\0' && v > 0)
			return v;
	}
	return (long long)time(NULL);
}

/* --- lines --------------------------------------------------------------- */

#define MAX_WORDS	64

/* Split s in place into words; returns the count, or -1 if too many. */
static int
split(char *s, char **w)
{
	int	 n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			return n;
		if (n == MAX_WORDS)
			return -1;
		w[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (*s)
			*s++ = '\0';
	}
}

int
config_line(struct config *cfg, const char *text, const char *file,
    int lineno, struct buf *errors)
{
	char			 line[CONFIG_LINE_MAX + 1];
	char			*w[MAX_WORDS], *hash;
	struct config_score	*sc;
	const char		*d;
	double			 v;
	size_t			 len = strlen(text);
	int			 n, i, bad = 0;

	if (len > CONFIG_LINE_MAX) {
		buf_error(errors, file, lineno, "line too long");
		return -1;
	}
	memcpy(line, text, len + 1);
	if ((hash = strchr(line, '#')) != NULL)
		*hash = '\0';
	for (i = 0; line[i]; i++)
		if (line[i] == '\r' || line[i] == '\n')
			line[i] = ' ';
	if ((n = split(line, w)) == -1) {
		buf_error(errors, file, lineno, "too many words");
		return -1;
	}
	if (n == 0)
		return 0;
	d = w[0];

	if (strcmp(d, "my_domain") == 0) {
		if (n < 2)
			goto missing;
		for (i = 1; i < n; i++) {
			const char	*dom = w[i];

			if (dom[0] == '.')	/* ".example.org": same meaning */
				dom++;
			if (!valid_domain(dom)) {
				buf_error(errors, file, lineno,
				    "my_domain %s: not a domain name", w[i]);
				bad = 1;
			} else if (add_string(&cfg->domains, &cfg->ndomains,
			    dom) == -1)
				goto nomem;
		}
	} else if (strcmp(d, "my_address") == 0) {
		if (n < 2)
			goto missing;
		for (i = 1; i < n; i++) {
			if (!valid_address(w[i])) {
				buf_error(errors, file, lineno,
				    "my_address %s: not an address", w[i]);
				bad = 1;
			} else if (add_string(&cfg->addresses, &cfg->naddresses,
			    w[i]) == -1)
				goto nomem;
		}
	} else if (strcmp(d, "my_relay") == 0) {
		if (n < 2)
			goto missing;
		for (i = 1; i < n; i++)
			if (add_relay(cfg, w[i], file, lineno, errors) == -1)
				bad = 1;
	} else if (strcmp(d, "required_score") == 0) {
		if (n != 2)
			goto usage;
		if (parse_number(w[1], &v) == -1) {
			buf_error(errors, file, lineno,
			    "required_score %s: not a number", w[1]);
			return -1;
		}
		cfg->required = v;
	} else if (strcmp(d, "score") == 0) {
		if (n != 3)
			goto usage;
		if (!valid_rule_name(w[1])) {
			buf_error(errors, file, lineno,
			    "score %s: rule names start with BS_", w[1]);
			return -1;
		}
		if (parse_number(w[2], &v) == -1) {
			buf_error(errors, file, lineno, "score %s %s: not a number",
			    w[1], w[2]);
			return -1;
		}
		if ((sc = grow(&cfg->scores, &cfg->nscores, sizeof(*sc))) == NULL)
			goto nomem;
		sc->name = strdup(w[1]);
		sc->file = strdup(file);
		sc->line = lineno;
		sc->score = v;
		if (sc->name == NULL || sc->file == NULL)
			goto nomem;
	} else if (strcmp(d, "batv_key") == 0) {
		if (n != 3)
			goto usage;
		return add_batv_key(cfg, w[1], w[2], file, lineno, errors);
	} else if (strcmp(d, "batv_required") == 0 ||
	    strcmp(d, "sent_ledger_complete") == 0) {
		if (n != 2)
			goto usage;
		if (parse_yesno(w[1], d[0] == 'b' ? &cfg->batv_required :
		    &cfg->sent_ledger_complete) == -1) {
			buf_error(errors, file, lineno, "%s %s: yes or no", d,
			    w[1]);
			return -1;
		}
	} else if (strcmp(d, "batv_lifetime") == 0 ||
	    strcmp(d, "sent_ledger_expiry") == 0) {
		if (n != 2)
			goto usage;
		if (parse_days(w[1], d[0] == 'b' ? &cfg->batv_lifetime :
		    &cfg->sent_ledger_expiry) == -1) {
			buf_error(errors, file, lineno, "%s %s: a number of "
			    "days, 1-3650", d, w[1]);
			return -1;
		}
		if (d[0] == 'b' && cfg->batv_lifetime > 900) {
			/* the tag's day is mod 1000: leave room for "expired" */
			buf_error(errors, file, lineno, "batv_lifetime %s: at "
			    "most 900 days", w[1]);
			return -1;
		}
	} else if (strcmp(d, "sent_ledger") == 0) {
		if (n != 2)
			goto usage;
		free(cfg->sent_ledger);
		cfg->sent_ledger = w[1][0] == '~' ? strdup(w[1]) :
		    resolve_path(file, w[1]);
		if (cfg->sent_ledger == NULL)
			goto nomem;
	} else if (strcmp(d, "my_dkim_key") == 0) {
		if (n != 4)
			goto usage;
		return add_dkim_key(cfg, w[1], w[2], w[3], file, lineno,
		    errors);
	} else if (strcmp(d, "rules_file") == 0 || strcmp(d, "rules_dir") == 0) {
		if (n != 2)
			goto usage;
		return add_rule_path(cfg, w[1], d[6] == 'd', file, lineno,
		    errors);
	} else {
		buf_error(errors, file, lineno, "unknown directive %s", d);
		return -1;
	}
	return bad ? -1 : 0;

missing:
	buf_error(errors, file, lineno, "%s: missing value", d);
	return -1;
usage:
	buf_error(errors, file, lineno, "%s: wrong number of values", d);
	return -1;
nomem:
	buf_error(errors, file, lineno, "out of memory or too many entries");
	return -1;
}

int
config_load(struct config *cfg, const char *path, int must_exist,
    struct buf *errors)
{
	FILE	*fp;
	char	 line[CONFIG_LINE_MAX + 2];
	size_t	 len;
	int	 lineno = 0, nerr = 0, c;

	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT && !must_exist)
			return 0;
		buf_error(errors, path, 0, "%s", strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		len = strlen(line);
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			/* over-long: report once, skip the rest of it */
			while ((c = getc(fp)) != EOF && c != '\n')
				;
			buf_error(errors, path, lineno, "line too long");
			nerr++;
			continue;
		}
		if (memchr(line, '\0', len) != NULL || strlen(line) != len) {
			buf_error(errors, path, lineno, "NUL byte in line");
			nerr++;
			continue;
		}
		if (config_line(cfg, line, path, lineno, errors) == -1)
			nerr++;
	}
	if (ferror(fp)) {
		buf_error(errors, path, 0, "read error");
		nerr++;
	}
	fclose(fp);
	return nerr;
}

int
config_load_default(struct config *cfg, struct buf *errors)
{
	const char	*home = getenv("HOME");
	char		 user[4096];
	int		 nerr, n;

	nerr = config_load(cfg, CONFIG_SYSTEM_FILE, 0, errors);
	if (home != NULL && *home == '/') {
		n = snprintf(user, sizeof(user), "%s/%s", home,
		    CONFIG_USER_FILE);
		if (n > 0 && (size_t)n < sizeof(user))
			nerr += config_load(cfg, user, 0, errors);
	}
	return nerr;
}

int
config_set_recipient(struct config *cfg, const char *addr)
{
	if (addr == NULL || !valid_address(addr))
		return -1;
	free(cfg->recipient);
	if ((cfg->recipient = lower_dup(addr)) == NULL)
		return -1;
	return 0;
}

/* --- identity ------------------------------------------------------------ */

void
config_identity(const struct config *cfg, const struct header_block *hdr,
    struct arena *a, struct identity *r)
{
	static const char *const envs[] = {
		"RECIPIENT", "ORIG_RECIPIENT", "ORIGINAL_RECIPIENT"
	};
	static const char *const fields[] = {
		"Delivered-To", "X-Original-To", "To"
	};
	const char	*v;
	char		*addr, *value;
	size_t		 i;

	memset(r, 0, sizeof(*r));
	if (cfg->ndomains > 0 || cfg->naddresses > 0) {
		r->configured = 1;
		r->source = "config";
		r->address = cfg->naddresses > 0 ? cfg->addresses[0] : NULL;
		return;
	}
	if (cfg->recipient != NULL) {
		r->address = batv_untag(a, cfg->recipient);
		r->source = "--recipient";
		return;
	}
	for (i = 0; i < sizeof(envs) / sizeof(envs[0]); i++) {
		if ((v = getenv(envs[i])) == NULL || *v == '\0' ||
		    strlen(v) > LIMIT_ADDRESS)
			continue;
		if ((addr = address_first(a, v)) != NULL) {
			r->address = batv_untag(a, addr);
			r->source = envs[i];
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
config_is_ours_domain(const struct config *cfg, const struct identity *id,
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
config_is_ours_address(const struct config *cfg, const struct identity *id,
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

/* --- relays -------------------------------------------------------------- */

static int
prefix_match(const unsigned char *a, const unsigned char *net, int bits)
{
	int	 full = bits / 8, rest = bits % 8;
	unsigned char	 mask;

	if (memcmp(a, net, (size_t)full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (unsigned char)(0xff << (8 - rest));
	return (a[full] & mask) == (net[full] & mask);
}

const struct config_relay *
config_relay_match_addr(const struct config *cfg, const char *addr)
{
	unsigned char	 bin[16];
	int		 family, i;

	if (addr == NULL || (family = parse_ip(addr, bin)) == 0)
		return NULL;
	for (i = 0; i < cfg->nrelays; i++) {
		const struct config_relay *r = &cfg->relays[i];

		if (r->type == RELAY_NET && r->family == family &&
		    prefix_match(bin, r->addr, r->prefix))
			return r;
	}
	return NULL;
}

const struct config_relay *
config_relay_match_host(const struct config *cfg, const char *host)
{
	size_t	 hl, sl;
	int	 i;

	if (host == NULL || *host == '\0')
		return NULL;
	hl = strlen(host);
	if (hl > 0 && host[hl - 1] == '.')	/* a root dot: "mx.example." */
		hl--;
	for (i = 0; i < cfg->nrelays; i++) {
		const struct config_relay *r = &cfg->relays[i];

		switch (r->type) {
		case RELAY_HOST:
			if (strlen(r->name) == hl &&
			    strncasecmp(host, r->name, hl) == 0)
				return r;
			break;
		case RELAY_SUFFIX:
			/* "*.example.org" needs at least one more label */
			sl = strlen(r->name);
			if (hl > sl && strncasecmp(host + hl - sl, r->name,
			    sl) == 0)
				return r;
			break;
		case RELAY_NET:
			break;
		}
	}
	return NULL;
}

const struct config_relay *
config_relay_match(const struct config *cfg, const char *host,
    const char *addr)
{
	const struct config_relay	*r;

	if ((r = config_relay_match_addr(cfg, addr)) != NULL)
		return r;
	return config_relay_match_host(cfg, host);
}
