#!/bin/sh
# docs.sh - the manual pages and the README: mandoc -Tlint clean and
# groff (Debian's man) without a warning; what the pages list matches the
# program (options, directives, eval functions, exit codes, limits,
# evidence scores); and every example in them is one a test runs: the
# host recipes of the README and backscatter(1) are run by hosts-*.sh
# straight from the documents (tests/doclib.sh), doc/examples/* are those
# recipes word for word, the default script is rules/default.sieve
# (built in), the configuration and rule examples pass --lint and do what
# they say, the --record-sent wrapper, the cron line, the --scan sessions
# and the README's commands are run here, and the MTA set-up lines are run
# through Exim and Postfix's own tools.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$srcdir/tests/doclib.sh"

man=$docdir
# example NAME: doc/examples/NAME, made in the build tree when it names an
# installed path
example() {
	if [ -f "$docdir/examples/$1" ]; then echo "$docdir/examples/$1"
	else echo "$srcdir/doc/examples/$1"; fi
}
d=$srcdir/tests/data
tab=$(printf '\t')

# shown EXAMPLE: is the example file one of backscatter(1)'s blocks, byte
# for byte:
# whole, without its opening comment, or its #! line and the rest
# without the opening comment?
shown() {
	sed '/^[^#]/,$!d' "$1" | sed '/./,$!d' > "$T/want1"
	{ sed -n '1{/^#!/p;}' "$1"; cat "$T/want1"; } > "$T/want2"
	for b in "$T/blocks/backscatter.1".*; do
		cmp -s "$1" "$b" || cmp -s "$T/want1" "$b" ||
		    cmp -s "$T/want2" "$b" || continue
		return 0
	done
	return 1
}
# starting PAGE LINE: the blocks of PAGE whose first line is LINE
starting() {
	for b in "$T/blocks/$1".*; do
		[ "$(head -n 1 "$b")" = "$2" ] && echo "$b"
	done
}
# section PAGE NAME: the source lines of a section (.Sh) of a page
section() {
	awk -v name="$2" '/^\.Sh / { on = ($0 == ".Sh " name); next } on' "$man/$1"
}
# fired FILE [OPTIONS]: "verdict RULE,RULE" from --json
fired() {
	f=$1; shift
	bs "$@" --json < "$f" | python3 -c '
import json, sys
j = json.load(sys.stdin)
print(("backscatter " if j["backscatter"] else "ok ") +
      ",".join(t["name"] for t in j["tests"]))'
}

# --- the pages render without a warning ----------------------------------

# renders TOOL PACKAGE HOW COMMAND...: each page run through COMMAND (the
# page's path last) prints nothing, or SKIP when TOOL is not installed
renders() {
	tool=$1 package=$2 how=$3; shift 3
	for page in backscatter.1 backscatter.conf.5 backscatter-rules.5 backscatter-milter.8; do
		if ! command -v "$tool" > /dev/null; then
			ok "# SKIP $tool is not installed${package:+ (Debian: $package)}"
			continue
		fi
		# with the default prefix: a long one (distcheck's) makes
		# lines groff cannot break, a property of that prefix only
		prefix=${bindir:+${bindir%/bin}}
		if [ -n "$prefix" ] && [ "$prefix" != /usr/local ]; then
			sed "s|$prefix/|/usr/local/|g" "$man/$page" > "$T/$page"
		else
			cp "$man/$page" "$T/$page"
		fi
		out=$("$@" "$T/$page" 2>&1 | grep -v 'mandoc.db')
		is "$out" "" "$how: $page"
	done
}
renders mandoc "" "mandoc -Tlint -W warning: clean" mandoc -Tlint -W warning
# groff, as man(1) on Debian renders the pages: mandoc -Tlint does not
# see what groff's mdoc macros choke on (a macro name inside %T)
renders groff groff-base "groff -mandoc -ww -z -t: no warning" \
    groff -mandoc -ww -z -t
# man prints the page: only what it says on stderr counts
man_warnings() { MANWIDTH=80 man --warnings=w -l "$1" 2>&1 > /dev/null; }
renders man man-db "man --warnings -l: no warning" man_warnings

