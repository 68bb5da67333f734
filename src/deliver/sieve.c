/*
 * sieve.c - libsieve glue (see sieve.h).
 *
 * libsieve pulls everything through callbacks. The script is validated
 * first: libsieve returns SIEVE2_OK even for a script that does not parse
 * and reports the problem only through the error callback, so errors are
 * counted there, and a script with any is not run. Actions are collected
 * while it runs and acted on by the caller afterwards, so a runtime error
 * halfway never leaves half the actions done.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sieve2.h>

#include "base/arena.h"
#include "base/log.h"
#include "read/header.h"
#include "deliver/sieve.h"

struct run {
	const char			*script;
	const char			*name;
	const struct sieve_message	*msg;
	struct sieve_outcome		*out;
	int				 acted;		/* cancels implicit keep */
	int				 refused;	/* reject/vacation: keep */
};

static void
complain(const struct run *r, int lineno, const char *what, const char *text)
{
	if (lineno > 0)
		log_warnx("%s:%d: %s: %s", r->name, lineno,
		    what, text != NULL ? text : "?");
	else
		log_warnx("%s: %s: %s", r->name, what,
		    text != NULL ? text : "?");
}

/*
 * libsieve's value names are char *, string literals here are const: these
 * wrappers take the const (libsieve never writes to a name).
 */
static const char *
get_string(sieve2_context_t *s, const char *name)
{
	return sieve2_getvalue_string(s, (char *)name);
}

static char **
get_stringlist(sieve2_context_t *s, const char *name)
{
	return sieve2_getvalue_stringlist(s, (char *)name);
}

static int
get_int(sieve2_context_t *s, const char *name)
{
	return sieve2_getvalue_int(s, (char *)name);
}

static void
set_string(sieve2_context_t *s, const char *name, const char *value)
{
	sieve2_setvalue_string(s, (char *)name, (char *)value);
}

static void
set_stringlist(sieve2_context_t *s, const char *name, char **values)
{
	sieve2_setvalue_stringlist(s, (char *)name, values);
}

static void
set_int(sieve2_context_t *s, const char *name, int value)
{
	sieve2_setvalue_int(s, (char *)name, value);
}

/* --- what the script reads ------------------------------------------------ */

static int
cb_getscript(sieve2_context_t *s, void *v)
{
	struct run	*r = v;
	const char	*path = get_string(s, "path");
	const char	*name = get_string(s, "name");

	/* a non-empty path or name asks for an included script: none */
	if ((path != NULL && *path) || (name != NULL && *name)) {
		complain(r, 0, "include", "not supported");
		r->out->errors++;
		return SIEVE2_ERROR_UNSUPPORTED;
	}
	set_string(s, "script", r->script);
	return SIEVE2_OK;
}

/* Every field named as asked (case-insensitive), unfolded, RFC 2047
 * words decoded, as RFC 5228 5.7 says a header test compares them. */
static int
cb_getheader(sieve2_context_t *s, void *v)
{
	struct run			*r = v;
	const struct header_block	*hb = r->msg->hdr;
	const char			*want = get_string(s, "header");
	char				**values, *val;
	size_t				 i, n = 0;

	if (want == NULL || hb == NULL) {
		set_stringlist(s, "body", NULL);
		return SIEVE2_OK;
	}
	values = arena_alloc(r->msg->arena, (hb->count + 1) * sizeof(*values));
	if (values == NULL)
		return SIEVE2_ERROR_NOMEM;
	for (i = 0; i < hb->count; i++) {
		if (hb->fields[i].name_len != strlen(want) ||
		    strncasecmp(hb->fields[i].name, want,
		    hb->fields[i].name_len) != 0)
			continue;
		if ((val = header_unfold(r->msg->arena, &hb->fields[i])) == NULL)
			return SIEVE2_ERROR_NOMEM;
		if ((val = header_decode(r->msg->arena, hb, val)) == NULL)
			return SIEVE2_ERROR_NOMEM;
		values[n++] = val;
	}
	values[n] = NULL;
	set_stringlist(s, "body", n > 0 ? values : NULL);
	return SIEVE2_OK;
}

static int
cb_getsize(sieve2_context_t *s, void *v)
{
	struct run	*r = v;

	set_int(s, "size", r->msg->size > 0x7fffffff ?
	    0x7fffffff : (int)r->msg->size);
	return SIEVE2_OK;
}

static int
cb_getenvelope(sieve2_context_t *s, void *v)
{
	struct run	*r = v;

	set_string(s, "from", r->msg->sender != NULL ? r->msg->sender : "");
	set_string(s, "to", r->msg->recipient != NULL ?
	    r->msg->recipient : "");
	return SIEVE2_OK;
}

