/*
 * unit-config.c - the configuration file: every directive, every error
 * with its file:line, relay matching by name, glob, address and CIDR.
 * Who we are for a message is tests/unit-identity.c.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "config/config.h"
#include "tap.h"

static char	 dir[] = "/tmp/unit-config.XXXXXX";

static void
write_file(const char *path, const char *text)
{
	FILE	*fp = fopen(path, "w");

	if (fp == NULL) {
		perror(path);
		exit(2);
	}
	fputs(text, fp);
	fclose(fp);
}

/* Parse one line into a fresh config: the error text, or "" when good. */
static const char *
line_error(const char *line)
{
	static char	 out[512];
	struct config	 cfg;
	struct buf	 err;

	config_init(&cfg);
	buf_init(&err, 4096);
	config_line(&cfg, line, "t.conf", 7, &err);
	snprintf(out, sizeof(out), "%s", err.len ? err.data : "");
	buf_free(&err);
	config_free(&cfg);
	return out;
}

static const struct {
	const char	*label;
	const char	*line;
	const char	*want;	/* error line, "" when good */
} lines[] = {
	{ "comment only", "   # nothing here", "" },
	{ "empty", "", "" },
	{ "my_domain", "my_domain northwind.example", "" },
	{ "my_domain with trailing comment", "my_domain a.example b.example # ours", "" },
	{ "my_domain bad", "my_domain north..wind",
	    "t.conf:7: my_domain north..wind: not a domain name\n" },
	{ "my_domain missing value", "my_domain",
	    "t.conf:7: my_domain: missing value\n" },
	{ "my_address", "my_address alice@northwind.example", "" },
	{ "my_address bad", "my_address alice",
	    "t.conf:7: my_address alice: not an address\n" },
	{ "my_relay all forms",
	    "my_relay smtp.northwind.example *.out.northwind.example 192.0.2.25 2001:db8::/32 198.51.100.0/24", "" },
	{ "my_relay bad prefix", "my_relay 192.0.2.0/33",
	    "t.conf:7: my_relay 192.0.2.0/33: prefix length must be 0-32\n" },
	{ "my_relay bad v6 prefix", "my_relay 2001:db8::/129",
	    "t.conf:7: my_relay 2001:db8::/129: prefix length must be 0-128\n" },
	{ "my_relay IPv4-mapped range", "my_relay ::ffff:192.0.2.0/120", "" },
	{ "my_relay IPv4-mapped range, an IPv4 prefix",
	    "my_relay ::ffff:192.0.2.0/24",
	    "t.conf:7: my_relay ::ffff:192.0.2.0/24: prefix length must be 96-128\n" },
	{ "my_relay CIDR of a name", "my_relay smtp.example/24",
	    "t.conf:7: my_relay smtp.example/24: not an address or CIDR range\n" },
	{ "my_relay bad glob", "my_relay smtp*.example",
	    "t.conf:7: my_relay smtp*.example: not a host name, *.suffix, address or CIDR range\n" },
	{ "required_score", "required_score 6.5", "" },
	{ "required_score negative", "required_score -1", "" },
	{ "required_score junk", "required_score five",
	    "t.conf:7: required_score five: not a number\n" },
	{ "required_score tiny (strtod underflows)",
	    "required_score 0.00000000000000000000000000000000000000000000000000"
	    "0000000000000000000000000000000000000000000000000000000000000000000"
	    "0000000000000000000000000000000000000000000000000000000000000000000"
	    "0000000000000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000000000000000000000000000000000000000000000001", "" },
	{ "required_score two values", "required_score 5 6",
	    "t.conf:7: required_score: wrong number of values\n" },
	{ "score", "score BS_FOREIGN_HANDOFF 3.0", "" },
	{ "score bad name", "score FOREIGN 3.0",
	    "t.conf:7: score FOREIGN: rule names start with BS_\n" },
	{ "score bad number", "score BS_X 3x",
	    "t.conf:7: score BS_X 3x: not a number\n" },
	{ "score missing number", "score BS_X",
	    "t.conf:7: score: wrong number of values\n" },
	{ "unknown directive", "whitelist_bounce_relays smtp.example",
	    "t.conf:7: unknown directive whitelist_bounce_relays\n" },
	{ "rules_file missing", "rules_file /nonexistent/x.cf",
	    "t.conf:7: /nonexistent/x.cf: No such file or directory\n" },
	{ "rules_dir not a dir", "rules_dir /etc/passwd",
	    "t.conf:7: /etc/passwd: not a directory\n" },
	{ "rules_file a directory", "rules_file /tmp",
	    "t.conf:7: /tmp: not a regular file\n" },
};