doc_blocks
for ex in procmailrc procmailrc-test mailfilter dovecot.conf dovecot-filter.sieve \
    dovecot-execute.sieve forward deliver.sieve sendmail-record crontab; do
	check "backscatter(1) shows doc/examples/$ex as it is tested" shown "$(example $ex)"
done
check "backscatter(1) shows the default script as built in" \
    shown "$srcdir/rules/default.sieve"

# --- what the pages list is what the program has --------------------------

# every long option of main.c is an item of backscatter(1), and --help
# names no option the page does not
opts=$(sed -n 's/^[[:space:]]*{ "\([a-z-]*\)",.*/\1/p' "$srcdir/src/cli/main.c")
missing=
for o in $opts; do
	grep -q "^\.It Fl -$o\( \|$\)" "$man/backscatter.1" || missing="$missing --$o"
done
is "$missing" "" "backscatter(1) describes every option of src/cli/main.c"
missing=
for o in $(bs --help | grep -o -- '--[a-z-]*' | sort -u); do
	grep -q "Fl ${o#-}\( \|$\)" "$man/backscatter.1" || missing="$missing $o"
done
is "$missing" "" "backscatter(1) has every option --help shows"

# every directive of config.c's table is an item of backscatter.conf(5),
# and every item there is a directive of the table
dirs=$(sed -n '/^static const struct directive directives\[\]/,/^};/s/^[[:space:]]*{ "\([a-z_]*\)",.*/\1/p' \
    "$srcdir/src/config/config.c" | sort -u)
docd=$(sed -n 's/^\.It Ic \([a-z_]*\).*/\1/p' "$man/backscatter.conf.5" | sort -u)
is "$docd" "$dirs" "backscatter.conf(5) describes exactly the directives of src/config/config.c"
check "directives[] was read from src/config/config.c ($(echo $dirs | wc -w) directives)" \
    test "$(echo $dirs | wc -w)" -ge 14

# the eval functions: origin_evals[] in src/evidence/origin.c, and the page
evals=$(sed -n '/^const struct origin_eval origin_evals\[\]/,/^};/s/^[[:space:]]*{ "\([a-z_]*\)",.*/\1/p' \
    "$srcdir/src/evidence/origin.c" | sort)
doce=$(sed -n 's/^\.It Fn \([a-z_]*\).*/\1/p' "$man/backscatter-rules.5" | sort)
is "$doce" "$evals" "backscatter-rules(5) describes exactly the eval functions of src/evidence/origin.c"
[ -n "$evals" ] || not_ok "origin_evals[] was found in src/evidence/origin.c"

# EXIT STATUS: each mode's row names the code main.c's modes[] gives
# on an error; the bad-options row names 64 and every mode that differs
exitrows=$(section backscatter.1 "EXIT STATUS" | awk '
	/^\.It / { if (row != "") print row; row = $0; next }
	/^\.El/ { if (row != "") print row; row = ""; exit }
	row != "" { row = row " " $0 }')
code() { case $1 in EX_OK) echo 0;; EX_NOT) echo 1;; EX_ERROR) echo 2;;
	EX_USAGE) echo 64;; EX_TEMPFAIL) echo 75;; EX_CONFIG) echo 78;; esac; }
usage_row=$(printf '%s\n' "$exitrows" | grep '^\.It bad options')
bad=
n=0
while read -r name on_error on_usage; do
	n=$((n + 1))
	case $name in
	filter) row=$(printf '%s\n' "$exitrows" | grep '^\.It filter ');;
	*) row=$(printf '%s\n' "$exitrows" | grep -v '^\.It bad options' |
	    grep -- "^\.It .*Fl -$name\( \|$\)");;
	esac
	e=$(code "$on_error") u=$(code "$on_usage")
	printf '%s\n' "$row" | grep -Eq "(^|[^0-9])$e([^0-9]|$)" || bad="$bad $name:$e"
	if [ "$u" != 64 ]; then
		printf '%s\n' "$usage_row" | grep -q -- "Fl -$name Pq $u" || bad="$bad $name:usage-$u"
	fi
done <<EOF
$(sed -n 's/^[[:space:]]*\[MODE_[A-Z_]*\][[:space:]]*= { "\([a-z-]*\)",[[:space:]]*\(EX_[A-Z]*\),[[:space:]]*\(EX_[A-Z]*\),.*/\1 \2 \3/p' "$srcdir/src/cli/main.c")
EOF
printf '%s\n' "$usage_row" | grep -q 'Ta 64 ' || bad="$bad bad-options:64"
is "$bad" "" "EXIT STATUS matches modes[] in src/cli/main.c"
check "modes[] was read from src/cli/main.c ($n modes)" test "$n" -ge 9

