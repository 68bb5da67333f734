/*
 * unit-batv.c - BATV tags against vectors Exim computed itself
 * (tests/data/batv/exim-vectors.txt, made by make-vectors.sh with Exim
 * 4.96's ${prvs} and ${prvscheck} at fixed dates), the three address
 * forms, case variants, and the secret file's checks.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "config/config.h"
#include "evidence/batv.h"
#include "tap.h"

static const char *datadir;
static char	 keydir[] = "/tmp/unit-batv-keys.XXXXXX";

static void
load_key(struct config *cfg, const char *num, const char *file)
{
	char		 line[1024];
	struct buf	 err;

	buf_init(&err, 4096);
	snprintf(line, sizeof(line), "batv_key %s %s/%s", num, keydir, file);
	if (config_line(cfg, line, "t.conf", 1, &err) != 0)
		diag("%s", err.data ? err.data : "?");
	buf_free(&err);
}

static void
exim_vectors(void)
{
	char		 path[1024], line[1024], when[32], num[8], file[64];
	char		 addr[400], tagged[400], result[32], out[7];
	struct batv_tag	 t;
	struct config	 cfg;
	const char	*why;
	FILE		*fp;
	int		 days, n = 0;

	snprintf(path, sizeof(path), "%s/exim-vectors.txt", datadir);
	if ((fp = fopen(path, "r")) == NULL) {
		ok(0, "open %s", path);
		return;
	}
	config_init(&cfg);
	load_key(&cfg, "0", "key0.secret");
	load_key(&cfg, "1", "key1.secret");
	load_key(&cfg, "9", "key9.secret");
	ok(cfg.nbatv_keys == 3, "three batv_key lines load");
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "check ", 6) == 0) {
			if (sscanf(line, "check %31s %399s %63s %31s", when,
			    tagged, file, result) != 4)
				continue;
			ok(batv_parse(tagged, &t) == 1, "parse %s", tagged);
			/* One deliberate difference: a tag dated a day ahead
			 * (clock skew between signer and us) is valid here;
			 * Exim agrees except across its day-999 wrap, where
			 * its "flip" hack calls it invalid. */
			if ((t.day - atoll(when) / 86400 % 1000 + 1000) % 1000 ==
			    cfg.batv_lifetime + 1)
				strcpy(result, "valid");
			is_str(batv_status_name(batv_check(&cfg, &t,
			    atoll(when), &days, &why)), strcmp(result, "valid") ?
			    "expired" : "valid", "%s on day %lld: as Exim's "
			    "prvscheck", tagged, atoll(when) / 86400);
			n++;
			continue;
		}
		if (sscanf(line, "%31s %7s %63s %399s %399s", when, num, file,
		    addr, tagged) != 5)
			continue;
		ok(batv_parse(tagged, &t) == 1 && t.form == BATV_PRVS &&
		    strcmp(t.address, addr) == 0, "parse %s", tagged);
		/* our hash, as Exim's ${prvs} made it that day */
		{
			long	 expiry = (atoll(when) / 86400 + 7) % 1000;
			int	 k;

			for (k = 0; k < cfg.nbatv_keys; k++)
				if (cfg.batv_keys[k].number == atoi(num))
					break;
			batv_hash(cfg.batv_keys[k].secret,
			    cfg.batv_keys[k].secret_len, atoi(num),
			    (int)expiry, addr, out);
			is_str(out, t.hash, "HMAC of %s key %s day %ld", addr,
			    num, expiry);
		}
		is_str(batv_status_name(batv_check(&cfg, &t, atoll(when),
		    &days, &why)), "valid", "%s valid the day it was made",
		    tagged);
		n++;
	}
	fclose(fp);
	ok(n >= 24, "%d Exim vectors read", n);
	config_free(&cfg);
}

static void
forms(void)
{
	static const struct {
		const char	*label, *in, *address;
		int		 form;
	} rows[] = {
		{ "prvs=", "prvs=07904e8917=alice@northwind.example",
		    "alice@northwind.example", BATV_PRVS },
		{ "upper-case tag", "PRVS=07904E8917=alice@northwind.example",
		    "alice@northwind.example", BATV_PRVS },
		{ "reversed", "prvs=alice=07904e8917@northwind.example",
		    "alice@northwind.example", BATV_PRVS_REVERSED },
		{ "sub-address", "alice+prvs=07904e8917@northwind.example",
		    "alice@northwind.example", BATV_SUBADDRESS },
		{ "not tagged", "alice@northwind.example", NULL, 0 },
		{ "short tag", "prvs=0790e8917=alice@northwind.example", NULL, 0 },
		{ "non-hex tag", "prvs=07904e89zz=alice@northwind.example",
		    NULL, 0 },
		{ "no local part", "prvs=07904e8917=@northwind.example", NULL, 0 },
		{ "plus detail only", "alice+lists@northwind.example", NULL, 0 },
		{ "SRS is not BATV", "SRS0=HHH=TT=example.org=bob@fwd.example",
		    NULL, 0 },
	};
	struct batv_tag	 t;
	size_t		 i;
	int		 r;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		r = batv_parse(rows[i].in, &t);
		if (rows[i].address == NULL) {
			ok(r == 0, "%s: not a tag", rows[i].label);
			continue;
		}
		ok(r == 1 && strcmp(t.address, rows[i].address) == 0 &&
		    (int)t.form == rows[i].form && t.key == 0 && t.day == 790 &&
		    strcmp(t.hash, "4e8917") == 0, "%s", rows[i].label);
	}
}