/* Write len bytes of text to the file t.conf and load it into cfg (with
 * text NULL: just start cfg and err). Returns the error count. */
static int
load_text(const char *text, size_t len, struct config *cfg, struct buf *err)
{
	char	 path[256];
	FILE	*fp;
	int	 n;

	config_init(cfg);
	buf_init(err, 8192);
	if (text == NULL)
		return 0;
	if (chdir(dir) == -1 || (fp = fopen("t.conf", "w")) == NULL ||
	    fwrite(text, 1, len, fp) != len || fclose(fp) == EOF) {
		perror("t.conf");
		exit(2);
	}
	snprintf(path, sizeof(path), "t.conf");
	n = config_load(cfg, path, 1, err);
	unlink("t.conf");
	return n;
}

/* Relay matching on the configuration main() loads: host or address,
 * the relay it matches (its text; NULL: none), what it shows. */
static const struct {
	const char	*host, *addr, *want, *label;
} relays[] = {
	{ "smtp.northwind.example", NULL, "smtp.northwind.example",
	    "exact host" },
	{ "SMTP.Northwind.Example.", NULL, "smtp.northwind.example",
	    "host: case and a root dot ignored" },
	{ "smtp2.northwind.example", NULL, NULL,
	    "another host in the domain is not a relay" },
	{ "a.b.out.northwind.example", NULL, "*.out.northwind.example",
	    "glob suffix" },
	{ "out.northwind.example", NULL, NULL,
	    "glob needs one more label" },
	{ "evilout.northwind.example", NULL, NULL,
	    "glob matches at a label boundary only" },
	{ NULL, "192.0.2.25", "192.0.2.25",
	    "IPv4 address" },
	{ NULL, "192.0.2.26", NULL,
	    "the next IPv4 address is not" },
	{ NULL, "198.51.100.200", "198.51.100.0/24",
	    "IPv4 CIDR" },
	{ NULL, "198.51.101.1", NULL,
	    "outside the IPv4 CIDR" },
	{ NULL, "IPv6:2001:DB8:ffff::1", "2001:db8::/32",
	    "IPv6 CIDR, Postfix form" },
	{ NULL, "2001:db9::1", NULL,
	    "outside the IPv6 CIDR" },
	{ NULL, "203.0.113.9", "::ffff:203.0.113.0/120",
	    "an IPv4-mapped range: its IPv4 addresses" },
	{ NULL, "203.0.114.9", NULL,
	    "... not the next /24 (the prefix is 120 - 96 bits of IPv4)" },
	{ NULL, "[::ffff:192.0.2.25]", "192.0.2.25",
	    "IPv4-mapped IPv6 address" },
	{ NULL, "smtp.northwind.example", NULL,
	    "a name given as an address matches nothing" },
};