# LIMITS: every limit of src/base/limits.h, with its value
bad=
n=0
while read -r name value; do
	n=$((n + 1))
	want=$(( $(printf '%s' "$value" | tr -d 'uUlL()') ))
	row=$(section backscatter.1 LIMITS | grep "^\.It $name Ta ")
	got=$(printf '%s\n' "$row" | sed 's/^\.It [A-Z_]* Ta //; s/ Ta .*//')
	case $name in *_KB) got=${got% KiB};; esac
	case $got in
	*' GiB') got=$(( ${got% GiB} * 1024 * 1024 * 1024 ));;
	*' MiB') got=$(( ${got% MiB} * 1024 * 1024 ));;
	*' KiB') got=$(( ${got% KiB} * 1024 ));;
	*' s') got=${got% s};;
	*' ms') got=${got% ms};;
	esac
	[ "$got" = "$want" ] || bad="$bad $name($got!=$want)"
done <<EOF
$(sed -n 's/^#define \([A-Z][A-Z0-9_]*\)[[:space:]]\{1,\}\(.*\)$/\1 \2/p' "$srcdir/src/base/limits.h")
EOF
is "$bad" "" "LIMITS lists every limit of src/base/limits.h with its value"
check "limits were read from src/base/limits.h ($n)" test "$n" -ge 60