/* --- what the script does ------------------------------------------------- */

/*
 * The IMAP flags of a keep or fileinto (":flags", or what addflag and
 * setflag left). libsieve 2.2.6 calls them "flags" (its header comment
 * says "imapflags") and leaves the script's "\\" unescaped, so "\\Seen"
 * arrives with two backslashes: any number is taken.
 */
static unsigned
flag_bits(sieve2_context_t *s)
{
	static const struct {
		const char	*name;
		unsigned	 bit;
	} map[] = {
		{ "Seen", DELIVER_SEEN },
		{ "Answered", DELIVER_ANSWERED },
		{ "Flagged", DELIVER_FLAGGED },
		{ "Deleted", DELIVER_DELETED },
		{ "Draft", DELIVER_DRAFT },
	};
	char		**flags;
	const char	 *f;
	unsigned	  bits = 0;
	size_t		  i, k;

	if ((flags = get_stringlist(s, "flags")) == NULL)
		flags = get_stringlist(s, "imapflags");
	for (i = 0; flags != NULL && flags[i] != NULL; i++) {
		f = flags[i];
		if (*f != '\\')
			continue;	/* a keyword: no place in a Maildir
					   file name, not stored */
		while (*f == '\\')
			f++;
		for (k = 0; k < sizeof(map) / sizeof(map[0]); k++)
			if (strcasecmp(f, map[k].name) == 0)
				bits |= map[k].bit;
	}
	return bits;
}

/* Add a store to folder (NULL: INBOX), merging duplicates. */
static int
add_store(struct run *r, const char *folder, unsigned flags)
{
	struct sieve_outcome	*o = r->out;
	int			 i;

	if (folder != NULL && strcasecmp(folder, "INBOX") == 0)
		folder = NULL;
	for (i = 0; i < o->nstores; i++) {
		const char	*f = o->stores[i].folder;

		if ((f == NULL && folder == NULL) ||
		    (f != NULL && folder != NULL && strcmp(f, folder) == 0)) {
			o->stores[i].flags |= flags;
			return 0;
		}
	}
	if (o->nstores == DELIVER_COPIES_MAX) {
		complain(r, 0, "fileinto", "too many folders; keeping");
		folder = NULL;
		for (i = 0; i < o->nstores; i++)
			if (o->stores[i].folder == NULL)
				return 0;
		o->nstores--;		/* the INBOX takes the last slot */
	}
	if (folder != NULL &&
	    (folder = arena_strdup(r->msg->arena, folder)) == NULL)
		return -1;
	o->stores[o->nstores].folder = folder;
	o->stores[o->nstores].flags = flags;
	o->nstores++;
	return 0;
}

static int
cb_keep(sieve2_context_t *s, void *v)
{
	struct run	*r = v;

	r->acted = 1;
	return add_store(r, NULL, flag_bits(s)) == 0 ? SIEVE2_OK :
	    SIEVE2_ERROR_NOMEM;
}

static int
cb_fileinto(sieve2_context_t *s, void *v)
{
	struct run	*r = v;
	const char	*mailbox = get_string(s, "mailbox");

	r->acted = 1;
	if (mailbox == NULL || (strcasecmp(mailbox, "INBOX") != 0 &&
	    !deliver_folder_ok(mailbox))) {
		complain(r, 0, "fileinto", "not a folder name; keeping");
		mailbox = NULL;
	}
	return add_store(r, mailbox, flag_bits(s)) == 0 ? SIEVE2_OK :
	    SIEVE2_ERROR_NOMEM;
}

static int
cb_discard(sieve2_context_t *s, void *v)
{
	struct run	*r = v;

	(void)s;
	r->out->discarded = 1;
	r->acted = 1;
	return SIEVE2_OK;
}

static int
cb_redirect(sieve2_context_t *s, void *v)
{
	struct run	*r = v;
	const char	*to = get_string(s, "address");
	int		 i;

	r->acted = 1;
	if (to == NULL)
		return SIEVE2_OK;
	for (i = 0; i < r->out->nredirects; i++)
		if (strcasecmp(r->out->redirects[i], to) == 0)
			return SIEVE2_OK;
	if (r->out->nredirects == SIEVE_REDIRECTS_MAX) {
		complain(r, 0, "redirect", "too many; keeping instead");
		return add_store(r, NULL, 0) == 0 ? SIEVE2_OK :
		    SIEVE2_ERROR_NOMEM;
	}
	if ((to = arena_strdup(r->msg->arena, to)) == NULL)
		return SIEVE2_ERROR_NOMEM;
	r->out->redirects[r->out->nredirects++] = to;
	return SIEVE2_OK;
}