int
main(void)
{
	static const char nul_line[] =
	    "my_domain a.example\0 my_relay 0.0.0.0/0\nmy_address b@b.example\n";
	struct config		 cfg;
	struct buf		 err;
	const struct config_relay *r;
	char			 path[256], rules[256], sub[256], fifo[256];
	char			 line[512], words[2048], big[CONFIG_LINE_MAX + 64];
	size_t			 i;
	int			 n;

	plan(0);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		is_str(line_error(lines[i].line), lines[i].want, "line: %s",
		    lines[i].label);

	/* a whole file: good lines apply, bad lines are counted by line */
	snprintf(rules, sizeof(rules), "%s/local.cf", dir);
	write_file(rules, "body BS_X /x/\n");
	snprintf(sub, sizeof(sub), "%s/rules.d", dir);
	ok(mkdir(sub, 0700) == 0, "made a rules dir");
	snprintf(path, sizeof(path), "%s/bs.conf", dir);
	write_file(path,
	    "# config\n"
	    "my_domain Northwind.Example\n"
	    "my_address bob@other.example\n"
	    "my_relay smtp.northwind.example *.out.northwind.example\n"
	    "my_relay 192.0.2.25 198.51.100.0/24 2001:db8::/32 ::ffff:203.0.113.0/120\n"
	    "bogus line\n"
	    "required_score 4.5\n"
	    "score BS_FOREIGN_HANDOFF 7\n"
	    "rules_file local.cf\n"
	    "rules_dir rules.d\n"
	    "my_relay 300.1.2.3/8\n");
	config_init(&cfg);
	buf_init(&err, 4096);
	n = config_load(&cfg, path, 1, &err);
	is_int(n, 2, "two bad lines counted");
	ok(err.len > 0 && strstr(err.data, "bs.conf:6: unknown directive bogus") != NULL,
	    "unknown directive reported at file:6");
	ok(err.len > 0 && strstr(err.data, "bs.conf:11: my_relay 300.1.2.3/8: not an address") != NULL,
	    "bad CIDR reported at file:11");
	is_int(cfg.ndomains, 1, "one domain");
	is_str(cfg.ndomains ? cfg.domains[0] : NULL, "northwind.example",
	    "domain lower-cased");
	is_int(cfg.nrelays, 6, "six relays");
	ok(cfg.required == 4.5, "required_score read");
	is_int(cfg.nscores, 1, "one score override");
	ok(cfg.nscores == 1 && cfg.scores[0].line == 8 &&
	    cfg.scores[0].score == 7.0, "score override remembers its line");
	is_int(cfg.nrule_paths, 2, "rules_file and rules_dir recorded");
	ok(cfg.nrule_paths == 2 && strcmp(cfg.rule_paths[0].path, rules) == 0,
	    "rules_file relative to the config's directory");
	ok(cfg.nrule_paths == 2 && cfg.rule_paths[1].is_dir, "rules_dir is a dir");

	/* relays */
	for (i = 0; i < sizeof(relays) / sizeof(relays[0]); i++) {
		r = config_relay_match(&cfg, relays[i].host, relays[i].addr);
		is_str(r ? r->text : NULL, relays[i].want, "%s", relays[i].label);
	}
	/* a decimal too large for a double is out of range, not "not a
	 * number" */
	memset(words, '0', 400);
	memcpy(words, "required_score 1", 16);
	words[400] = '\0';
	is_int(strstr(line_error(words), ": out of range, -1000 to 1000\n") !=
	    NULL, 1, "required_score 1 and 384 zeros: out of range");

	config_free(&cfg);
	buf_free(&err);

	/* missing files */
	config_init(&cfg);
	buf_init(&err, 4096);
	is_int(config_load(&cfg, "/nonexistent/bs.conf", 0, &err), 0,
	    "optional missing file: no error");
	is_int(config_load(&cfg, "/nonexistent/bs.conf", 1, &err), 1,
	    "required missing file: one error");
	ok(err.len > 0 && strstr(err.data, "/nonexistent/bs.conf: No such file") != NULL,
	    "missing file reported with its name");
	buf_free(&err);
	config_free(&cfg);

	/* what is not a regular file is refused, never read or waited on */
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	ok(mkfifo(fifo, 0600) == 0, "made a FIFO");
	load_text(NULL, 0, &cfg, &err);
	is_int(config_load(&cfg, fifo, 1, &err), 1, "a FIFO as the file: one error");
	ok(err.len > 0 && strstr(err.data, "/fifo: not a regular file") != NULL,
	    "... not a regular file");
	buf_reset(&err);
	is_int(config_load(&cfg, dir, 1, &err), 1, "a directory: one error");
	ok(err.len > 0 && strstr(err.data, ": not a regular file") != NULL,
	    "... not a regular file");
	buf_reset(&err);
	snprintf(line, sizeof(line), "batv_key 1 %s", fifo);
	ok(config_line(&cfg, line, "t.conf", 3, &err) == -1 && err.len > 0 &&
	    strstr(err.data, "t.conf:3: ") != NULL &&
	    strstr(err.data, "/fifo: not a regular file") != NULL,
	    "batv_key naming a FIFO: refused at once");
	ok(cfg.nbatv_keys == 0, "... and no key kept");
	buf_reset(&err);
	snprintf(line, sizeof(line), "my_dkim_key a.example s1 %s", fifo);
	ok(config_line(&cfg, line, "t.conf", 4, &err) == -1,
	    "my_dkim_key naming a FIFO: refused");
	unlink(fifo);
	buf_free(&err);
	config_free(&cfg);

	/* lines: a NUL byte, the longest line, a last line with no end */
	n = load_text(nul_line, sizeof(nul_line) - 1, &cfg, &err);
	is_int(n, 1, "a NUL byte in a line: one error");
	is_str(err.data, "t.conf:1: NUL byte in line\n", "... at its line");
	ok(cfg.ndomains == 0 && cfg.nrelays == 0,
	    "... and nothing on that line is kept, before or after the NUL");
	ok(cfg.naddresses == 1, "... the next line is");
	config_free(&cfg);
	buf_free(&err);
	/* a NUL early in a line longer than a line may be: its end is no
	 * line of its own */
	memset(big, 'x', sizeof(big));
	memcpy(big, "#\0", 2);
	memcpy(big + CONFIG_LINE_MAX + 1, "my_relay 0.0.0.0/0\n", 19);
	n = load_text(big, CONFIG_LINE_MAX + 1 + 19, &cfg, &err);
	is_int(n, 1, "a NUL in an over-long line: one error");
	is_str(err.data, "t.conf:1: line too long\n", "... the line is too long");
	is_int(cfg.nrelays, 0, "... and its end is not read as a my_relay line");
	config_free(&cfg);
	buf_free(&err);
	/* exactly CONFIG_LINE_MAX bytes, then one more */
	memset(big, ' ', sizeof(big));
	memcpy(big, "my_domain a.example", 19);
	big[CONFIG_LINE_MAX] = '\n';
	memcpy(big + CONFIG_LINE_MAX + 1, "my_domain b.example", 19);
	n = load_text(big, CONFIG_LINE_MAX + 1 + 19, &cfg, &err);
	is_int(n, 0, "a line of CONFIG_LINE_MAX bytes, and a last line "
	    "without its end: read");
	is_int(cfg.ndomains, 2, "... both");
	config_free(&cfg);
	buf_free(&err);
	big[CONFIG_LINE_MAX] = ' ';
	big[CONFIG_LINE_MAX + 1] = '\n';
	n = load_text(big, CONFIG_LINE_MAX + 2, &cfg, &err);
	is_int(n, 1, "a line of CONFIG_LINE_MAX + 1 bytes: an error");
	is_str(err.data, "t.conf:1: line too long\n", "... too long");
	config_free(&cfg);
	buf_free(&err);
	/* CRLF: the CR is the line's end, no byte of the line */
	big[CONFIG_LINE_MAX] = '\r';
	big[CONFIG_LINE_MAX + 1] = '\n';
	memcpy(big + CONFIG_LINE_MAX + 2, "my_domain b.example\r\n", 21);
	n = load_text(big, CONFIG_LINE_MAX + 2 + 21, &cfg, &err);
	is_int(n, 0, "a line of CONFIG_LINE_MAX bytes ending in CRLF: read");
	is_int(cfg.ndomains, 2, "... and the CRLF line after it");
	config_free(&cfg);
	buf_free(&err);
	big[CONFIG_LINE_MAX] = ' ';
	big[CONFIG_LINE_MAX + 1] = '\r';
	big[CONFIG_LINE_MAX + 2] = '\n';
	n = load_text(big, CONFIG_LINE_MAX + 3, &cfg, &err);
	is_int(n, 1, "CONFIG_LINE_MAX + 1 bytes ending in CRLF: an error");
	is_str(err.data, "t.conf:1: line too long\n", "... too long");
	config_free(&cfg);
	buf_free(&err);
	/* a UTF-8 byte order mark before the first line (an editor's) */
	n = load_text("\xef\xbb\xbfmy_domain a.example\n"
	    "\xef\xbb\xbfmy_domain b.example\n", 44, &cfg, &err);
	is_int(n, 1, "a byte order mark: the first line read, "
	    "one on the second line an error");
	is_int(cfg.ndomains, 1, "... the first line's domain kept");
	config_free(&cfg);
	buf_free(&err);
	/* a file larger than CONFIG_FILE_MAX: refused whole, unread */
	{
		size_t	 len = CONFIG_FILE_MAX + 1;
		char	*huge = malloc(len);

		if (huge == NULL)
			exit(2);
		memset(huge, '\n', len);
		memcpy(huge, "my_domain a.example\n", 20);
		n = load_text(huge, len, &cfg, &err);
		is_int(n, 1, "a file of CONFIG_FILE_MAX + 1 bytes: one error");
		is_str(err.data, "t.conf: larger than 1 MiB: "
		    "not read\n", "... it says so");
		is_int(cfg.ndomains, 0, "... and no line of it applies");
		config_free(&cfg);
		buf_free(&err);
		n = load_text(huge, len - 1, &cfg, &err);
		is_int(n, 0, "a file of CONFIG_FILE_MAX bytes: read");
		is_int(cfg.ndomains, 1, "... its line applies");
		config_free(&cfg);
		buf_free(&err);
		free(huge);
	}

	/* a value is checked before it is stored; a line is kept whole or
	 * not at all */
	config_init(&cfg);
	buf_init(&err, 4096);
	ok(config_line(&cfg, "batv_lifetime 1000", "t.conf", 1, &err) == -1,
	    "batv_lifetime 1000: refused");
	is_int(cfg.batv_lifetime, CONFIG_BATV_LIFETIME_DEFAULT,
	    "... and the lifetime is still the default");
	ok(config_line(&cfg, "sent_ledger_expiry 3651", "t.conf", 2, &err) == -1 &&
	    cfg.sent_ledger_expiry == CONFIG_LEDGER_EXPIRY_DEFAULT,
	    "sent_ledger_expiry 3651: refused, not stored");
	ok(config_line(&cfg, "required_score 1001", "t.conf", 3, &err) == -1 &&
	    cfg.required == CONFIG_REQUIRED_DEFAULT,
	    "required_score 1001: refused, not stored");
	ok(config_line(&cfg, "batv_required maybe", "t.conf", 4, &err) == -1 &&
	    cfg.batv_required == 0, "batv_required maybe: refused, not stored");
	ok(config_line(&cfg, "my_domain a.example -bad b.example", "t.conf", 5,
	    &err) == -1 && cfg.ndomains == 0,
	    "my_domain with one bad value: none of the line is kept");
	ok(config_line(&cfg, "my_address a@a.example nobody", "t.conf", 6,
	    &err) == -1 && cfg.naddresses == 0,
	    "my_address with one bad value: none of the line is kept");
	ok(config_line(&cfg, "my_relay 192.0.2.1 192.0.2.0/33 r.example",
	    "t.conf", 7, &err) == -1 && cfg.nrelays == 0,
	    "my_relay with one bad value: none of the line is kept");
	buf_free(&err);
	config_free(&cfg);

	/* words in a line, entries in a list: at the cap and one past it */
	config_init(&cfg);
	buf_init(&err, 4096);
	strcpy(words, "my_domain");
	for (i = 1; i < 64; i++)
		snprintf(words + strlen(words), sizeof(words) - strlen(words),
		    " d%zu.example", i);
	ok(config_line(&cfg, words, "t.conf", 1, &err) == 0 &&
	    cfg.ndomains == 63, "a line of 64 words: read");
	strcat(words, " d64.example");
	ok(config_line(&cfg, words, "t.conf", 2, &err) == -1 &&
	    cfg.ndomains == 63 && strstr(err.data, "t.conf:2: too many words") !=
	    NULL, "65 words: too many, nothing kept");
	for (i = 63; i < 4096; i++) {
		snprintf(line, sizeof(line), "my_domain e%zu.example", i);
		if (config_line(&cfg, line, "t.conf", 3, &err) != 0)
			break;
	}
	is_int(cfg.ndomains, 4096, "4096 domains: all kept");
	ok(config_line(&cfg, "my_domain one-more.example", "t.conf", 4,
	    &err) == -1 && cfg.ndomains == 4096 &&
	    strstr(err.data, "t.conf:4: out of memory or too many entries") !=
	    NULL, "the 4097th: too many entries");
	buf_free(&err);
	config_free(&cfg);

	unlink(rules);
	rmdir(sub);
	unlink(path);
	rmdir(dir);
	return done();
}