# the rule tables of backscatter.conf(5) and backscatter-rules(5): the
# shipped scores
for page in backscatter.conf.5 backscatter-rules.5; do
	bad= n=0
	for r in $(sed -n 's/^\.It \(BS_[A-Z_]*\) Ta .*/\1/p' "$man/$page"); do
		n=$((n + 1))
		doc=$(sed -n "s/^\.It $r Ta \([^ ]*\) Ta.*/\1/p" "$man/$page" | sed 's/\\-/-/')
		shipped=$(cat "$srcdir"/rules/*.cf | awk -v r="$r" '$1 == "score" && $2 == r { s = $3 } END { print s }')
		[ "$doc" = "$shipped" ] || bad="$bad $r($doc!=$shipped)"
	done
	is "$bad:$([ "$n" -gt 0 ] && echo tables)" ":tables" "$page: the rules in its tables have their shipped scores"
done

# every rule a page or the README names is a shipped one (BS_LOCAL_*:
# a user's, as the pages' examples define them): a name copied from an
# example into a score line or a filter must exist
names=$(cat "$srcdir"/rules/*.cf | awk '$1 != "#" && $2 ~ /^BS_/ { print $2 }' | sort -u)
bad=
for r in $(cat "$srcdir/README" "$srcdir"/doc/*.in | grep -o '\<BS_[A-Z0-9_]*[A-Z0-9]' | sort -u); do
	case $r in BS_LOCAL_*) continue ;; esac
	printf '%s\n' "$names" | grep -qx "$r" || bad="$bad $r"
done
is "$bad" "" "every rule README and the pages name is shipped (or BS_LOCAL_*)"

# --- backscatter.conf(5): the examples ------------------------------------

cfg=$HOME/.config/backscatter
mkdir -p "$cfg"
# lint BLOCK: the block as the user configuration, with the files it
# names beside it; --config keeps the system file out of the test
lint() {
	cp "$1" "$cfg/config"
	bs --lint --config "$cfg/config" > /dev/null 2> "$T/err"
}

conf=$(starting backscatter.conf.5 "# $sysconfdir/backscatter/backscatter.conf")
lint "$conf"
is "$?" 0 "backscatter.conf(5): the example configuration passes --lint"
[ -s "$T/err" ] && diag "$(cat "$T/err")"
is "$(sed "s|$sysconfdir/backscatter/backscatter.conf|FILE|" \
    "$(starting backscatter.conf.5 "backscatter --lint --config $sysconfdir/backscatter/backscatter.conf")")" \
    "backscatter --lint --config FILE" "backscatter.conf(5): the --lint command is the one run here"

# BATV: the secret is made as shown (openssl), private; Exim's copy by
# install, with this test's paths and group
secret=$(starting backscatter.conf.5 "umask 077")
if command -v openssl > /dev/null; then
	(cd "$T" && sh -e "$secret")
	is "$?" 0 "backscatter.conf(5): the BATV secret commands run"
	is "$(stat -c %a "$cfg/batv.secret") $(head -n 1 "$cfg/batv.secret" | wc -c)" \
	    "600 65" "the secret is private, 64 bytes (Exim's most) and a line end"
	mkdir -p "$T/exim4"
	sed -e "s|/etc/exim4/|$T/exim4/|g" -e "s|~alice|$HOME|g" \
	    -e "s|Debian-exim|$(id -gn)|" \
	    "$(starting backscatter.conf.5 "install -m 640 -g Debian-exim ~alice/.config/backscatter/batv.secret /etc/exim4/batv.secret")" |
	    sh -e
	check "Exim's copy is the same secret, mode 640" sh -c \
	    "cmp -s '$cfg/batv.secret' '$T/exim4/batv.secret' && test \$(stat -c %a '$T/exim4/batv.secret') = 640"
else
	for i in 1 2 3; do ok "# SKIP openssl is not installed"; done
fi

# the functional checks below need Exim's test secret in its place
cp "$d/batv/key0.secret" "$cfg/batv.secret" && chmod 600 "$cfg/batv.secret"
batvconf=$(starting backscatter.conf.5 "# ~/.config/backscatter/config" |
    while read -r b; do grep -q '^batv_key' "$b" && echo "$b"; done)
lint "$batvconf"
is "$?" 0 "backscatter.conf(5): the BATV configuration passes --lint"
[ -s "$T/err" ] && diag "$(cat "$T/err")"
# and does what it says, with a secret and tag Exim made
# (tests/data/batv/exim-vectors.txt: key 0, day 19783)
tag=prvs=07904e8917=alice@northwind.example
sed -e "s/@DELIVERED@/$tag/g" -e "s/@RETURN_PATH@/$tag/g" "$d/batv/bounce.eml.in" > "$T/tagged.eml"
sed -e "s/@DELIVERED@/alice@northwind.example/g" -e "s/@RETURN_PATH@/alice@northwind.example/g" \
    "$d/batv/bounce.eml.in" > "$T/untagged.eml"
BACKSCATTER_NOW=1709294400 fired "$T/tagged.eml" --config "$cfg/config" > "$T/got"
check "BATV example: a bounce to our Exim tag is legitimate (BS_BATV_VALID)" \
    grep -q '^ok .*BS_BATV_VALID' "$T/got"
BACKSCATTER_NOW=1709294400 fired "$T/untagged.eml" --config "$cfg/config" > "$T/got"
check "BATV example: batv_required makes an untagged bounce backscatter" \
    grep -q '^backscatter .*BS_BATV_MISSING' "$T/got"

# Exim's own ${prvs}, with the page's lines: the tag it makes for a
# sender is one backscatter takes as ours; the null sender stays null
exim=${EXIM:-$(command -v exim4 || command -v exim || true)}
if [ -n "$exim" ] && [ -x "${exim%% *}" ]; then
	eximblock=$(starting backscatter.conf.5 "# main section")
	sed -n '/^BATV_SECRET/p' "$eximblock" | sed "s|/etc/exim4/|$T/exim4/|" > "$T/exim.conf"
	cp "$d/batv/key0.secret" "$T/exim4/batv.secret" 2> /dev/null ||
	    { mkdir -p "$T/exim4" && cp "$d/batv/key0.secret" "$T/exim4/batv.secret"; }
	expr=$(sed -n 's/^return_path = //p' "$eximblock")
	got=$($exim -C "$T/exim.conf" -be "$(printf '%s' "$expr" |
	    sed 's/\$return_path/alice@northwind.example/g')")
	# Exim tags with today's day: the bounce is dated today as well (a
	# tag from another 1000-day cycle than the mail's Date is expired)
	sed -e "s/@DELIVERED@/$got/g" -e "s/@RETURN_PATH@/$got/g" \
	    -e "s/^Date: .*/Date: $(LC_ALL=C date -R)/" "$d/batv/bounce.eml.in" > "$T/exim.eml"
	fired "$T/exim.eml" --config "$cfg/config" > "$T/got"
	check "Exim example: the tag Exim makes ($got) is valid here" grep -q '^ok .*BS_BATV_VALID' "$T/got"
	got=$($exim -C "$T/exim.conf" -be "$(printf '%s' "$expr" | sed 's/\$return_path//g')")
	is "$got" "" "Exim example: the null sender is not tagged"
else
	# Debian installs Exim only instead of Postfix: .ci/run unpacks one
	for i in 1 2; do ok "# SKIP Exim is not installed (Debian: not beside Postfix; set EXIM to an exim4 binary, as .ci/run does)"; done
fi

# Postfix: main.cf through postconf, the map through postmap
if command -v postconf > /dev/null && command -v postmap > /dev/null; then
	mkdir -p "$T/postfix" && : > "$T/postfix/master.cf"
	cp "$(starting backscatter.conf.5 "# /etc/postfix/main.cf")" "$T/postfix/main.cf"
	is "$(postconf -c "$T/postfix" -h recipient_delimiter recipient_canonical_maps 2>&1)" \
	    "+
regexp:/etc/postfix/batv-strip" "Postfix example: postconf reads main.cf"
	cp "$(starting backscatter.conf.5 "# /etc/postfix/batv-strip")" "$T/batv-strip"
	is "$(postmap -q "$tag" "regexp:$T/batv-strip" 2>&1)" alice@northwind.example \
	    "Postfix example: the map strips the tag"
	is "$(postmap -q PRVS=07904E8917=Alice@northwind.example "regexp:$T/batv-strip" 2>&1)" \
	    Alice@northwind.example "Postfix example: in any case"
	postmap -q alice@northwind.example "regexp:$T/batv-strip" > "$T/got" 2>&1
	is "$?:$(cat "$T/got")" "1:" "Postfix example: an untagged address is left alone"
else
	for i in 1 2 3 4; do ok "# SKIP Postfix is not installed"; done
fi

ledgerconf=$(starting backscatter.conf.5 "# ~/.config/backscatter/config" |
    while read -r b; do grep -q '^sent_ledger ' "$b" && echo "$b"; done)
lint "$ledgerconf"
is "$?" 0 "backscatter.conf(5): the sent ledger configuration passes --lint"
[ -s "$T/err" ] && diag "$(cat "$T/err")"
ledger=$HOME/.local/state/backscatter/sent.db
check "the ledger example's path is the default, in \$HOME" \
    grep -q '^sent_ledger  *~/.local/state/backscatter/sent.db$' "$ledgerconf"

# DKIM: the key made as shown; the .txt and the PEM both read
dkimconf=$(starting backscatter.conf.5 "# ~/.config/backscatter/config" |
    while read -r b; do grep -q '^my_dkim_key' "$b" && echo "$b"; done)
if command -v opendkim-genkey > /dev/null && command -v openssl > /dev/null; then
	(cd "$cfg" && sh -e "$(starting backscatter.conf.5 "opendkim-genkey -b 2048 -d northwind.example -s mail2025")") 2> "$T/err"
	is "$?" 0 "backscatter.conf(5): the DKIM key commands run"
	lint "$dkimconf"
	is "$?" 0 "backscatter.conf(5): the DKIM configuration passes --lint with opendkim-genkey's .txt"
	[ -s "$T/err" ] && diag "$(cat "$T/err")"
	sed 's/mail2025\.txt$/mail2025.pem/' "$dkimconf" > "$T/dkim-pem"
	lint "$T/dkim-pem"
	is "$?" 0 "and with the PEM file made from the private key"
else
	for i in 1 2 3; do ok "# SKIP opendkim-genkey or openssl is not installed"; done
fi
# --- the README -----------------------------------------------------------

# the commands the examples name find this backscatter first
mkdir -p "$T/bin"
printf '#!/bin/sh\nexec %s "%s" "$@"\n' "${VALGRIND:-}" "$BACKSCATTER" > "$T/bin/backscatter"
chmod +x "$T/bin/backscatter"

# its configuration lines pass --lint
readme_conf=$(blocks_with '^my_domain ' README)
is "$(echo $readme_conf | wc -w)" 1 "README: one block of configuration lines"
lint "${readme_conf:-/dev/null}"
is "$?" 0 "README: the configuration lines pass --lint"
[ -s "$T/err" ] && diag "$(cat "$T/err")"
# the proof lines, with the files backscatter.conf(5)'s commands made
# beside them (its BATV secret, opendkim-genkey's .txt)
readme_proof=$(blocks_with '^batv_key ' README)
check "README: ... and a block of proof lines" grep -q '^my_dkim_key' "${readme_proof:-/dev/null}"
if [ -f "$cfg/mail2025.txt" ]; then
	lint "$readme_proof"
	is "$?" 0 "README: the proof configuration lines pass --lint"
	[ -s "$T/err" ] && diag "$(cat "$T/err")"
else
	ok "# SKIP opendkim-genkey or openssl is not installed: no key for README's proof lines"
fi
rm -f "$cfg/config"

# the quick start installs every program make check runs: the build's,
# the tests' tools (time, pgrep, strace: not in a minimal Debian), the
# pages' commands (openssl, opendkim-genkey), the man pages' renderers
# and the real hosts the recipes are run in (Exim aside: Debian installs
# it only instead of Postfix)
quick=$(blocks_with '^apt-get update && ' README)
bad=
for pkg in build-essential autoconf automake pkg-config libpcre2-dev libsieve2-dev \
    liblmdb-dev nettle-dev libopendkim-dev python3 time procps strace mandoc man-db \
    openssl opendkim-tools procmail maildrop dovecot-core dovecot-sieve postfix; do
	grep -q " $pkg\( \|$\)" "${quick:-/dev/null}" || bad="$bad $pkg"
done
is "$bad" "" "README: the quick start installs what make check runs"
check "README: ... answers Postfix's question without asking (Local only)" \
    grep -q "postfix/main_mailer_type select Local only' | debconf-set-selections && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends " "${quick:-/dev/null}"
check "README: ... builds, then runs the program on the example bounce" \
    grep -q ' && autoreconf -fi && ./configure && make -j$(nproc) && src/backscatter --explain < examples/bounce-backscatter.eml$' "${quick:-/dev/null}"
check "README: the second command is make check, a job per CPU" \
    test "$(cat "$(blocks_with '^make .*check$' README)")" = 'make -j$(nproc) check'

# the --scan commands, in a Maildir with a legitimate bounce and a
# backscatter bounce
mkdir -p "$HOME/Maildir/cur" "$HOME/Maildir/new" "$HOME/Maildir/tmp"
cp "$srcdir/examples/bounce-legit.eml" "$HOME/Maildir/cur/1732690000.M1P1.mx:2,S"
cp "$srcdir/examples/bounce-backscatter.eml" "$HOME/Maildir/new/1732690001.M2P1.mx"
scan=$(blocks_with '^backscatter --scan .* ~/Maildir$' README)
n=0
while read -r cmd; do
	n=$((n + 1))
	out=$(PATH=$T/bin:$PATH sh -c "$cmd" 2>&1)
	is "$?" 0 "README: $cmd: exit 0"
	case $cmd in
	*--summary*) check "README: ... counts the two messages" \
	    sh -c "printf '%s\n' \"\$1\" | grep -q '^messages: 2 in '" sh "$out";;
	esac
