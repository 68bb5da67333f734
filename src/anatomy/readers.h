/*
 * readers.h - one reader per bounce format family.
 *
 * A reader recognises its format from the bounce's header and text
 * (match returns a confidence, 0 = not mine) and adds what the format's
 * own words say: recipients, diagnostics, format name, kind. Structured
 * parts (delivery-status, rfc822) are read by anatomy.c before readers
 * run, so a reader only adds what the text has. Adding a format is one
 * file and one line in readers.c.
 */
#ifndef BS_READERS_H
#define BS_READERS_H

#include <stddef.h>

struct analysis;
struct arena;

struct reader_input {
	const char	*subject;	/* bounce's, decoded, lower case */
	const char	*from;		/* bounce's From, lower case */
	const char	*text;		/* bounce's human text (LF) */
	size_t		 text_len;
	const char	*ltext;		/* the same, lower case */
	int		 has_dsn;	/* a delivery-status part was read */
	int		 daemon;	/* a mail system wrote it */
	int		 machine;	/* a machine wrote it: daemon, null
					   sender or Auto-Submitted */
	char		**own;		/* the message's own To, Delivered-To
					   and Cc addresses */
	int		 nown;
};

struct reader {
	const char	*name;
	/* 0 = not this format; higher = surer */
	int		(*match)(const struct analysis *, const struct reader_input *);
	/* add recipients etc.; 0, or -1 when out of arena */
	int		(*parse)(struct analysis *, struct arena *,
			    const struct reader_input *);
};

extern const struct reader *const readers[];

/* The challenge words (PHRASE_CHALLENGE_WORDS) in text, not counting
 * its lines that name a subject: those are the named message's words
 * (anatomy.c). */
int	 anatomy_challenge_words(const char *text);

/* Is name (in any case) a format a reader names: a reader's own name, or
 * a mail system the signature reader recognises? */
int	 readers_format_known(const char *name);
int	 reader_signature_format(const char *name);

/* Shared helpers for readers. */
/* Set the diagnostic of recipients without one to the text of the line
 * range [s, s+n), trimmed; used by the text formats. */
void	 reader_set_diagnostic(struct analysis *, struct arena *,
	    const char *s, size_t n);
/* Recipients from the generic reading of bounce prose. */
int	 reader_generic_parse(struct analysis *, struct arena *,
	    const struct reader_input *);
/* The same, never taking the message's own To/Delivered-To/Cc (for
 * letters that are not bounces: they name their addressee). */
int	 reader_generic_parse_strict(struct analysis *, struct arena *,
	    const struct reader_input *);

/* Give the recipients already found the address the sender wrote where
 * the text notes an alias ("(expanded from <x>)", "(generated from x)"). */
void	 reader_alias_notes(struct analysis *, struct arena *,
	    const struct reader_input *);

#endif
