/*
 * config.h - who we are: our domains, addresses and outbound relays,
 * the required score, score overrides and extra rule files.
 *
 * The configuration lives for the whole run (malloc, not the message
 * arena). Files are parsed strictly: one directive a line, '#' starts a
 * comment, and every unknown directive or bad value is an error reported
 * as "file:line: message" in the caller's buffer. A file with errors still
 * applies its good lines, so a typo never turns the filter off; --lint
 * reports them.
 *
 * Our identity, when the config names no my_domain or my_address, is
 * taken per message (config_identity): --recipient, then the environment
 * (RECIPIENT, ORIG_RECIPIENT, ORIGINAL_RECIPIENT), then the bounce's own
 * Delivered-To, X-Original-To, To.
 */
#ifndef BS_CONFIG_H
#define BS_CONFIG_H

#include <stddef.h>

struct arena;
struct buf;
struct header_block;

#ifndef CONFIG_SYSTEM_FILE
#define CONFIG_SYSTEM_FILE	"/etc/backscatter/backscatter.conf"
#endif
#define CONFIG_USER_FILE	".config/backscatter/config"	/* under $HOME */

/* Longest configuration line; longer lines are an error. */
#define CONFIG_LINE_MAX		4096

#define CONFIG_REQUIRED_DEFAULT	5.0

/* BATV: days a tag stays valid after it was made (Exim's ${prvs} uses 7). */
#define CONFIG_BATV_LIFETIME_DEFAULT	7
/* Longest BATV secret read from a batv_key file. */
#define CONFIG_SECRET_MAX	1024
/* Sent ledger: where it lives under $HOME, and days an entry is kept. */
#define CONFIG_LEDGER_DEFAULT	".local/state/backscatter/sent.db"
#define CONFIG_LEDGER_EXPIRY_DEFAULT	180
/* Longest DKIM public key record read from a my_dkim_key file. */
#define CONFIG_DKIM_KEY_MAX	8192

enum relay_type {
	RELAY_HOST,		/* exact host name */
	RELAY_SUFFIX,		/* "*.example.org": any name below it */
	RELAY_NET		/* an address or CIDR range */
};

struct config_relay {
	enum relay_type	 type;
	char		*text;		/* as written, for reports */
	char		*name;		/* RELAY_HOST: the name; RELAY_SUFFIX:
					   the suffix with its leading dot */
	int		 family;	/* AF_INET or AF_INET6 */
	unsigned char	 addr[16];	/* network order */
	int		 prefix;	/* bits */
};

struct config_score {
	char		*name;
	double		 score;
	char		*file;		/* where it was set, for errors */
	int		 line;
};

struct config_path {
	char		*path;		/* a rule file or directory */
	int		 is_dir;
};

/* batv_key N SECRET_FILE: the secret is the file's first line. */
struct config_batv_key {
	int		 number;	/* 0-9 */
	unsigned char	*secret;
	size_t		 secret_len;
};

/* my_dkim_key DOMAIN SELECTOR FILE: the key as a DKIM key record. */
struct config_dkim_key {
	char		*domain;	/* lower case */
	char		*selector;
	char		*record;	/* "v=DKIM1; k=rsa; p=..." */
};

struct config {
	char			**domains;	/* lower case */
	int			  ndomains;
	char			**addresses;	/* domain part lower case */
	int			  naddresses;
	struct config_relay	 *relays;
	int			  nrelays;
	double			  required;
	struct config_score	 *scores;
	int			  nscores;
	struct config_path	 *rule_paths;
	int			  nrule_paths;
	char			 *recipient;	/* --recipient, or NULL */

	/* Proof (batv.c, ledger.c, dkim.c). */
	struct config_batv_key	 *batv_keys;
	int			  nbatv_keys;
	int			  batv_required;
	int			  batv_lifetime;	/* days */
	char			 *sent_ledger;	/* path, or NULL: the default */
	int			  sent_ledger_complete;
	int			  sent_ledger_expiry;	/* days */
	struct config_dkim_key	 *dkim_keys;
	int			  ndkim_keys;
	/* When the message arrived (seconds since 1970), for BATV expiry;
	 * 0: now. --scan sets it per message from the file's time. */
	long long		  now;
};

/* Where our identity came from, for the report. */
struct identity {
	const char	*address;	/* our address, or NULL */
	const char	*source;	/* "config", "--recipient", "RECIPIENT",
					   ..., "Delivered-To", or NULL */
	int		 configured;	/* my_domain or my_address given */
};

void	 config_init(struct config *);
void	 config_free(struct config *);

/*
 * Parse path into cfg. A missing file is an error only when must_exist.
 * Errors are appended to errors as "file:line: message\n" lines.
 * Returns the number of errors (0: clean).
 */
int	 config_load(struct config *, const char *path, int must_exist,
	    struct buf *errors);
/* The system file, then ~/.config/backscatter/config; both optional. */
int	 config_load_default(struct config *, struct buf *errors);

/* Parse one directive line as if read from file:line (used by the loader
 * and by tests). Returns 0, or -1 with an error appended. */
int	 config_line(struct config *, const char *line, const char *file,
	    int lineno, struct buf *errors);

/* The sent ledger's path: sent_ledger, or ~/.local/state/backscatter/
 * sent.db; NULL when neither is known (no $HOME). Allocated. */
char	*config_ledger_path(const struct config *);

/* The time to judge by: cfg->now, or the clock. */
long long config_now(const struct config *);

/* The --recipient option; 0 or -1 if addr is not an address. */
int	 config_set_recipient(struct config *, const char *addr);

/*
 * Our identity for one message: the config when it names our domains or
 * addresses; otherwise --recipient, the environment, then the top-level
 * header hdr (Delivered-To, X-Original-To, To). hdr may be NULL. The
 * address is allocated in the arena.
 */
void	 config_identity(const struct config *, const struct header_block *hdr,
	    struct arena *, struct identity *r);

/* Is domain ours: within a my_domain, the domain of a my_address, or,
 * when neither is configured, of the identity's address. id may be NULL. */
int	 config_is_ours_domain(const struct config *, const struct identity *,
	    const char *domain);
/* Is addr ours: a my_address, an address within a my_domain, or the
 * identity's address (a "+detail" in the local part is ignored). */
int	 config_is_ours_address(const struct config *, const struct identity *,
	    const char *addr);

/*
 * Does a host name or an address (text, v4 or v6) match one of our relays?
 * Either may be NULL. Returns the relay, or NULL.
 */
const struct config_relay *config_relay_match(const struct config *,
	    const char *host, const char *addr);
const struct config_relay *config_relay_match_host(const struct config *,
	    const char *host);
const struct config_relay *config_relay_match_addr(const struct config *,
	    const char *addr);

#endif
