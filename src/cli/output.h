/*
 * output.h - what the program says: the tagged message (filter mode), the
 * JSON analysis, the report for a person.
 *
 * Nothing here decides; the verdict arrives as a struct output_verdict.
 */
#ifndef BS_OUTPUT_H
#define BS_OUTPUT_H

#include <stddef.h>

struct analysis;
struct buf;
struct message;

struct output_verdict {
	int		 backscatter;
	double		 score;
	double		 required;
	const char	*tests;		/* comma-separated, or NULL for none */
};

/*
 * Write the message to fd with the X-Backscatter-* headers placed after a
 * leading From_ line and Return-Path fields, in the message's line ending,
 * every X-Backscatter-* field already present removed, all other bytes as
 * they came. 0, or -1 when fd cannot be written (nothing more is tried).
 */
int	 output_filter(int fd, struct message *, const char *kind,
	    const struct output_verdict *);
/* The three header fields, with eol as line ending, into out; 0, or -1
 * when out could not hold them (out is then incomplete). */
int	 output_headers(struct buf *out, const char *kind,
	    const struct output_verdict *, const char *eol);
/* Write the message bytes unchanged. 0 or -1. */
int	 output_raw(int fd, struct message *);

/* The anatomy part of the JSON object (kind, format, recipients, reason,
 * original), written as members of an object already open. */
struct json;
void	 output_json_anatomy(struct json *, const struct analysis *);
/* The report for a person: kind, format, recipients, reason, original. */
void	 output_explain_anatomy(struct buf *, const struct analysis *);

#endif
