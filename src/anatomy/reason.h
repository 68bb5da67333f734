/*
 * reason.h - why a delivery failed, in Sisimai's vocabulary.
 *
 * reason_classify reads a status code and the remote's words and returns a
 * static name (userunknown, mailboxfull, spamdetected, virusdetected, ...).
 * A status code the table does not know still gives one: "delivered" for
 * 2.x.x, "expired" for 4.x.x, "undefined" for 5.x.x. NULL only when neither
 * the text nor a status says anything.
 */
#ifndef BS_REASON_H
#define BS_REASON_H

const char	*reason_classify(const char *status, const char *text);
/* Is name (in any case) one reason_classify can give? */
int		 reason_known(const char *name);

#endif