/* An answer to backscatter is more backscatter: never sent. */
static int
cb_reject(sieve2_context_t *s, void *v)
{
	struct run	*r = v;

	(void)s;
	complain(r, 0, "reject", "refused (no answer is ever sent); keeping");
	r->refused = 1;
	return SIEVE2_OK;
}

static int
cb_vacation(sieve2_context_t *s, void *v)
{
	struct run	*r = v;

	(void)s;
	complain(r, 0, "vacation", "refused (no answer is ever sent); keeping");
	r->refused = 1;
	return SIEVE2_OK;
}

/* --- errors --------------------------------------------------------------- */

static int
cb_parse_error(sieve2_context_t *s, void *v)
{
	struct run	*r = v;

	complain(r, get_int(s, "lineno"), "error",
	    get_string(s, "message"));
	r->out->errors++;
	return SIEVE2_OK;
}

static int
cb_runtime_error(sieve2_context_t *s, void *v)
{
	struct run	*r = v;

	complain(r, 0, "runtime error", get_string(s, "message"));
	r->out->errors++;
	return SIEVE2_OK;
}

/* A message header libsieve could not parse for an address test: the
 * message's fault, not the script's; the test just does not match. */
static int
cb_message_error(sieve2_context_t *s, void *v)
{
	(void)s;
	(void)v;
	return SIEVE2_OK;
}

static sieve2_callback_t callbacks[] = {
	{ SIEVE2_SCRIPT_GETSCRIPT,	cb_getscript },
	{ SIEVE2_MESSAGE_GETHEADER,	cb_getheader },
	{ SIEVE2_MESSAGE_GETSIZE,	cb_getsize },
	{ SIEVE2_MESSAGE_GETENVELOPE,	cb_getenvelope },
	{ SIEVE2_ACTION_KEEP,		cb_keep },
	{ SIEVE2_ACTION_FILEINTO,	cb_fileinto },
	{ SIEVE2_ACTION_DISCARD,	cb_discard },
	{ SIEVE2_ACTION_REDIRECT,	cb_redirect },
	{ SIEVE2_ACTION_REJECT,		cb_reject },
	{ SIEVE2_ACTION_VACATION,	cb_vacation },
	{ SIEVE2_ERRCALL_PARSE,		cb_parse_error },
	{ SIEVE2_ERRCALL_RUNTIME,	cb_runtime_error },
	{ SIEVE2_ERRCALL_HEADER,	cb_message_error },
	{ SIEVE2_ERRCALL_ADDRESS,	cb_message_error },
	{ 0, NULL }
};

char *
sieve_read(const char *path)
{
	FILE	*f;
	char	*text;
	size_t	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if ((text = malloc(SIEVE_SCRIPT_MAX + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(text, 1, SIEVE_SCRIPT_MAX + 1, f);
	if (ferror(f) || n > SIEVE_SCRIPT_MAX || memchr(text, '\0', n)) {
		fclose(f);
		free(text);
		errno = EFBIG;
		return NULL;
	}
	fclose(f);
	text[n] = '\0';
	return text;
}

int
sieve_run(const char *script, const char *name,
    const struct sieve_message *msg, struct sieve_outcome *out)
{
	sieve2_context_t	*ctx = NULL;
	struct run		 r;
	int			 rc;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	r.script = script;
	r.name = name;
	r.msg = msg;
	r.out = out;

	if ((rc = sieve2_alloc(&ctx)) != SIEVE2_OK ||
	    (rc = sieve2_callbacks(ctx, callbacks)) != SIEVE2_OK) {
		complain(&r, 0, "libsieve", sieve2_errstr(rc));
		goto fail;
	}
	if ((rc = sieve2_validate(ctx, &r)) != SIEVE2_OK) {
		complain(&r, 0, "libsieve", sieve2_errstr(rc));
		goto fail;
	}
	if (out->errors > 0)
		goto fail;
	if ((rc = sieve2_execute(ctx, &r)) != SIEVE2_OK) {
		complain(&r, 0, "libsieve", sieve2_errstr(rc));
		goto fail;
	}
	if (out->errors > 0)
		goto fail;
	sieve2_free(&ctx);

	/* RFC 5228 2.10.2: keep unless an action cancelled it; reject and
	 * vacation were refused, so their message is kept */
	if (!r.acted || r.refused)
		if (add_store(&r, NULL, 0) == -1)
			goto fail;
	return 0;

fail:
	if (ctx != NULL)
		sieve2_free(&ctx);
	out->nstores = 0;
	out->nredirects = 0;
	out->discarded = 0;
	out->stores[0].folder = NULL;
	out->stores[0].flags = 0;
	out->nstores = 1;
	if (out->errors == 0)
		out->errors = 1;
	log_warnx("%s: script failed; keeping the message "
	    "in the INBOX", name);
	return -1;
}