done < "${scan:-/dev/null}"
is "$n" 2 "README: two --scan commands, both run"
check "README: the backscatter is moved to .Backscatter" \
    test -f "$HOME/Maildir/.Backscatter/new/1732690001.M2P1.mx"
check "README: ... and the legitimate bounce stays" \
    test -f "$HOME/Maildir/cur/1732690000.M1P1.mx:2,S"
rm -rf "$HOME/Maildir"

# --- backscatter(1): the sent ledger --------------------------------------

# a sendmail that keeps what it was given, and exits $FAKE_RC
printf '#!/bin/sh\nprintf "%%s\\n" "$*" > "%s/sent.args"\ncat > "%s/sent.eml"\nexit ${FAKE_RC:-0}\n' \
    "$T" "$T" > "$T/bin/sendmail"
chmod +x "$T/bin/backscatter" "$T/bin/sendmail"
sed "s|/usr/sbin/sendmail|$T/bin/sendmail|" "$(example sendmail-record)" > "$T/sendmail-record"
chmod +x "$T/sendmail-record"
# its temporary files go here, to see none is left
mkdir -p "$T/tmp"
export TMPDIR=$T/tmp

rm -rf "$HOME/.local"
check "before: the bounce of our message is not known as ours" \
    sh -c "! ( '$BACKSCATTER' --json < '$d/ledger/bounce.eml' | grep -q BS_SENT_LEDGER )"
