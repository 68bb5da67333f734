/*
 * reason.h - why a delivery failed, in Sisimai's vocabulary.
 *
 * reason_classify reads a status code and the remote's words and returns a
 * static name (userunknown, mailboxfull, spamdetected, virusdetected, ...)
 * or NULL when the text says nothing it knows.
 */
#ifndef BS_REASON_H
#define BS_REASON_H

const char	*reason_classify(const char *status, const char *text);

#endif
