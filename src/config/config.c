/*
 * config.c - the configuration file (see config.h).
 *
 * Parsing is strict and line-based; nothing here exits or prints. Each
 * directive is a row of one table (directives[]): its name, how many
 * values it takes, the loader that checks them and only then stores them,
 * the field it fills and the range a number must be in. The relay list is
 * matched on every analysed bounce, so addresses are kept in binary
 * (inet_pton) and compared by prefix.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/limits.h"
#include "config/config.h"


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
	for (i = 0; i < cfg->nbatv_keys; i++) {
		if (cfg->batv_keys[i].secret != NULL)
			explicit_bzero(cfg->batv_keys[i].secret,
			    cfg->batv_keys[i].secret_len);
		free(cfg->batv_keys[i].secret);
	}
	free(cfg->batv_keys);
	free(cfg->sent_ledger);
	free(cfg->sent_ledger_file);
	for (i = 0; i < cfg->ndkim_keys; i++) {
		free(cfg->dkim_keys[i].domain);
		free(cfg->dkim_keys[i].selector);
		free(cfg->dkim_keys[i].record);
	}
	free(cfg->dkim_keys);
	config_init(cfg);
}

/* --- values -------------------------------------------------------------- */

/* A host or domain name: labels of letters, digits, '-' and '_', the
 * last not all digits (no top-level domain is: "300.1.1.1" is a mistyped
 * address, not a name). */
static int
valid_domain(const char *s)
{
	size_t	 label = 0, len = 0, digits = 0;

	if (*s == '\0' || *s == '.' || *s == '-')
		return 0;
	for (; *s; s++, len++) {
		if (*s == '.') {
			if (label == 0)
				return 0;
			label = digits = 0;
			continue;
		}
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
		digits += isdigit((unsigned char)*s) != 0;
		if (++label > 63)
			return 0;
	}
	return len <= 253 && label > 0 && digits < label;
}

int
config_address_ok(const char *s)
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

