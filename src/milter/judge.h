/*
 * judge.h - one message at the MX, as the per-message program would
 * judge it at delivery: the same reading, evidence and rules, with the
 * envelope the SMTP session gave. What the milter then does with the
 * verdict (settings.h's actions) is its own business.
 */
#ifndef BS_MILTER_JUDGE_H
#define BS_MILTER_JUDGE_H

#include <stddef.h>

#include "base/buf.h"
#include "read/message.h"

struct milter_section;

struct judgement {
	int		 judged;	/* analysis and verdict ran */
	int		 backscatter;
	int		 proof;		/* decided by proof: a forgery sign
					   of BATV, the ledger or our DKIM,
					   and no proof that it is ours */
	const char	*proof_rule;	/* its rule name, or NULL */
	char		 kind[32];
	double		 score, required;
	struct buf	 headers;	/* our X-Backscatter-* fields as
					   filter mode writes them, with LF
					   line ends (libmilter's folds) */
};

/*
 * Does a header alone (raw bytes of the header block, the empty line
 * ending it included or not) show no sign of a report of any kind? 1 a
 * plain message (accept it unread), 0 read it whole, -1 on an internal
 * error (read it whole too: the verdict decides).
 */
int	 judge_plain_header(const char *raw, size_t len);

/*
 * Judge m (raw set, oversize when it was cut), delivered from sender (""
 * the null sender) to recipient (NULL: none known), at now (0: the
 * clock), by sec's configuration and rules; home is the milter user's,
 * for a sent_ledger under "~/" and the default one (NULL: none). 0 with j filled; -1 on an
 * internal error (j->judged 0: accept it). Threads may judge at once
 * by one section: it is only read (its rules compiled by settings_load),
 * and m is the caller's own.
 */
int	 judge_message(struct milter_section *sec, struct message *m,
	    const char *sender, const char *recipient, const char *home,
	    long long now, struct judgement *j);
void	 judge_free(struct judgement *j);

#endif
