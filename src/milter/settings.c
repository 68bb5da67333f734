/*
 * settings.c - the milter's configuration file (see settings.h).
 *
 * The file is read once into lines per section; then each section's
 * configuration is built by replaying the default part's lines and its
 * own through config_line, the per-message program's own parser, so a
 * directive means the same in both programs. The milter's own directives
 * (milter_*) are taken here and never reach config_line.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "config/config.h"
#include "evidence/ledger.h"
#include "rules/rules.h"
#include "milter/settings.h"

struct line {
	char	*text;
	int	 lineno;
};

struct part {
	char		*domain;
	struct line	*lines;
	int		 nlines;
	int		 action, proof_action;	/* -1: not set here */
};

static const char *const action_names[] = {
	[ACTION_ACCEPT] = "accept",
	[ACTION_HEADERS] = "headers",
	[ACTION_QUARANTINE] = "quarantine",
	[ACTION_TEMPFAIL] = "tempfail",
	[ACTION_DISCARD] = "discard",
	[ACTION_REJECT] = "reject",
};

const char *
settings_action_name(enum milter_action a)
{
	return (unsigned)a < sizeof(action_names) / sizeof(action_names[0]) ?
	    action_names[a] : "?";
}

int
settings_action(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++)
		if (strcmp(name, action_names[i]) == 0)
			return (int)i;
	return -1;
}

static int
add_line(struct part *p, const char *text, int lineno)
{
	struct line	*nl;

	if ((nl = realloc(p->lines, (size_t)(p->nlines + 1) *
	    sizeof(*nl))) == NULL)
		return -1;
	p->lines = nl;
	if ((nl[p->nlines].text = strdup(text)) == NULL)
		return -1;
	nl[p->nlines++].lineno = lineno;
	return 0;
}

/* "[example.org]": the domain, lower-cased in place; NULL if malformed. */
static char *
section_name(char *s)
{
	char	*end = strchr(s, ']'), *p;

	if (end == NULL || end == s + 1)
		return NULL;
	*end = '\0';
	for (p = end + 1; *p; p++)
		if (!isspace((unsigned char)*p))
			return NULL;
	for (p = s + 1; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
			return NULL;
		*p = (char)tolower((unsigned char)*p);
	}
	return s + 1;
}

/*
 * A number from 1 to max, of a directive of the default part: 1 taken
 * (into *out), -1 an error (said in s->errors).
 */
static int
global_number(struct milter_settings *s, const char *name, const char *value,
    int in_section, const char *file, int lineno, long max, const char *unit,
    int *out)
{
	char	*end;
	long	 n;

	if (in_section) {
		buf_error(&s->errors, file, lineno, "%s belongs before the "
		    "first section", name);
		return -1;
	}
	errno = 0;
	n = strtol(value, &end, 10);
	if (*end != '\0' || n < 1 || n > max || errno != 0) {
		buf_error(&s->errors, file, lineno, "%s: not %s from 1 to %ld",
		    value, unit, max);
		return -1;
	}
	*out = (int)n;
	return 1;
}

/*
 * One of the milter's own directives: 1 taken, 0 not one of them, -1 an
 * error (said in s->errors).
 */
static int
milter_line(struct milter_settings *s, struct part *p, int in_section,
    const char *file, int lineno, char *text)
{
	char	*name, *value, *extra, *end, *save;
	long	 port;
	int	 a;

	name = strtok_r(text, " \t", &save);
	if (name == NULL || strncmp(name, "milter_", 7) != 0)
		return 0;
	value = strtok_r(NULL, " \t", &save);
	extra = strtok_r(NULL, " \t", &save);
	if (value == NULL || extra != NULL) {
		buf_error(&s->errors, file, lineno, "%s takes one value", name);
		return -1;
	}
	if (strcmp(name, "milter_action") == 0 ||
	    strcmp(name, "milter_proof_action") == 0) {
		if ((a = settings_action(value)) == -1) {
			buf_error(&s->errors, file, lineno, "%s: not one of "
			    "accept, headers, quarantine, tempfail, discard, "
			    "reject", value);
			return -1;
		}
		if (name[7] == 'a')
			p->action = a;
		else
			p->proof_action = a;
		return 1;
	}
	if (strcmp(name, "milter_judge_timeout") == 0)
		return global_number(s, name, value, in_section, file, lineno,
		    LIMIT_MILTER_JUDGE_MS, "milliseconds", &s->judge_ms);
	if (strcmp(name, "milter_memory") == 0)
		return global_number(s, name, value, in_section, file, lineno,
		    (long)(MILTER_MEMORY_MAX >> 20), "MiB", &s->memory_mb);
	if (strcmp(name, "milter_record_daemon") == 0 ||
	    strcmp(name, "milter_record_port") == 0) {
		if (in_section) {
			buf_error(&s->errors, file, lineno, "%s belongs before "
			    "the first section", name);
			return -1;
		}
		if (name[14] == 'd') {
			if (s->nrecord_daemons == SETTINGS_RECORD_MAX ||
			    (s->record_daemons[s->nrecord_daemons] =
			    strdup(value)) == NULL) {
				buf_error(&s->errors, file, lineno, "too many");
				return -1;
			}
			s->nrecord_daemons++;
			return 1;
		}
		errno = 0;
		port = strtol(value, &end, 10);
		if (*end != '\0' || port < 1 || port > 65535 || errno != 0) {
			buf_error(&s->errors, file, lineno, "%s: not a port",
			    value);
			return -1;
		}
		if (s->nrecord_ports == SETTINGS_RECORD_MAX) {
			buf_error(&s->errors, file, lineno, "too many");
			return -1;
		}
		s->record_ports[s->nrecord_ports++] = (int)port;
		return 1;
	}
	buf_error(&s->errors, file, lineno, "%s: unknown directive", name);
	return -1;
}

