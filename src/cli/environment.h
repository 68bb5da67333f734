/*
 * environment.h - the envelope from the command line and the environment:
 * the one place the program reads its environment.
 */
#ifndef BS_ENVIRONMENT_H
#define BS_ENVIRONMENT_H

struct buf;
struct envelope;

/*
 * Fill env from --sender and --recipient (each NULL when not given) and
 * the variables the hosts set (SENDER, RECIPIENT, ORIG_RECIPIENT,
 * ORIGINAL_RECIPIENT, HOME, BACKSCATTER_NOW, BACKSCATTER_SENDMAIL).
 * A --recipient that is not an address is left out, with an error
 * appended to errors. Returns the number of errors (0 or 1).
 */
int	 environment_envelope(struct envelope *env, const char *sender,
	    const char *recipient, struct buf *errors);

#endif