int
config_number(const char *s, double lo, double hi, double *r)
{
	const char	*p = s;
	char		*end;
	double		 v;

	/* decimal as written by people: no 0x10, 1e2, inf or nan, which
	 * strtod takes */
	if (*p == '+' || *p == '-')
		p++;
	if (!isdigit((unsigned char)*p) &&
	    !(*p == '.' && isdigit((unsigned char)p[1])))
		return -1;
	p += strspn(p, "0123456789");
	if (*p == '.')
		p += 1 + strspn(p + 1, "0123456789");
	if (*p != '\0')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0')
		return -1;
	/* a decimal too large for a double is out of range; one too small
	 * (0.000...1) is the tiny number it says, whatever strtod made of
	 * it */
	if (!isfinite(v) || (errno == ERANGE && fabs(v) >= 1.0))
		return -2;
	if (v > hi || v < lo)
		return -2;
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

/* Append "file:line: message" for where w points. */
static void
where_error(struct buf *errors, const struct where *w, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
where_error(struct buf *errors, const struct where *w, const char *fmt, ...)
{
	char	 msg[768];
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	buf_error(errors, w->file, w->line, "%s", msg);
}

static void
nomem(struct buf *errors, const struct where *w)
{
	where_error(errors, w, "out of memory or too many entries");
}

/* Can list (now n entries) take more? */
static int
room(int n, int more)
{
	return n + more <= CONFIG_LIST_MAX;
}

/* --- relays -------------------------------------------------------------- */

/* Read one my_relay value into r (name and text allocated); 0, or -1
 * with the error appended. */
static int
parse_relay(const char *tok, struct config_relay *r, const struct where *w,
    struct buf *errors)
{
	char		 ip[INET6_ADDRSTRLEN + 8];
	const char	*slash;
	char		*end;
	long		 bits;
	size_t		 n;
	int		 min, max;

	memset(r, 0, sizeof(*r));
	if ((slash = strchr(tok, '/')) != NULL) {
		n = (size_t)(slash - tok);
		if (n >= sizeof(ip) || n == 0)
			goto bad_net;
		memcpy(ip, tok, n);
		ip[n] = '\0';
		if ((r->family = parse_ip(ip, r->addr)) == 0 ||
		    strchr(ip, '[') || strncasecmp(ip, "IPv6:", 5) == 0)
			goto bad_net;
		errno = 0;
		bits = strtol(slash + 1, &end, 10);
		max = r->family == AF_INET ? 32 : 128;
		/* ::ffff:192.0.2.0/120 is an IPv6 range, of IPv4-mapped
		 * addresses: its prefix counts the 96 bits before the IPv4
		 * part (a shorter one spans more than IPv4 addresses) */
		min = r->family == AF_INET && strchr(ip, ':') != NULL ? 96 : 0;
		if (min != 0)
			max = 128;
		if (slash[1] == '\0' || *end != '\0' || errno != 0 ||
		    !isdigit((unsigned char)slash[1]) || bits < min ||
		    bits > max) {
			where_error(errors, w,
			    "my_relay %s: prefix length must be %d-%d", tok,
			    min, max);
			return -1;
		}
		/* 192.0.2.1/24 names the network; bits past the prefix
		 * are ignored when matching, so accept it as written */
		r->type = RELAY_NET;
		r->prefix = (int)bits - min;
	} else if ((r->family = parse_ip(tok, r->addr)) != 0 &&
	    tok[0] != '[' && strncasecmp(tok, "IPv6:", 5) != 0) {
		r->type = RELAY_NET;
		r->prefix = r->family == AF_INET ? 32 : 128;
	} else if (strncmp(tok, "*.", 2) == 0) {
		if (!valid_domain(tok + 2) || strchr(tok + 2, '*'))
			goto bad_host;
		r->type = RELAY_SUFFIX;
		if ((r->name = lower_dup(tok + 1)) == NULL)
			goto fail;
	} else {
		if (!valid_domain(tok))
			goto bad_host;
		r->type = RELAY_HOST;
		if ((r->name = lower_dup(tok)) == NULL)
			goto fail;
	}
	if ((r->text = strdup(tok)) == NULL)
		goto fail;
	return 0;

bad_net:
	where_error(errors, w, "my_relay %s: not an address or CIDR range",
	    tok);
	return -1;
bad_host:
	where_error(errors, w,
	    "my_relay %s: not a host name, *.suffix, address or CIDR range", tok);
	return -1;
fail:
	free(r->name);
	nomem(errors, w);
	return -1;
}

/* Add a copy of value to a list, its domain part in lower case. */
static int
add_string(char ***list, int *n, const char *value)
{
	char	**slot;
	char	 *d, *at;

	if ((d = strdup(value)) == NULL)
		return -1;
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

/* --- paths --------------------------------------------------------------- */

/* A path relative to the config file's directory. */
static char *
resolve_path(const char *file, const char *path)
{
	const char	*slash;
	char		*out;

	if (path[0] == '/' || (slash = strrchr(file, '/')) == NULL)
		return strdup(path);
	if (slash - file > INT_MAX ||
	    asprintf(&out, "%.*s/%s", (int)(slash - file), file, path) == -1)
		return NULL;
	return out;
}

/* st is /dev/null's: a device that never blocks and reads as empty
 * (--config /dev/null is the usual way to say "no configuration"). */
static int
is_dev_null(const struct stat *st)
{
	struct stat	 null;

	return S_ISCHR(st->st_mode) && stat("/dev/null", &null) == 0 &&
	    S_ISCHR(null.st_mode) && st->st_rdev == null.st_rdev;
}

/*
 * Open a file the configuration names, for reading. Only a regular file
 * (a symbolic link to one is followed) or /dev/null is read: a FIFO or
 * another device could block the run before its watchdog starts, or never
 * end. -1 with errno set (EINVAL: not a regular file).
 */
static int
open_regular(const char *path, struct stat *st)
{
	int	 fd, flags, saved;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) ==
	    -1)
		return -1;
	if (fstat(fd, st) == -1)
		goto fail;
	if (!S_ISREG(st->st_mode) && !is_dev_null(st)) {
		errno = EINVAL;
		goto fail;
	}
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1)
		goto fail;
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* The reason open_regular failed, for an error line. */
static const char *
open_error(void)
{
	static char	 big[64];

	if (errno == EFBIG) {
		snprintf(big, sizeof(big), "larger than %u MiB: not read",
		    CONFIG_FILE_MAX >> 20);
		return big;
	}
	return errno == EINVAL ? "not a regular file" : strerror(errno);
}

/*
 * Read a small secret or key file whole. A file others can read is
 * refused when private: a BATV secret anyone on the host can read lets
 * them make valid tags. With private (a secret, its first line alone),
 * max bounds that line: what follows its line end is not read.
 */
static char *
read_small_file(const char *path, size_t max, int private, size_t *len_r,
    const struct where *w, struct buf *errors)
{
	struct stat	 st;
	char		*data;
	size_t		 n = 0;
	ssize_t		 r;
	int		 fd;

	if ((fd = open_regular(path, &st)) == -1) {
		where_error(errors, w, "%s: %s", path, open_error());
		return NULL;
	}
	if (private && (st.st_mode & S_IROTH)) {
		where_error(errors, w, "%s: readable by everyone (chmod o-r %s)",
		    path, path);
		close(fd);
		return NULL;
	}
	if ((data = malloc(max + 1)) == NULL) {
		close(fd);
		where_error(errors, w, "out of memory");
		return NULL;
	}
	/* one byte more than max, to tell a file that is too long */
	while (n < max + 1 && (r = read(fd, data + n, max + 1 - n)) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			where_error(errors, w, "%s: %s", path, strerror(errno));
			close(fd);
			explicit_bzero(data, n);
			free(data);
			return NULL;
		}
		n += (size_t)r;
	}
	close(fd);
	if (n > max && private) {
		size_t	 line = 0;

		while (line < n && data[line] != '\n' && data[line] != '\r')
			line++;
		if (line <= max) {
			explicit_bzero(data + line, n - line);
			n = line;	/* the line alone: the rest unread */
		}
	}
	if (n > max) {
		where_error(errors, w, "%s: longer than %zu bytes", path, max);
		explicit_bzero(data, n);
		free(data);
		return NULL;
	}
	data[n] = '\0';
	*len_r = n;
	return data;
}