PATH=$T/bin:$PATH "$T/sendmail-record" -oi -oem rachel@retail.example < "$d/ledger/sent-ours.eml" 2> "$T/err"
is "$?" 0 "sendmail-record: exit 0 when sendmail sends"
check "sendmail-record: sendmail got the message byte for byte" cmp -s "$d/ledger/sent-ours.eml" "$T/sent.eml"
is "$(cat "$T/sent.args")" "-oi -oem rachel@retail.example" "sendmail-record: and its arguments"
check "sendmail-record: the ledger was made" test -f "$ledger"
fired "$d/ledger/bounce.eml" > "$T/got"
check "sendmail-record: a bounce of the message is now ours (BS_SENT_LEDGER)" grep -q BS_SENT_LEDGER "$T/got"
# a Bcc, in the envelope only, with the options a mail client gives
sed 's/rachel@retail.example/bcc@hidden.example/' "$d/ledger/bounce.eml" > "$T/bcc-bounce.eml"
is "$("$BACKSCATTER" --json < "$T/bcc-bounce.eml" | python3 -c 'import json, sys
print(json.load(sys.stdin)["evidence"]["sent_ledger"]["recipient"])')" other \
    "sendmail-record: before, a bounce by a Bcc recipient: recorded for others"
PATH=$T/bin:$PATH "$T/sendmail-record" -oi -oem -f alice@northwind.example -- rachel@retail.example bcc@hidden.example \
    < "$d/ledger/sent-ours.eml" 2> "$T/err"