/* The file into parts; 0, or -1 when it cannot be read. The file is
 * opened and read as config_load reads one (config_open: a FIFO or a
 * folder refused; config_read_line), and a line means what it means
 * there: "#" begins a comment anywhere, a CR is a space. */
static int
read_parts(struct milter_settings *s, const char *path, struct part **parts_r,
    int *nparts_r)
{
	struct part	*parts, *np;
	char		 line[CONFIG_LINE_MAX + 16], copy[CONFIG_LINE_MAX + 16];
	char		*t, *dom;
	FILE		*fp;
	size_t		 seen = 0;
	long		 got;
	int		 nparts = 1, lineno = 0, r, over, nul, i;

	if ((parts = calloc(1, sizeof(*parts))) == NULL)
		return -1;
	parts[0].action = parts[0].proof_action = -1;
	*parts_r = parts;
	*nparts_r = 1;
	if (path == NULL)
		return 0;
	if ((fp = config_open(path)) == NULL) {
		buf_error(&s->errors, path, 0, "%s", config_open_error());
		s->nerr++;
		return -1;
	}
	while ((got = config_read_line(fp, line, &over, &nul, &seen)) != -1) {
		if (got == -2) {
			buf_error(&s->errors, path, lineno + 1, "the file grew "
			    "past %u MiB as it was read: the rest not read",
			    CONFIG_FILE_MAX >> 20);
			s->nerr++;
			break;
		}
		lineno++;
		if (over || nul) {
			buf_error(&s->errors, path, lineno, over ?
			    "line too long" : "NUL byte in line");
			s->nerr++;
			continue;
		}
		if ((t = strchr(line, '#')) != NULL)
			*t = '\0';
		for (t = line; *t != '\0'; t++)
			if (*t == '\r')
				*t = ' ';
		for (t = line; *t == ' ' || *t == '\t'; t++)
			;
		if (*t == '[') {
			if ((dom = section_name(t)) == NULL) {
				buf_error(&s->errors, path, lineno, "a section "
				    "is [domain]");
				s->nerr++;
				/* its lines must not land in the previous
				 * one: a section no domain matches */
				dom = t;
				memcpy(t, "invalid.", 9);
			}
			/* a domain's second section: which of the two was
			 * meant is not guessed (the first one won, unsaid) */
			for (i = 1; i < nparts; i++)
				if (parts[i].domain != NULL &&
				    strcasecmp(parts[i].domain, dom) == 0) {
					buf_error(&s->errors, path, lineno,
					    "[%s]: a second section for it",
					    dom);
					s->nerr++;
					break;
				}
			if (nparts == SETTINGS_SECTIONS_MAX) {
				buf_error(&s->errors, path, lineno, "more than "
				    "%d sections", SETTINGS_SECTIONS_MAX);
				s->nerr++;
				break;
			}
			if ((np = realloc(parts, (size_t)(nparts + 1) *
			    sizeof(*np))) == NULL)
				break;
			parts = *parts_r = np;
			memset(&parts[nparts], 0, sizeof(*parts));
			parts[nparts].domain = strdup(dom);
			parts[nparts].action = parts[nparts].proof_action = -1;
			*nparts_r = ++nparts;
			continue;
		}
		memcpy(copy, t, strlen(t) + 1);
		if ((r = milter_line(s, &parts[nparts - 1], nparts > 1, path,
		    lineno, copy)) != 0) {
			if (r == -1)
				s->nerr++;
			continue;
		}
		if (add_line(&parts[nparts - 1], t, lineno) == -1)
			break;
	}
	if (ferror(fp)) {
		buf_error(&s->errors, path, 0, "read error");
		s->nerr++;
		fclose(fp);
		return -1;
	}
	fclose(fp);
	return 0;
}

/* The configuration and rules of one section: the default's lines, then
 * its own; errors in the default's lines are said once, by the default. */