static void
checks(void)
{
	struct config	 cfg;
	struct batv_tag	 t;
	const char	*why;
	int		 days;
	long long	 made = 1709294400;	/* Exim made 07904e8917 then */

	config_init(&cfg);
	load_key(&cfg, "0", "key0.secret");
	/* the reversed and sub-address forms hash the same address */
	batv_parse("prvs=alice=07904e8917@northwind.example", &t);
	is_int(batv_check(&cfg, &t, made, &days, &why), BATV_VALID,
	    "reversed form validates");
	batv_parse("alice+prvs=07904e8917@northwind.example", &t);
	is_int(batv_check(&cfg, &t, made, &days, &why), BATV_VALID,
	    "sub-address form validates");
	batv_parse("prvs=07904e8917=Alice@NorthWind.Example", &t);
	is_int(batv_check(&cfg, &t, made, &days, &why), BATV_VALID,
	    "case changed in transit: still ours");
	batv_parse("prvs=07904e8917=mallory@northwind.example", &t);
	is_int(batv_check(&cfg, &t, made, &days, &why), BATV_BAD,
	    "a tag copied onto another address is bad");
	batv_parse("prvs=07904e8918=alice@northwind.example", &t);
	is_int(batv_check(&cfg, &t, made, &days, &why), BATV_BAD,
	    "one hex digit off is bad");
	batv_parse("prvs=37904e8917=alice@northwind.example", &t);
	is_int(batv_check(&cfg, &t, made, &days, &why), BATV_BAD,
	    "an unknown key number is bad");
	batv_parse("prvs=07904e8917=alice@northwind.example", &t);
	is_int(batv_check(&cfg, &t, made + 8 * 86400, &days, &why),
	    BATV_EXPIRED, "eight days on: expired");
	is_int(days, 1, "... one day ago");
	is_int(batv_check(&cfg, &t, made + 7 * 86400, &days, &why),
	    BATV_VALID, "seven days on: still valid (Exim agrees)");
	is_int(batv_check(&cfg, &t, made + 1000LL * 86400, &days, &why),
	    BATV_VALID, "1000 days on the day wraps (a known BATV limit)");
	config_free(&cfg);
}

static void
secret_file(void)
{
	char		 path[] = "/tmp/unit-batv.XXXXXX", line[256];
	struct config	 cfg;
	struct buf	 err;
	int		 fd;

	if ((fd = mkstemp(path)) == -1) {
		ok(0, "mkstemp");
		return;
	}
	if (write(fd, "topsecret\n", 10) != 10)
		ok(0, "write");
	close(fd);
	snprintf(line, sizeof(line), "batv_key 2 %s", path);
	chmod(path, 0644);
	config_init(&cfg);
	buf_init(&err, 4096);
	ok(config_line(&cfg, line, "t.conf", 3, &err) == -1 && err.data &&
	    strstr(err.data, "t.conf:3:") && strstr(err.data,
	    "readable by everyone"), "a world-readable secret is an error");
	config_free(&cfg);
	chmod(path, 0640);
	config_init(&cfg);
	buf_reset(&err);
	ok(config_line(&cfg, line, "t.conf", 3, &err) == 0 &&
	    cfg.nbatv_keys == 1 && cfg.batv_keys[0].secret_len == 9,
	    "a group-readable secret loads, its first line only");
	ok(config_line(&cfg, line, "t.conf", 4, &err) == -1,
	    "the same key number twice is an error");
	config_free(&cfg);
	config_init(&cfg);
	buf_reset(&err);
	ok(config_line(&cfg, "batv_key 10 /nonexistent", "t.conf", 5,
	    &err) == -1, "key number 10 is an error");
	ok(config_line(&cfg, "batv_key 1 /nonexistent/secret", "t.conf", 6,
	    &err) == -1, "a missing secret file is an error");
	ok(config_line(&cfg, "batv_required maybe", "t.conf", 7, &err) == -1,
	    "batv_required takes yes or no");
	ok(config_line(&cfg, "batv_required yes", "t.conf", 8, &err) == 0 &&
	    cfg.batv_required == 1, "batv_required yes");
	ok(config_line(&cfg, "batv_lifetime 14", "t.conf", 9, &err) == 0 &&
	    cfg.batv_lifetime == 14, "batv_lifetime 14");
	config_free(&cfg);
	buf_free(&err);
	unlink(path);
}

int
main(void)
{
	static char	 dir[1024];
	const char	*top = getenv("top_srcdir");

	snprintf(dir, sizeof(dir), "%s/tests/data/batv", top ? top : ".");
	datadir = dir;
	/* git and tarballs do not keep modes, and a secret must not be
	 * world-readable: use private copies */
	{
		static const char *const f[] = { "key0.secret", "key1.secret",
		    "key9.secret" };
		char	 from[1100], to[1100], data[256];
		size_t	 i, n;
		FILE	*in, *out;

		if (mkdtemp(keydir) == NULL)
			return 99;
		for (i = 0; i < 3; i++) {
			snprintf(from, sizeof(from), "%s/%s", dir, f[i]);
			snprintf(to, sizeof(to), "%s/%s", keydir, f[i]);
			if ((in = fopen(from, "r")) == NULL ||
			    (out = fopen(to, "w")) == NULL)
				return 99;
			n = fread(data, 1, sizeof(data), in);
			fwrite(data, 1, n, out);
			fclose(in);
			fclose(out);
			chmod(to, 0600);
		}
	}
	plan(0);
	exim_vectors();
	forms();
	checks();
	secret_file();
	{
		char	 cmd[200];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", keydir);
		if (system(cmd) != 0)
			diag("could not remove %s", keydir);
	}
	return done();
}
