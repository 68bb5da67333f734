/*
 * unit-identity.c - who we are for one message: the configuration when it
 * names our domains or addresses, else --recipient, the envelope recipient
 * the host set, the message's own Delivered-To, X-Original-To, To; and the
 * envelope the command line builds from its options and the environment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "read/envelope.h"
#include "read/header.h"
#include "config/config.h"
#include "evidence/identity.h"
#include "cli/environment.h"
#include "tap.h"

static void
configure(struct config *cfg, const char *line)
{
	if (config_line(cfg, line, "t.conf", 1, NULL) != 0) {
		printf("Bail out! config line refused: %s\n", line);
		exit(2);
	}
}

/* An envelope with only these recipient variables set (NULL: unset). */
static void
envelope_with(struct envelope *env, const char *recipient,
    const char *rcpt, const char *orig, const char *original)
{
	memset(env, 0, sizeof(*env));
	env->recipient = recipient;
	env->recipient_vars[0].name = "RECIPIENT";
	env->recipient_vars[0].value = rcpt;
	env->recipient_vars[1].name = "ORIG_RECIPIENT";
	env->recipient_vars[1].value = orig;
	env->recipient_vars[2].name = "ORIGINAL_RECIPIENT";
	env->recipient_vars[2].value = original;
}

int
main(void)
{
	static const char hdr[] =
	    "Delivered-To: dt@home.example\nTo: Someone <to@home.example>\n\n";
	struct config		 cfg, bare;
	struct envelope		 env;
	struct identity		 id;
	struct header_block	 hb;
	struct arena		 a;
	struct buf		 err;

	plan(0);
	arena_init(&a, 1 << 20);

	/* configured: my_domain and my_address */
	config_init(&cfg);
	configure(&cfg, "my_domain Northwind.Example");
	configure(&cfg, "my_address bob@other.example");
	envelope_with(&env, "opt@cli.example", "rcpt@env.example", NULL, NULL);
	identity_find(&cfg, &env, NULL, &a, &id);
	is_str(id.source, "config", "the config before the envelope");
	ok(id.configured, "... and it says so");
	ok(identity_ours_domain(&cfg, &id, "mail.northwind.example"),
	    "subdomain of my_domain is ours");
	ok(!identity_ours_domain(&cfg, &id, "northwind.example.evil"),
	    "suffix trick is not ours");
	ok(identity_ours_domain(&cfg, &id, "other.example"),
	    "domain of my_address is ours");
	ok(identity_ours_address(&cfg, &id, "anyone@northwind.example"),
	    "any address in my_domain is ours");
	ok(identity_ours_address(&cfg, &id, "bob+lists@other.example"),
	    "my_address with +detail is ours");
	ok(!identity_ours_address(&cfg, &id, "carol@other.example"),
	    "another address at my_address's domain is not");
	ok(!identity_ours_address(&cfg, &id, "rcpt@env.example"),
	    "the envelope recipient is not ours when the config says who is");

	/* no configuration: the envelope, then the header */
	config_init(&bare);
	header_parse(&a, hdr, strlen(hdr), &hb);
	identity_find(&bare, NULL, &hb, &a, &id);
	is_str(id.address, "dt@home.example", "no envelope: from Delivered-To");
	is_str(id.source, "Delivered-To", "source Delivered-To");
	ok(identity_ours_domain(&bare, &id, "home.example"),
	    "identity's domain is ours without config");
	ok(identity_ours_address(&bare, &id, "DT+x@home.example"),
	    "identity address with +detail and case is ours");
	envelope_with(&env, NULL, NULL, NULL, "orig@env.example");
	identity_find(&bare, &env, &hb, &a, &id);
	is_str(id.source, "ORIGINAL_RECIPIENT", "the envelope before the header");
	envelope_with(&env, NULL, "", NULL, "orig@env.example");
	identity_find(&bare, &env, &hb, &a, &id);
	is_str(id.source, "ORIGINAL_RECIPIENT", "an empty RECIPIENT is skipped");
	envelope_with(&env, NULL, "rcpt@env.example", "o@env.example",
	    "orig@env.example");
	identity_find(&bare, &env, &hb, &a, &id);
	is_str(id.address, "rcpt@env.example", "RECIPIENT first");
	envelope_with(&env, NULL, NULL, "Dovecot <o@env.example>", NULL);
	identity_find(&bare, &env, &hb, &a, &id);
	is_str(id.address, "o@env.example", "ORIG_RECIPIENT, its address");
	envelope_with(&env, "opt@cli.example", "rcpt@env.example", NULL, NULL);
	identity_find(&bare, &env, &hb, &a, &id);
	is_str(id.source, "--recipient", "--recipient before the environment");
	is_str(id.address, "opt@cli.example", "--recipient address");
	envelope_with(&env, "prvs=07904e8917=alice@northwind.example", NULL,
	    NULL, NULL);
	identity_find(&bare, &env, &hb, &a, &id);
	is_str(id.address, "alice@northwind.example",
	    "a BATV tag is taken off our address");

	/* the envelope from the options and the environment */
	buf_init(&err, 4096);
	setenv("SENDER", "", 1);
	setenv("RECIPIENT", "", 1);
	setenv("ORIG_RECIPIENT", "o@env.example", 1);
	unsetenv("ORIGINAL_RECIPIENT");
	setenv("HOME", "relative/home", 1);
	setenv("BACKSCATTER_NOW", "1709294400", 1);
	setenv("BACKSCATTER_SENDMAIL", "/opt/bin/sendmail", 1);
	is_int(environment_envelope(&env, NULL, NULL, &err), 0,
	    "environment: no errors");
	is_str(env.sender, "", "SENDER set but empty: the null sender");
	is_str(env.to, "o@env.example", "to: the first variable not empty");
	is_str(env.recipient_vars[0].value, "", "RECIPIENT as set");
	ok(env.recipient_vars[2].value == NULL, "ORIGINAL_RECIPIENT unset");
	ok(env.home == NULL, "a relative HOME is none");
	ok(env.now == 1709294400LL, "BACKSCATTER_NOW is the clock");
	ok(envelope_now(&env) == 1709294400LL, "... as envelope_now says");
	is_str(env.sendmail, "/opt/bin/sendmail", "BACKSCATTER_SENDMAIL");
	unsetenv("SENDER");
	setenv("HOME", "/home/alice", 1);
	setenv("BACKSCATTER_NOW", "12x", 1);
	setenv("BACKSCATTER_SENDMAIL", "sendmail", 1);
	is_int(environment_envelope(&env, "s@x.example", "Opt@CLI.Example",
	    &err), 1, "options: one error, BACKSCATTER_NOW's");
	is_str(err.data, "BACKSCATTER_NOW: not seconds since 1970 (from 1 to "
	    "253402300799): the clock is used\n", "... saying so");
	buf_reset(&err);
	is_str(env.sender, "s@x.example", "--sender before SENDER");
	is_str(env.recipient, "opt@cli.example", "--recipient in lower case");
	is_str(env.to, "Opt@CLI.Example", "... and as given for Sieve");
	is_str(env.home, "/home/alice", "HOME");
	ok(env.now == 0, "a BACKSCATTER_NOW that is not a number is none");
	is_str(env.sendmail, "sendmail", "a relative BACKSCATTER_SENDMAIL "
	    "as set (deliver_redirect says so and uses the default)");
	unsetenv("SENDER");
	unsetenv("BACKSCATTER_NOW");
	is_int(environment_envelope(&env, NULL, "not an address", &err), 1,
	    "a --recipient that is not an address: one error");
	ok(env.recipient == NULL, "... and it is left out");
	is_str(err.data, "--recipient: not an address\n", "... saying so");
	ok(env.sender == NULL, "SENDER unset: read from the message");
	buf_free(&err);

	config_free(&cfg);
	config_free(&bare);
	arena_free(&a);
	return done();
}
