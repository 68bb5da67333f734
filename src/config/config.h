/*
 * config.h - who we are: our domains, addresses and outbound relays,
 * the required score, score overrides, extra rule files, and the proof
 * (BATV secrets, the sent ledger, our DKIM keys).
 *
 * The configuration lives for the whole run (malloc, not the message
 * arena). Files are parsed strictly: one directive a line, '#' starts a
 * comment, and every unknown directive or bad value is an error reported
 * as "file:line: message" in the caller's buffer. A line with an error is
 * left out whole; the other lines apply.
 *
 * Who we are for one message, when the config names no my_domain or
 * my_address, is the evidence layer's business (evidence/identity.h).
 */
#ifndef BS_CONFIG_H
#define BS_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "base/limits.h"

struct buf;

/* SYSCONFDIR is configure's sysconfdir (Makefile.am). */
#define CONFIG_SYSTEM_FILE	SYSCONFDIR "/backscatter/backscatter.conf"
#define CONFIG_USER_FILE	".config/backscatter/config"	/* under $HOME */

#define CONFIG_REQUIRED_DEFAULT	5.0

/* BATV: days a tag stays valid after it was made (Exim's ${prvs} uses 7). */
#define CONFIG_BATV_LIFETIME_DEFAULT	7
/* Sent ledger: where it lives under $HOME, and days an entry is kept. */
#define CONFIG_LEDGER_DEFAULT	".local/state/backscatter/sent.db"
#define CONFIG_LEDGER_EXPIRY_DEFAULT	180

enum relay_type {
	RELAY_HOST,		/* exact host name */
	RELAY_SUFFIX,		/* "*.example.org": any name below it */
	RELAY_NET		/* an address or CIDR range */
};

/* The log directive. */
enum config_log {
	CONFIG_LOG_DEFAULT,	/* no directive: the mail log when the mail
				   system runs a mail-time mode */
	CONFIG_LOG_STDERR,	/* log stderr: standard error only */
	CONFIG_LOG_SYSLOG	/* log syslog: the mail log too, always */
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

	/* Proof (batv.c, ledger.c, dkim.c). */
	struct config_batv_key	 *batv_keys;
	int			  nbatv_keys;
	int			  batv_required;
	int			  batv_lifetime;	/* days */
	char			 *sent_ledger;	/* path, or NULL: the default */
	char			 *sent_ledger_file; /* where it is said */
	int			  sent_ledger_line;
	int			  sent_ledger_complete;
	int			  sent_ledger_expiry;	/* days */
	struct config_dkim_key	 *dkim_keys;
	int			  ndkim_keys;

	/* log: where warnings go besides standard error (cli/main.c). */
	enum config_log		  log;
};

/* A place in a configuration file, for "file:line: message" errors. */
struct where {
	const char	*file;
	int		 line;		/* 0: the file as a whole */
};

void	 config_init(struct config *);
/* A decimal number ("-2.5", "10") within lo..hi into *r: 0; -1 when it
 * is none (hex, exponents, inf and nan are none), -2 out of range. */
int	 config_number(const char *s, double lo, double hi, double *r);
void	 config_free(struct config *);

/*
 * Parse path into cfg. A missing file is an error only when must_exist.
 * Errors are appended to errors as "file:line: message\n" lines.
 * Returns the number of errors (0: clean).
 */
int	 config_load(struct config *, const char *path, int must_exist,
	    struct buf *errors);
/* The system file, then ~/.config/backscatter/config under home (NULL:
 * none); both optional. */
int	 config_load_default(struct config *, const char *home,
	    struct buf *errors);

/*
 * A configuration file opened as config_load opens it (only a regular
 * file, a symbolic link to one, or /dev/null: a FIFO or another device
 * could block the run), and read a line at a time as it reads it, for
 * the milter's file of sections. config_open: NULL with errno set
 * (EINVAL: not a regular file; EFBIG: larger than CONFIG_FILE_MAX;
 * config_open_error says it). config_read_line: the line into line
 * (CONFIG_LINE_MAX + 1 bytes, its end, LF or CRLF, not kept, nor a UTF-8
 * byte order mark at the file's start), its length, -1 at the end, or -2
 * when the file has grown past CONFIG_FILE_MAX as it was read (*seen:
 * the bytes read so far, 0 before the first line); *over_r when it was
 * longer (the rest is dropped, never read as a line of its own), *nul_r
 * when it holds a NUL byte. Neither line is a directive to parse.
 */
FILE	*config_open(const char *path);
const char *config_open_error(void);
long	 config_read_line(FILE *, char *line, int *over_r, int *nul_r,
	    size_t *seen);

/* Parse one directive line as if read from file:line (used by the loader
 * and by tests). Returns 0, or -1 with an error appended. */
int	 config_line(struct config *, const char *line, const char *file,
	    int lineno, struct buf *errors);

/* The sent ledger's path: sent_ledger ("~/" is home), or
 * ~/.local/state/backscatter/sent.db; NULL when neither is known (no
 * home). Allocated. */
char	*config_ledger_path(const struct config *, const char *home);

/* Is s an address as my_address takes it (and --recipient)? */
int	 config_address_ok(const char *s);

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