static void
build(struct milter_settings *s, struct milter_section *sec,
    const struct part *def, const struct part *own, const char *path)
{
	struct buf	 quiet;
	int		 i;

	config_init(&sec->cfg);
	buf_init(&quiet, 64 * 1024);
	if (own != def)
		for (i = 0; i < def->nlines; i++)
			(void)config_line(&sec->cfg, def->lines[i].text, path,
			    def->lines[i].lineno, &quiet);
	buf_free(&quiet);
	for (i = 0; i < own->nlines; i++)
		if (config_line(&sec->cfg, own->lines[i].text, path,
		    own->lines[i].lineno, &s->errors) == -1)
			s->nerr++;
	sec->action = own->action != -1 ? own->action : def->action != -1 ?
	    def->action : ACTION_HEADERS;
	sec->proof_action = own->proof_action != -1 ? own->proof_action :
	    def->proof_action != -1 ? def->proof_action : ACTION_REJECT;
	if ((sec->rs = rules_new()) == NULL || rules_add_builtin(sec->rs) ==
	    -1 || rules_add_config(sec->rs, &sec->cfg) == -1) {
		buf_error(&s->errors, path ? path : "backscatter-milter", 0,
		    "cannot set up the rules");
		s->nerr++;
		return;
	}
	/* now, not at the first message: a compiled set is only read */
	if ((i = rules_compile(sec->rs, &sec->cfg, &s->errors)) == -1) {
		buf_error(&s->errors, path ? path : "backscatter-milter", 0,
		    "cannot compile the rules");
		s->nerr++;
	} else
		s->nerr += i;
}

/* A Redis ledger's URL that does not parse: an error, as --lint says it
 * (the milter would judge without the ledger's proof). Section i's line
 * is said once: the sections after the default inherit its lines. The
 * line's file name is NULL when no memory was had to copy it: said
 * under the program's name then, never left unsaid. */
static void
ledger_url_check(struct milter_settings *s, int i)
{
	const struct config	*cfg = &s->sections[i].cfg, *before;
	const char		*f = cfg->sent_ledger_file;
	char			 err[512];
	int			 k;

	if (cfg->sent_ledger == NULL ||
	    ledger_path_ok(cfg->sent_ledger, err, sizeof(err)) == 0)
		return;
	for (k = 0; k < i; k++) {
		before = &s->sections[k].cfg;
		if (before->sent_ledger != NULL &&
		    before->sent_ledger_line == cfg->sent_ledger_line &&
		    (before->sent_ledger_file == NULL ? f == NULL :
		    f != NULL && strcmp(before->sent_ledger_file, f) == 0))
			return;
	}
	buf_error(&s->errors, f != NULL ? f : "backscatter-milter",
	    cfg->sent_ledger_line, "sent_ledger %s", err);
	s->nerr++;
}

int
settings_load(struct milter_settings *s, const char *path)
{
	struct part	*parts = NULL;
	int		 nparts = 0, i, j, rc;

	memset(s, 0, sizeof(*s));
	s->judge_ms = LIMIT_MILTER_JUDGE_MS;
	s->memory_mb = (int)(MILTER_MEMORY >> 20);
	buf_init(&s->errors, 1024 * 1024);
	rc = read_parts(s, path, &parts, &nparts);
	if (parts == NULL)
		return -1;
	if ((s->sections = calloc((size_t)nparts, sizeof(*s->sections))) ==
	    NULL) {
		nparts = 0;
		rc = -1;
	}
	for (i = 0; i < nparts; i++) {
		s->sections[i].domain = parts[i].domain;
		parts[i].domain = NULL;
		build(s, &s->sections[i], &parts[0], &parts[i], path);
		s->nsections++;
	}
	for (i = 0; i < nparts; i++) {
		for (j = 0; j < parts[i].nlines; j++)
			free(parts[i].lines[j].text);
		free(parts[i].lines);
		free(parts[i].domain);
	}
	free(parts);
	for (i = 0; i < s->nsections; i++)
		ledger_url_check(s, i);
	return rc == -1 ? -1 : s->nerr;
}

void
settings_free(struct milter_settings *s)
{
	int	 i;

	for (i = 0; i < s->nsections; i++) {
		free(s->sections[i].domain);
		rules_free(s->sections[i].rs);
		config_free(&s->sections[i].cfg);
	}
	free(s->sections);
	for (i = 0; i < s->nrecord_daemons; i++)
		free(s->record_daemons[i]);
	buf_free(&s->errors);
	memset(s, 0, sizeof(*s));
}

struct milter_section *
settings_section(struct milter_settings *s, const char *recipient)
{
	const char	*at = recipient != NULL ? strrchr(recipient, '@') : NULL;
	int		 i;

	if (at != NULL)
		for (i = 1; i < s->nsections; i++)
			if (strcasecmp(at + 1, s->sections[i].domain) == 0)
				return &s->sections[i];
	return &s->sections[0];
}

int
settings_records(const struct milter_settings *s, const char *daemon_name,
    int port)
{
	int	 i;

	for (i = 0; daemon_name != NULL && i < s->nrecord_daemons; i++)
		if (strcmp(daemon_name, s->record_daemons[i]) == 0)
			return 1;
	for (i = 0; port > 0 && i < s->nrecord_ports; i++)
		if (port == s->record_ports[i])
			return 1;
	return 0;
}
