/*
 * tap.h - a tiny TAP producer for the C unit tests.
 *
 *	plan(n);			"1..n" (or plan(0) and done() prints it)
 *	ok(cond, "fmt", ...);		"ok N - label" / "not ok N - label"
 *	is_str(got, want, "fmt", ...);	strings equal (NULL equals only NULL)
 *	is_int(got, want, "fmt", ...);
 *	todo("why"); ...; todo(NULL);	mark tests as TODO (known bugs)
 *	return done();			exit status: 0 when all non-TODO passed
 *
 * Header-only and static: each unit test is one translation unit.
 */
#ifndef BS_TAP_H
#define BS_TAP_H

/* One row of a table-driven test. */
struct tap_case {
	const char	*label;
	const char	*input;
	const char	*want;
};

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define TAP_STATIC	static __attribute__((unused))

static int		 tap_planned = -1;
static int		 tap_run;
static int		 tap_failed;
static const char	*tap_todo;

TAP_STATIC void
plan(int n)
{
	tap_planned = n;
	if (n > 0)
		printf("1..%d\n", n);
}

TAP_STATIC void
todo(const char *why)
{
	tap_todo = why;
}

TAP_STATIC void
diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
TAP_STATIC void
diag(const char *fmt, ...)
{
	va_list	 ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

TAP_STATIC int
tap_vok(int cond, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
TAP_STATIC int
tap_vok(int cond, const char *fmt, va_list ap)
{
	tap_run++;
	printf("%sok %d - ", cond ? "" : "not ", tap_run);
	vprintf(fmt, ap);
	if (tap_todo != NULL)
		printf(" # TODO %s", tap_todo);
	else if (!cond)
		tap_failed++;
	fputc('\n', stdout);
	fflush(stdout);
	return cond;
}

TAP_STATIC int
ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
TAP_STATIC int
ok(int cond, const char *fmt, ...)
{
	va_list	 ap;
	int	 r;

	va_start(ap, fmt);
	r = tap_vok(cond, fmt, ap);
	va_end(ap);
	return r;
}

/* Show a string for a diagnostic: NULL, or quoted with bytes escaped. */
TAP_STATIC void
tap_show(const char *label, const char *s)
{
	const unsigned char	*p;

	printf("#   %s: ", label);
	if (s == NULL) {
		fputs("NULL\n", stdout);
		return;
	}
	fputc('"', stdout);
	for (p = (const unsigned char *)s; *p; p++)
		if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p < ' ' || *p == '"' || *p == '\\')
			printf("\\x%02x", *p);
		else
			fputc(*p, stdout);
	fputs("\"\n", stdout);
}

TAP_STATIC int
is_str(const char *got, const char *want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
TAP_STATIC int
is_str(const char *got, const char *want, const char *fmt, ...)
{
	va_list	 ap;
	int	 r;

	r = (got == NULL && want == NULL) ||
	    (got != NULL && want != NULL && strcmp(got, want) == 0);
	va_start(ap, fmt);
	tap_vok(r, fmt, ap);
	va_end(ap);
	if (!r) {
		tap_show("got ", got);
		tap_show("want", want);
	}
	return r;
}

TAP_STATIC int
is_int(long got, long want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
TAP_STATIC int
is_int(long got, long want, const char *fmt, ...)
{
	va_list	 ap;
	int	 r = got == want;

	va_start(ap, fmt);
	tap_vok(r, fmt, ap);
	va_end(ap);
	if (!r)
		printf("#   got %ld, want %ld\n", got, want);
	return r;
}

TAP_STATIC int
done(void)
{
	if (tap_planned <= 0)
		printf("1..%d\n", tap_run);
	else if (tap_run != tap_planned) {
		diag("planned %d tests, ran %d", tap_planned, tap_run);
		return 1;
	}
	return tap_failed > 0;
}

#endif