is "$?:$(cat "$T/err")" "0:" "sendmail-record: sendmail's options handed on, nothing said"
is "$("$BACKSCATTER" --json < "$T/bcc-bounce.eml" | python3 -c 'import json, sys
print(json.load(sys.stdin)["evidence"]["sent_ledger"]["recipient"])')" match \
    "sendmail-record: ... the Bcc recipient in the envelope recorded"
FAKE_RC=75 PATH=$T/bin:$PATH "$T/sendmail-record" x@example.org < "$d/ledger/sent-ours.eml" 2> /dev/null
is "$?" 75 "sendmail-record: sendmail's exit status is the wrapper's"
# a ledger that cannot be written never stops the mail
mkdir -p "$HOME/.config/backscatter"
printf 'sent_ledger /dev/null/sent.db\n' > "$HOME/.config/backscatter/config"
rm -f "$T/sent.eml"
PATH=$T/bin:$PATH "$T/sendmail-record" x@example.org < "$d/ledger/sent-ours.eml" 2> "$T/err"
is "$?" 0 "sendmail-record: an unwritable ledger still sends"
check "sendmail-record: ... the whole message" cmp -s "$d/ledger/sent-ours.eml" "$T/sent.eml"
rm -f "$HOME/.config/backscatter/config"
is "$(ls "$T/tmp" | wc -l | tr -d ' ')" 0 "sendmail-record: no temporary file is left"
unset TMPDIR

# the cron line, run as cron runs it (sh -c, HOME set)
rm -rf "$HOME/.local"
mkdir -p "$HOME/Maildir/.Sent/cur" "$HOME/Maildir/.Sent/new" "$HOME/Maildir/.Sent/tmp"
cp "$d/ledger/sent-ours.eml" "$HOME/Maildir/.Sent/cur/1732690000.M1P1.mx:2,S"
cmd=$(grep -v '^#' "$(example crontab)" | sed 's/^\([^ ]* *\)\{5\}//')
case $cmd in
"$bindir/backscatter --learn-sent "*) ok "the cron line runs --learn-sent";;
*) not_ok "the cron line runs --learn-sent"; diag "$cmd";;
esac
cmd=$(printf '%s' "$cmd" | sed "s|$bindir/backscatter|$T/bin/backscatter|")
out=$(sh -c "$cmd" 2>&1)
is "$?:$out" "0:" "the cron line: exit 0, nothing to mail"
fired "$d/ledger/bounce.eml" > "$T/got"
check "the cron line: the Sent folder's Message-ID is learnt" grep -q BS_SENT_LEDGER "$T/got"
is "$(sh -c "${cmd% > /dev/null}")" "$HOME/Maildir/.Sent: 0 new messages, 0 Message-IDs recorded" \
    "the cron line: the next run reads nothing again"
