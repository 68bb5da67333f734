/*
 * settings.h - backscatter-milter's configuration: the directives of
 * backscatter.conf(5), in a default part and in sections, one per
 * recipient domain, plus the milter's own directives (what to do with
 * backscatter, which connections are outgoing mail to record).
 *
 * A section "[example.org]" holds the lines for mail to that domain; its
 * configuration is the default part's lines followed by its own, so a
 * section says only what differs. Errors are "file:line: message" lines;
 * a line in error is left out and the others apply, as in the
 * per-message program: a typo never stops mail.
 */
#ifndef BS_MILTER_SETTINGS_H
#define BS_MILTER_SETTINGS_H

#include "base/buf.h"
#include "base/limits.h"	/* SETTINGS_SECTIONS_MAX, SETTINGS_RECORD_MAX */
#include "config/config.h"

/* What is done with a message judged backscatter, mildest first: when
 * recipients of several sections share a message, the mildest wins. */
enum milter_action {
	ACTION_ACCEPT,		/* as if not judged */
	ACTION_HEADERS,		/* the X-Backscatter-* fields added */
	ACTION_QUARANTINE,	/* held in the MTA's quarantine (hold queue) */
	ACTION_TEMPFAIL,	/* 451 4.7.1 */
	ACTION_DISCARD,		/* accepted and thrown away */
	ACTION_REJECT		/* 550 5.7.1 */
};


struct ruleset;

struct milter_section {
	char			*domain;	/* lower case; NULL: default */
	struct config		 cfg;
	struct ruleset		*rs;
	enum milter_action	 action;	/* backscatter, no proof */
	enum milter_action	 proof_action;	/* backscatter by proof */
};

struct milter_settings {
	struct milter_section	*sections;	/* [0] is the default */
	int			 nsections;
	char			*record_daemons[SETTINGS_RECORD_MAX];
	int			 nrecord_daemons;
	int			 record_ports[SETTINGS_RECORD_MAX];
	int			 nrecord_ports;
	int			 judge_ms;	/* milter_judge_timeout: a
						   message judged longer is
						   accepted; at most
						   LIMIT_MILTER_JUDGE_MS */
	int			 memory_mb;	/* milter_memory: MiB of
						   messages held at once */
	struct buf		 errors;	/* "file:line: message\n" */
	int			 nerr;
};

/*
 * Read path (NULL: no file, every default) into s, which the caller
 * frees with settings_free even on error, and compile each section's
 * rules (their errors are s's): the settings are then only read, and
 * threads may judge by them at once. Returns the number of errors; -1
 * when the file cannot be read at all (s then holds the defaults).
 */
int	 settings_load(struct milter_settings *s, const char *path);
void	 settings_free(struct milter_settings *s);

/* The section for a recipient address's domain (the default when no
 * section names it). Never NULL. */
struct milter_section *settings_section(struct milter_settings *s,
	    const char *recipient);

/* "reject", "headers", ...; and the action of a name, -1 for none. */
const char *settings_action_name(enum milter_action);
int	 settings_action(const char *name);

/* Is a connection with this {daemon_name} (may be NULL) or this local
 * port (0: unknown) one whose mail goes out, to be recorded? */
int	 settings_records(const struct milter_settings *s,
	    const char *daemon_name, int port);

#endif
