#!/bin/sh
# docs.sh - the manual pages: mandoc -Tlint clean, and every example in
# them is one a test runs: the host recipes are doc/examples/* word for
# word (the hosts-*.sh tests run those files), the default script is
# rules/default.sieve (built in), and the configuration and rule examples
# pass --lint.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

man=$srcdir/doc
# blocks FILE: the .Bd -literal blocks of a page, unescaped, one file each
# in $T/blocks/FILE.N
blocks() {
	mkdir -p "$T/blocks"
	awk -v out="$T/blocks/$(basename "$1")" '
	/^\.Bd -literal/ { n++; inblock = 1; next }
	/^\.Ed/ { inblock = 0; next }
	inblock {
		gsub(/\\e/, "\\"); gsub(/\\&/, "")
		print > (out "." n)
	}' "$1"
}
# shown EXAMPLE: is the example file (its opening comment aside) one of
# the blocks, byte for byte?
shown() {
	sed '/^[^#]/,$!d' "$1" | sed '/./,$!d' > "$T/want"
	for b in "$T/blocks/"*; do
		cmp -s "$T/want" "$b" && return 0
	done
	return 1
}

if command -v mandoc > /dev/null; then
	for page in backscatter.1 backscatter.conf.5 backscatter-rules.5; do
		out=$(mandoc -Tlint -W warning "$man/$page" 2>&1 | grep -v 'mandoc.db')
		is "$out" "" "mandoc -Tlint: $page is clean"
	done
else
	for page in 1 2 3; do ok "# SKIP mandoc is not installed"; done
fi

for page in backscatter.1 backscatter.conf.5 backscatter-rules.5; do
	blocks "$man/$page"
done
for ex in procmailrc procmailrc-test mailfilter dovecot-filter.sieve \
    dovecot-execute.sieve forward deliver.sieve; do
	check "backscatter(1) shows doc/examples/$ex as it is tested" shown "$man/examples/$ex"
done
check "backscatter(1) shows the default script as built in" \
    shown "$srcdir/rules/default.sieve"

# the examples that are commands or files of their own: run them
for b in "$T/blocks/backscatter.conf.5".*; do
	grep -q '^my_domain' "$b" && cp "$b" "$T/backscatter.conf"
	grep -q '^backscatter --lint --config' "$b" && cp "$b" "$T/conf.cmd"
done
HOME=$T bs --lint --config "$T/backscatter.conf" > /dev/null 2> "$T/err"
is "$?" 0 "backscatter.conf(5): the example configuration passes --lint"
[ -s "$T/err" ] && diag "$(cat "$T/err")"
is "$(sed 's|/etc/backscatter/backscatter.conf|FILE|' "$T/conf.cmd")" \
    "backscatter --lint --config FILE" "backscatter.conf(5): the --lint command is the one run here"
for b in "$T/blocks/backscatter-rules.5".*; do
	grep -q '^body' "$b" && cp "$b" "$T/local.cf"
done
HOME=$T bs --lint --rules "$T/local.cf" > /dev/null 2> "$T/err"
is "$?" 0 "backscatter-rules(5): the example rules pass --lint"
[ -s "$T/err" ] && diag "$(cat "$T/err")"
# and a rule of the example fires where it says
printf 'From: MAILER-DAEMON@mx.example\nTo: alice@northwind.example\nSubject: Undelivered Mail Returned to Sender\nContent-Type: text/plain\n\nYour message was rejected by the ACME spam trap.\n' > "$T/trap.eml"
HOME=$T bs --rules "$T/local.cf" --json < "$T/trap.eml" | grep -q '"BS_LOCAL_SPAMTRAP"' &&
    ok "backscatter-rules(5): BS_LOCAL_SPAMTRAP fires on what it describes" ||
    not_ok "backscatter-rules(5): BS_LOCAL_SPAMTRAP fires on what it describes"

done_testing