rm -rf "$HOME/.local" "$HOME/Maildir"

# --- backscatter(1): the --scan sessions ----------------------------------

# the Maildir the examples describe: a legitimate bounce, read, and a
# new backscatter bounce
mkdir -p "$HOME/Maildir/cur" "$HOME/Maildir/new" "$HOME/Maildir/tmp"
cp "$srcdir/examples/bounce-legit.eml" "$HOME/Maildir/cur/1732690000.M1P1.mx:2,S"
cp "$srcdir/examples/bounce-backscatter.eml" "$HOME/Maildir/new/1732690001.M2P1.mx"
# the timing of --summary differs from run to run
timing() { sed 's/^\(messages: [0-9]* in \)[0-9.]*s ([0-9]*\/s)$/\1Ts (N\/s)/'; }
n=0
for b in "$T/blocks/backscatter.1".*; do
	case $(head -n 1 "$b") in
	'$ backscatter --scan'*) ;;
	*) continue;;
	esac
	n=$((n + 1))
	cmd=$(head -n 1 "$b" | cut -c3-)
	tail -n +2 "$b" | timing > "$T/want"
	PATH=$T/bin:$PATH sh -c "$cmd" 2> "$T/err" | sed "s|$HOME|/home/alice|g" | timing > "$T/got"
	if cmp -s "$T/want" "$T/got"; then
		ok "backscatter(1): $cmd prints what the page shows"
	else
		not_ok "backscatter(1): $cmd prints what the page shows"
		diag "$(diff "$T/want" "$T/got")"
	fi
done
is "$n" 3 "backscatter(1) shows three --scan sessions, all run here"
check "the move left the backscatter in .Backscatter/new" \
    test -f "$HOME/Maildir/.Backscatter/new/1732690001.M2P1.mx"
check "... and the legitimate bounce where it was" \
    test -f "$HOME/Maildir/cur/1732690000.M1P1.mx:2,S"

# --- backscatter-rules(5) -------------------------------------------------

for b in "$T/blocks/backscatter-rules.5".*; do
	grep -q '^body' "$b" && cp "$b" "$T/local.cf"
done
bs --lint --rules "$T/local.cf" > /dev/null 2> "$T/err"
is "$?" 0 "backscatter-rules(5): the example rules pass --lint"
[ -s "$T/err" ] && diag "$(cat "$T/err")"
is "$(starting backscatter-rules.5 "backscatter --lint --rules ~/.config/backscatter/local.cf" | wc -l | tr -d ' ')" \
    1 "backscatter-rules(5): the --lint command is the one run here"
# and a rule of the example fires where it says
printf 'From: MAILER-DAEMON@mx.example\nTo: alice@northwind.example\nSubject: Undelivered Mail Returned to Sender\nContent-Type: text/plain\n\nYour message was rejected by the ACME spam trap.\n' > "$T/trap.eml"
fired "$T/trap.eml" --rules "$T/local.cf" > "$T/got"
check "backscatter-rules(5): BS_LOCAL_SPAMTRAP fires on what it describes" \
    grep -q BS_LOCAL_SPAMTRAP "$T/got"
# the eval example: a mailbox-full bounce whose original did not come
# from our relay, and not when it did
printf 'my_domain northwind.example\nmy_relay 203.0.113.99\n' > "$T/other-relay.conf"
fired "$srcdir/examples/bounce-legit.eml" --config "$T/other-relay.conf" --rules "$T/local.cf" > "$T/got"
check "backscatter-rules(5): BS_LOCAL_FULL_FORGED fires on a mailbox-full bounce from a stranger" \
    grep -q BS_LOCAL_FULL_FORGED "$T/got"
fired "$srcdir/examples/bounce-legit.eml" --rules "$T/local.cf" > "$T/got"
check "... and not on one our relay handed over" sh -c "! grep -q BS_LOCAL_FULL_FORGED '$T/got'"

done_testing