char *
config_ledger_path(const struct config *cfg, const char *home)
{
	char	*p;
	size_t	 n;

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

/* --- the directives ------------------------------------------------------ */

/*
 * One directive: its values are v[0..n-1] (n already within min..max).
 * A loader checks every value first and stores only a line that is good
 * whole: 0, or -1 with each error appended and nothing stored.
 */
struct directive {
	const char	*name;
	int		 min, max;	/* values after the name; max ANY: any */
	int		(*load)(struct config *, const struct directive *,
			    char **v, int n, const struct where *,
			    struct buf *errors);
	size_t		 target;	/* the field filled (typed loaders) */
	double		 lo, hi;	/* the range of a number */
};

#define ANY	(-1)
#define FIELD(type, cfg, d)	((type *)(void *)((char *)(cfg) + (d)->target))

/*
 * Values into a list of strings (its count in *count): each checked by ok,
 * with "DIRECTIVE VALUE: not" for each that fails, and only a line good
 * whole stored; with dot, a leading "." is checked and stored without it.
 */
static int
load_strings(char ***list, int *count, int dot, int (*ok)(const char *),
    const char *not, const struct directive *d, char **v, int n,
    const struct where *w, struct buf *errors)
{
	int	 i, bad = 0;

	for (i = 0; i < n; i++)
		if (!ok(v[i] + (dot && v[i][0] == '.'))) {
			where_error(errors, w, "%s %s: %s", d->name, v[i], not);
			bad = 1;
		}
	if (bad)
		return -1;
	if (!room(*count, n))
		goto fail;
	for (i = 0; i < n; i++)
		if (add_string(list, count, v[i] + (dot && v[i][0] == '.')) == -1)
			goto fail;
	return 0;
fail:
	nomem(errors, w);
	return -1;
}

/* my_domain DOMAIN...: ".example.org" means the same as "example.org". */
static int
load_domains(struct config *cfg, const struct directive *d, char **v, int n,
    const struct where *w, struct buf *errors)
{
	return load_strings(&cfg->domains, &cfg->ndomains, 1, valid_domain,
	    "not a domain name", d, v, n, w, errors);
}

/* my_address ADDRESS... */
static int
load_addresses(struct config *cfg, const struct directive *d, char **v,
    int n, const struct where *w, struct buf *errors)
{
	return load_strings(&cfg->addresses, &cfg->naddresses, 0,
	    config_address_ok, "not an address", d, v, n, w, errors);
}

/* my_relay HOST|ADDRESS|NETWORK... */
static int
load_relays(struct config *cfg, const struct directive *d, char **v, int n,
    const struct where *w, struct buf *errors)
{
	struct config_relay	 r[CONFIG_WORDS_MAX], *slot;
	int			 i, ok = 0, bad = 0;

	(void)d;
	for (i = 0; i < n; i++) {
		if (parse_relay(v[i], &r[ok], w, errors) == -1)
			bad = 1;
		else
			ok++;
	}
	if (!bad && !room(cfg->nrelays, n)) {
		nomem(errors, w);
		bad = 1;
	}
	for (i = 0; i < ok; i++) {
		if (!bad && (slot = grow(&cfg->relays, &cfg->nrelays,
		    sizeof(*slot))) != NULL) {
			*slot = r[i];
			continue;
		}
		if (!bad) {
			nomem(errors, w);
			bad = 1;
		}
		free(r[i].name);
		free(r[i].text);
	}
	return bad ? -1 : 0;
}

/* The error for config_number's answer rc about s. */
static void
number_error(struct buf *errors, const struct where *w, const char *what,
    const char *s, int rc, double lo, double hi)
{
	if (rc == -2)
		where_error(errors, w, "%s %s: out of range, %g to %g", what,
		    s, lo, hi);
	else
		where_error(errors, w, "%s %s: not a number", what, s);
}

/* A number within the directive's range, into a double. */
static int
load_number(struct config *cfg, const struct directive *d, char **v, int n,
    const struct where *w, struct buf *errors)
{
	double	 x;
	int	 rc;

	(void)n;
	if ((rc = config_number(v[0], d->lo, d->hi, &x)) != 0) {
		number_error(errors, w, d->name, v[0], rc, d->lo, d->hi);
		return -1;
	}
	*FIELD(double, cfg, d) = x;
	return 0;
}

/* score RULE NUMBER */
static int
load_score(struct config *cfg, const struct directive *d, char **v, int n,
    const struct where *w, struct buf *errors)
{
	struct config_score	*sc;
	double			 x;
	int			 rc;

	(void)n;
	if (!valid_rule_name(v[0])) {
		where_error(errors, w, "score %s: rule names start with BS_",
		    v[0]);
		return -1;
	}
	if ((rc = config_number(v[1], d->lo, d->hi, &x)) != 0) {
		char	 what[CONFIG_LINE_MAX + 8];

		snprintf(what, sizeof(what), "score %s", v[0]);
		number_error(errors, w, what, v[1], rc, d->lo, d->hi);
		return -1;
	}
	if ((sc = grow(&cfg->scores, &cfg->nscores, sizeof(*sc))) == NULL)
		goto fail;
	sc->name = strdup(v[0]);
	sc->file = strdup(w->file);
	sc->line = w->line;
	sc->score = x;
	if (sc->name == NULL || sc->file == NULL)
		goto fail;
	return 0;
fail:
	nomem(errors, w);
	return -1;
}

/* yes or no, into an int. */
static int
load_yesno(struct config *cfg, const struct directive *d, char **v, int n,
    const struct where *w, struct buf *errors)
{
	int	 yes;

	(void)n;
	if (strcmp(v[0], "yes") == 0)
		yes = 1;
	else if (strcmp(v[0], "no") == 0)
		yes = 0;
	else {
		where_error(errors, w, "%s %s: yes or no", d->name, v[0]);
		return -1;
	}
	*FIELD(int, cfg, d) = yes;
	return 0;
}

/* log stderr|syslog, into an enum config_log. */
static int
load_log(struct config *cfg, const struct directive *d, char **v, int n,
    const struct where *w, struct buf *errors)
{
	(void)n;
	if (strcmp(v[0], "stderr") == 0)
		cfg->log = CONFIG_LOG_STDERR;
	else if (strcmp(v[0], "syslog") == 0)
		cfg->log = CONFIG_LOG_SYSLOG;
	else {
		where_error(errors, w, "%s %s: stderr or syslog", d->name,
		    v[0]);
		return -1;
	}
	return 0;
}

/* A whole number of days within the directive's range, into an int. */
static int
load_days(struct config *cfg, const struct directive *d, char **v, int n,
    const struct where *w, struct buf *errors)
{
	char	*end;
	long	 x;

	(void)n;
	errno = 0;
	x = strtol(v[0], &end, 10);
	if (end == v[0] || *end != '\0' || errno != 0 || x < (long)d->lo ||
	    x > (long)d->hi) {
		where_error(errors, w, "%s %s: a number of days, %ld-%ld",
		    d->name, v[0], (long)d->lo, (long)d->hi);
		return -1;
	}
	*FIELD(int, cfg, d) = (int)x;
	return 0;
}

/* rules_file FILE, rules_dir DIRECTORY: is_dir is the directive's lo. */
static int
load_rule_path(struct config *cfg, const struct directive *d, char **v,
    int n, const struct where *w, struct buf *errors)
{
	struct config_path	*slot;
	struct stat		 st;
	char			*full;
	int			 want_dir = d->lo != 0;

	(void)n;
	if ((full = resolve_path(w->file, v[0])) == NULL)
		goto fail;
	if (stat(full, &st) == -1) {
		where_error(errors, w, "%s: %s", v[0], strerror(errno));
		free(full);
		return -1;
	}
	if (want_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
		where_error(errors, w, "%s: not a %s", v[0],
		    want_dir ? "directory" : "regular file");
		free(full);
		return -1;
	}
	if ((slot = grow(&cfg->rule_paths, &cfg->nrule_paths,
	    sizeof(*slot))) == NULL)
		goto fail;
	slot->path = full;
	slot->is_dir = want_dir;
	return 0;
fail:
	free(full);
	nomem(errors, w);
	return -1;
}

/* sent_ledger PATH: "~/" is the home of whoever runs the program; a
 * Redis ledger (redis://host:port/db, unix:/path) is taken as written. */
static int
load_ledger(struct config *cfg, const struct directive *d, char **v, int n,
    const struct where *w, struct buf *errors)
{
	char	*path;

	(void)d;
	(void)n;
	if (v[0][0] == '~' && v[0][1] != '/') {
		/* "~bob/x" was taken as a relative path named "~bob" */
		where_error(errors, w, "sent_ledger %s: only ~/ (the home of "
		    "whoever runs the program) is expanded", v[0]);
		return -1;
	}
	path = v[0][0] == '~' || strncmp(v[0], "redis://", 8) == 0 ||
	    strncmp(v[0], "unix:", 5) == 0 ? strdup(v[0]) :
	    resolve_path(w->file, v[0]);
	if (path == NULL) {
		nomem(errors, w);
		return -1;
	}
	free(cfg->sent_ledger);
	cfg->sent_ledger = path;
	free(cfg->sent_ledger_file);
	cfg->sent_ledger_file = strdup(w->file);	/* NULL: said without */
	cfg->sent_ledger_line = w->line;
	return 0;
}

/* batv_key N SECRET_FILE: the secret is the file's first line. */
static int
load_batv_key(struct config *cfg, const struct directive *d, char **v, int n,
    const struct where *w, struct buf *errors)
{
	struct config_batv_key	*k;
	const char		*num = v[0], *path = v[1];
	char			*full, *data;
	size_t			 len, line;
	int			 i;

	(void)d;
	(void)n;
	if (num[0] < '0' || num[0] > '9' || num[1] != '\0') {
		where_error(errors, w, "batv_key %s: the key number is one "
		    "digit, 0-9", num);
		return -1;
	}
	for (i = 0; i < cfg->nbatv_keys; i++)
		if (cfg->batv_keys[i].number == num[0] - '0') {
			where_error(errors, w, "batv_key %s: given twice", num);
			return -1;
		}
	if ((full = resolve_path(w->file, path)) == NULL)
		goto fail;
	data = read_small_file(full, CONFIG_SECRET_MAX, 1, &len, w, errors);
	free(full);
	if (data == NULL)
		return -1;
	/* the first line (what follows it was not read) */
	for (line = 0; line < len && data[line] != '\r' && data[line] != '\n';
	    line++)
		;
	if (line == 0 || memchr(data, '\0', line) != NULL) {
		/* a NUL cut the secret there, without a word: a shorter key
		 * than the MTA's, and no tag of it would check */
		where_error(errors, w, "batv_key %s: %s: %s", num, path,
		    line == 0 ? "empty secret" : "a NUL byte in the secret");
		explicit_bzero(data, len);
		free(data);
		return -1;
	}
	len = line;
	if ((k = grow(&cfg->batv_keys, &cfg->nbatv_keys, sizeof(*k))) == NULL) {
		explicit_bzero(data, len);
		free(data);
		goto fail;
	}
	k->number = num[0] - '0';
	k->secret = (unsigned char *)data;
	k->secret_len = len;
	return 0;
fail:
	nomem(errors, w);
	return -1;
}

/*
 * my_dkim_key DOMAIN SELECTOR FILE. The file is either the DNS record
 * as opendkim-genkey writes it (sel.txt: quoted strings holding
 * "v=DKIM1; k=rsa; p=..."), or a PEM public key (RSA).
 */
static int
load_dkim_key(struct config *cfg, const struct directive *d, char **v, int n,
    const struct where *w, struct buf *errors)
{
	struct config_dkim_key	*k;
	struct buf		 rec;
	const char		*domain = v[0], *selector = v[1], *path = v[2];
	char			*full, *data, *p, *q;
	size_t			 len;

	(void)d;
	(void)n;
	if (!valid_domain(domain) || !valid_domain(selector)) {
		where_error(errors, w, "my_dkim_key %s %s: not a domain and "
		    "selector", domain, selector);
		return -1;
	}
	if ((full = resolve_path(w->file, path)) == NULL)
		goto fail;
	data = read_small_file(full, CONFIG_DKIM_KEY_MAX, 0, &len, w, errors);
	free(full);
	if (data == NULL)
		return -1;
	buf_init(&rec, CONFIG_DKIM_KEY_MAX + 64);
	if ((p = strstr(data, "-----BEGIN PUBLIC KEY-----")) != NULL) {
		buf_appends(&rec, "v=DKIM1; k=rsa; p=");
		for (p += 26; *p && strncmp(p, "-----END", 8) != 0; p++)
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
	if (rec.data == NULL || (p = strstr(rec.data, "p=")) == NULL ||
	    p[2] == '\0' || p[2] == ';') {
		where_error(errors, w, "my_dkim_key: %s: no public key (p=) "
		    "found", path);
		buf_free(&rec);
		return -1;
	}
	if ((k = grow(&cfg->dkim_keys, &cfg->ndkim_keys, sizeof(*k))) == NULL) {
		buf_free(&rec);
		goto fail;
	}
	k->domain = lower_dup(domain);
	k->selector = strdup(selector);
	k->record = rec.data;		/* NUL-terminated above */
	if (k->domain == NULL || k->selector == NULL)
		goto fail;
	return 0;
fail:
	nomem(errors, w);
	return -1;
}

/*
 * Every directive. docs.sh reads the names from here and checks that
 * backscatter.conf(5) describes exactly these.
 */
static const struct directive directives[] = {
	/* name			min max  loader		target, range */
	{ "my_domain",		1, ANY, load_domains,	0, 0, 0 },
	{ "my_address",		1, ANY, load_addresses,	0, 0, 0 },
	{ "my_relay",		1, ANY, load_relays,	0, 0, 0 },
	{ "required_score",	1, 1,	load_number,
	    offsetof(struct config, required), -1000, 1000 },
	{ "score",		2, 2,	load_score,	0, -1000, 1000 },
	{ "rules_file",		1, 1,	load_rule_path,	0, 0, 0 },
	{ "rules_dir",		1, 1,	load_rule_path,	0, 1, 1 },
	{ "batv_key",		2, 2,	load_batv_key,	0, 0, 0 },
	{ "batv_required",	1, 1,	load_yesno,
	    offsetof(struct config, batv_required), 0, 0 },
	/* a tag keeps its day mod 1000: leave room to tell it expired */
	{ "batv_lifetime",	1, 1,	load_days,
	    offsetof(struct config, batv_lifetime), 1, 900 },
	{ "sent_ledger",	1, 1,	load_ledger,	0, 0, 0 },
	{ "sent_ledger_complete", 1, 1,	load_yesno,
	    offsetof(struct config, sent_ledger_complete), 0, 0 },
	{ "sent_ledger_expiry",	1, 1,	load_days,
	    offsetof(struct config, sent_ledger_expiry), 1, 3650 },
	{ "my_dkim_key",	3, 3,	load_dkim_key,	0, 0, 0 },
	{ "log",		1, 1,	load_log,	0, 0, 0 },
};

/* --- lines --------------------------------------------------------------- */

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
		if (n == CONFIG_WORDS_MAX)
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
	const struct where	 w = { file, lineno };
	const struct directive	*d;
	char			 line[CONFIG_LINE_MAX + 1];
	char			*words[CONFIG_WORDS_MAX], *hash;
	size_t			 len = strlen(text), i;
	int			 n;

	if (len > CONFIG_LINE_MAX) {
		where_error(errors, &w, "line too long");
		return -1;
	}
	memcpy(line, text, len + 1);
	if ((hash = strchr(line, '#')) != NULL)
		*hash = '\0';
	for (i = 0; line[i]; i++)
		if (line[i] == '\r' || line[i] == '\n')
			line[i] = ' ';
	if ((n = split(line, words)) == -1) {
		where_error(errors, &w, "too many words");
		return -1;
	}
	if (n == 0)
		return 0;
	for (i = 0; i < sizeof(directives) / sizeof(directives[0]); i++)
		if (strcmp(words[0], directives[i].name) == 0)
			break;
	if (i == sizeof(directives) / sizeof(directives[0])) {
		where_error(errors, &w, "unknown directive %s", words[0]);
		return -1;
	}
	d = &directives[i];
	if (n - 1 < d->min || (d->max != ANY && n - 1 > d->max)) {
		if (d->max == ANY)
			where_error(errors, &w, "%s: missing value", d->name);
		else
			where_error(errors, &w, "%s: wrong number of values",
			    d->name);
		return -1;
	}
	return d->load(cfg, d, words + 1, n - 1, &w, errors);
}

/* (config.h) */
long
config_read_line(FILE *fp, char *line, int *over_r, int *nul_r, size_t *seen)
{
	size_t	 n = 0, took = 0;
	int	 c, first = *seen == 0;

	*over_r = *nul_r = 0;
	while ((c = getc(fp)) != EOF && c != '\n') {
		took++;
		/* CRLF ends a line as LF does: its CR is no byte of the line
		 * (config_line would read it as a space) */
		if (c == '\r') {
			if ((c = getc(fp)) == '\n')
				break;
			if (c != EOF)
				ungetc(c, fp);
			c = '\r';
		}
		if (c == '\0')
			*nul_r = 1;
		if (n < CONFIG_LINE_MAX)
			line[n++] = (char)c;
		else
			*over_r = 1;
	}
	if (c == EOF && took == 0)
		return -1;
	*seen += took + (c == '\n');
	line[n] = '\0';
	/* the UTF-8 byte order mark some editors begin a file with */
	if (first && n >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
		memmove(line, line + 3, n - 2);
		n -= 3;
	}
	/* a file that grew past the bound while it was read */
	if (*seen > CONFIG_FILE_MAX)
		return -2;
	return (long)n;
}

FILE *
config_open(const char *path)
{
	struct stat	 st;
	FILE		*fp;
	int		 fd, saved;

	if ((fd = open_regular(path, &st)) == -1)
		return NULL;
	/* refused whole, before a line of it applies: reading a runaway
	 * file would take the run's time before its watchdog starts */
	if (st.st_size > (off_t)CONFIG_FILE_MAX) {
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
	}
	return fp;
}

const char *
config_open_error(void)
{
	return open_error();
}

/* Is path a symbolic link to nothing? (errno kept) */
static int
dangling(const char *path)
{
	struct stat	 st;
	int		 saved = errno, rc;

	rc = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
	errno = saved;
	return rc;
}

int
config_load(struct config *cfg, const char *path, int must_exist,
    struct buf *errors)
{
	FILE		*fp;
	char		 line[CONFIG_LINE_MAX + 1];
	size_t		 seen = 0;
	long		 got;
	int		 lineno = 0, nerr = 0, over, nul;

	if ((fp = config_open(path)) == NULL) {
		/* none there, nor a folder for it (a HOME of /dev/null);
		 * but a symbolic link to nothing is a configuration lost
		 * (a dotfile manager's link to a moved file), not none */
		if (errno == ENOENT && dangling(path)) {
			buf_error(errors, path, 0, "a symbolic link to a file "
			    "that is not there");
			return 1;
		}
		if ((errno == ENOENT || errno == ENOTDIR) && !must_exist)
			return 0;
		buf_error(errors, path, 0, "%s", open_error());
		return 1;
	}
	while ((got = config_read_line(fp, line, &over, &nul, &seen)) != -1) {
		if (got == -2) {
			buf_error(errors, path, lineno + 1, "the file grew "
			    "past %u MiB as it was read: the rest not read",
			    CONFIG_FILE_MAX >> 20);
			nerr++;
			break;
		}
		lineno++;
		if (over) {
			buf_error(errors, path, lineno, "line too long");
			nerr++;
		} else if (nul) {
			/* the text after it would be read as if it were
			 * all the line held, or not at all */
			buf_error(errors, path, lineno, "NUL byte in line");
			nerr++;
		} else if (config_line(cfg, line, path, lineno, errors) == -1)
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
config_load_default(struct config *cfg, const char *home, struct buf *errors)
{
	char	 user[4096];
	int	 nerr, n;

	nerr = config_load(cfg, CONFIG_SYSTEM_FILE, 0, errors);
	if (home != NULL && *home == '/') {
		n = snprintf(user, sizeof(user), "%s/%s", home,
		    CONFIG_USER_FILE);
		if (n > 0 && (size_t)n < sizeof(user))
			nerr += config_load(cfg, user, 0, errors);
	}
	return nerr;
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

