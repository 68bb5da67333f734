/*
 * nullmilter.c - a milter that judges nothing: the floor any libmilter
 * milter stands on behind Postfix.
 *
 *	nullmilter [-f] [-u USER] [-c FILE] -P PIDFILE -p SOCKET
 *
 * It asks Postfix for the same steps without an answer as
 * backscatter-milter (SMFIP_NR_CONN, HELO, MAIL, RCPT, HDR; no HELO,
 * unknown or DATA events) and accepts every message at the end of its
 * header, as backscatter-milter accepts plain mail. bench/milter runs it
 * as the baseline (bench/milter MILTER bench/nullmilter, built there
 * with cc -O2 bench/nullmilter.c -lmilter): what backscatter-milter costs
 * beyond it is its own; what the null milter costs beyond Postfix alone
 * is the milter protocol's and libmilter's. -f, -u and -c are taken and
 * ignored, so that it starts with backscatter-milter's command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#define NO_REPLY	(SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | \
	SMFIP_NR_RCPT | SMFIP_NR_HDR)
#define NOT_SENT	(SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA)

static sfsistat
negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	(void)ctx;
	(void)f0;
	(void)f2;
	(void)f3;
	*pf0 = 0;
	*pf1 = f1 & (NO_REPLY | NOT_SENT);
	*pf2 = *pf3 = 0;
	return SMFIS_CONTINUE;
}

static sfsistat
on_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
	(void)ctx;
	(void)host;
	(void)addr;
	return SMFIS_NOREPLY;
}

static sfsistat
on_address(SMFICTX *ctx, char **argv)
{
	(void)ctx;
	(void)argv;
	return SMFIS_NOREPLY;
}

static sfsistat
on_header(SMFICTX *ctx, char *name, char *value)
{
	(void)ctx;
	(void)name;
	(void)value;
	return SMFIS_NOREPLY;
}

static sfsistat
on_eoh(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_ACCEPT;
}

int
main(int argc, char **argv)
{
	struct smfiDesc	 d;
	const char	*sock = NULL, *pidfile = NULL;
	FILE		*f;
	int		 ch;

	while ((ch = getopt(argc, argv, "fu:c:P:p:")) != -1) {
		if (ch == 'p')
			sock = optarg;
		else if (ch == 'P')
			pidfile = optarg;
		else if (ch == '?')
			return 64;
	}
	if (sock == NULL) {
		fprintf(stderr, "usage: nullmilter [-f] [-u user] [-c file] "
		    "[-P pidfile] -p socket\n");
		return 64;
	}
	if (pidfile != NULL) {
		if ((f = fopen(pidfile, "w")) == NULL)
			return 73;
		fprintf(f, "%ld\n", (long)getpid());
		fclose(f);
	}
	memset(&d, 0, sizeof(d));
	d.xxfi_name = (char *)"nullmilter";
	d.xxfi_version = SMFI_VERSION;
	d.xxfi_negotiate = negotiate;
	d.xxfi_connect = on_connect;
	d.xxfi_envfrom = on_address;
	d.xxfi_envrcpt = on_address;
	d.xxfi_header = on_header;
	d.xxfi_eoh = on_eoh;
	if (smfi_setconn((char *)sock) != MI_SUCCESS ||
	    smfi_register(d) != MI_SUCCESS || smfi_opensocket(1) != MI_SUCCESS) {
		fprintf(stderr, "nullmilter: cannot listen on %s\n", sock);
		return 71;
	}
	fprintf(stderr, "nullmilter: listening on %s\n", sock);
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
