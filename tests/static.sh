#!/bin/sh
# static.sh - the program linked statically (configure
# --enable-static-binary) says what the same objects linked dynamically
# (tests/backscatter-shared) say, on every message of the tree and of the
# Sisimai corpus: byte for byte in filter mode and in --json. A static
# glibc still loads iconv's charset modules (gconv) with dlopen, from the
# glibc it was linked with; a charset it could not load would read
# differently here. The charsets are also checked by name: the messages
# in ISO-2022-JP, GB2312, KOI8-R, Big5, windows-1251 and the others of
# the fixtures, each decoded into UTF-8 by the static program.
#
# Skipped where the program is linked dynamically (configure
# --disable-static-binary, a sanitizer build, or no static archives).
[ -z "$VALGRIND" ] || { echo "1..0 # SKIP under VALGRIND the twin stands for the program"; exit 0; }
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

twin=${top_builddir:-$srcdir}/tests/backscatter-shared
interp() { readelf -l "$1" 2> /dev/null | grep -c 'program interpreter'; }
[ -x "$BACKSCATTER" ] || skip_all "no program at $BACKSCATTER"
readelf -h "$BACKSCATTER" > /dev/null 2>&1 || skip_all "$BACKSCATTER is no ELF program"
[ "$(interp "$BACKSCATTER")" = 0 ] ||
	skip_all "the program is linked dynamically (configure --disable-static-binary, a sanitizer, or no static archives)"
[ -x "$twin" ] || skip_all "no tests/backscatter-shared (make check builds it)"

is "$(interp "$BACKSCATTER"):$(interp "$twin")" "0:1" \
    "the program has no dynamic loader, its twin has one"

# A fixed clock and a configuration that makes the origin and the
# evidence checks do their work
printf 'my_domain northwind.example example.org\nmy_relay smtp.northwind.example 192.0.2.0/24\n' > "$T/conf"
export BACKSCATTER_NOW=1796212800

# streams LIST OUT: every file of LIST through both, in filter mode and
# with --json, each run's output, error output and status appended to
# one stream a program (OUT.s, OUT.d): the programs are the only
# processes started for a message. Each stream is opened once, not for
# appending (a file opened with O_APPEND refuses sendfile, which filter
# mode uses for a large body: both programs would fall back to write)
streams() {
	while IFS= read -r f; do
		for mode in filter json; do
			case $mode in filter) a= ;; json) a=--json ;; esac
			printf '== %s %s\n' "$mode" "$f" >&3
			printf '== %s %s\n' "$mode" "$f" >&4
			printf '== %s %s\n' "$mode" "$f" >&5
			printf '== %s %s\n' "$mode" "$f" >&6
			"$BACKSCATTER" --config "$T/conf" $a < "$f" >&3 2>&4
			echo "exit $?" >&3
			"$twin" --config "$T/conf" $a < "$f" >&5 2>&6
			echo "exit $?" >&5
		done
	done < "$1" 3> "$2.s" 4> "$2.se" 5> "$2.d" 6> "$2.de"
}

# part LIST OUT: in OUT a line "differs (MODE, exit S against D): FILE"
# for each difference in output, error output or status: the streams
# compared, and only where they differ each message again on its own
part() {
	streams "$1" "$2"
	if cmp -s "$2.s" "$2.d" && cmp -s "$2.se" "$2.de"; then
		: > "$2"
		rm -f "$2.s" "$2.se" "$2.d" "$2.de"
		return
	fi
	rm -f "$2.s" "$2.se" "$2.d" "$2.de"
	while IFS= read -r f; do
		for mode in filter json; do
			case $mode in filter) a= ;; json) a=--json ;; esac
			"$BACKSCATTER" --config "$T/conf" $a < "$f" > "$2.s" 2> "$2.se"
			s=$?
			"$twin" --config "$T/conf" $a < "$f" > "$2.d" 2> "$2.de"
			d=$?
			if [ "$s" != "$d" ] || ! cmp -s "$2.s" "$2.d" ||
			    ! cmp -s "$2.se" "$2.de"; then
				echo "differs ($mode, exit $s against $d): $f"
			fi
		done
	done < "$1" > "$2"
}

# same LIST NAME: ok when every file of LIST gives the same output and
# status from both, in as many parts at once as there are processors
same() {
	_list=$1 _name=$2
	_n=$(wc -l < "$_list" | tr -d ' ')
	rm -f "$T"/part.*
	split -n "l/$(nproc 2>/dev/null || echo 1)" -d -a 3 "$_list" "$T/part." ||
	    not_ok "$_name: the list splits"
	for p in "$T"/part.*; do
		part "$p" "$p.out" &
	done
	wait
	cat "$T"/part.*.out > "$T/differs" 2> /dev/null
	_bad=$(wc -l < "$T/differs" | tr -d ' ')
	head -n 5 "$T/differs" | while IFS= read -r l; do diag "$l"; done
	is "$_bad" 0 "$_name: $_n messages, filter mode and --json the same, static and dynamic"
	[ "$_n" -gt 0 ] || not_ok "$_name: no messages found"
	# every part wrote its list of differences, so none died silently
	for p in "$T"/part.???; do
		[ -f "$p.out" ] || not_ok "$_name: part $p ran"
	done
}

# (the held-out sets, tests/data/blind*, are measurement data of the
# reading: tests/golden.sh runs them; linking changes nothing there that
# 1,000 fixtures and the corpus do not show)
find "$srcdir/tests/data" "$srcdir/examples" "$srcdir/bench/data" -type f -name '*.eml' \
    ! -path '*/tests/data/blind*' | LC_ALL=C sort > "$T/fixtures"
same "$T/fixtures" "the fixtures of the tree (the held-out sets aside)"

# the messages written in a charset iconv must load a module for
grep -l -i -E 'charset="?(iso-2022-jp|gb2312|gbk|big5|koi8-r|windows-1251|euc-kr|shift_jis|euc-jp)' \
    $(cat "$T/fixtures") > "$T/charsets" 2> /dev/null
n=$(wc -l < "$T/charsets" | tr -d ' ')
holds "the fixtures include messages in module charsets ($n)" '[ "$n" -ge 5 ]'
# decoded: bytes over 0x7F or a \u escape in the JSON (the source was
# 7-bit ISO-2022-JP or an 8-bit charset, never UTF-8 as it stands)
decoded() { LC_ALL=C grep -q -P '[\x80-\xff]' "$1" || grep -q '\\u[0-9a-f]\{4\}' "$1"; }
bad=0 dec=0
while IFS= read -r f; do
	"$BACKSCATTER" --config "$T/conf" --json < "$f" > "$T/j" 2> /dev/null
	"$twin" --config "$T/conf" --json < "$f" > "$T/jd" 2> /dev/null
	if decoded "$T/j"; then
		dec=$((dec + 1))
	elif decoded "$T/jd"; then
		bad=$((bad + 1))
		diag "decoded by the dynamic program only: $f"
	fi
done < "$T/charsets"
is "$bad" 0 "those messages' text decoded into UTF-8 by the static program as by the dynamic one"
holds "... and text of at least 3 of them is in the JSON, decoded ($dec)" '[ "$dec" -ge 3 ]'

# The system's glibc another release (tests/fakelibc.so as
# BACKSCATTER_LIBC): no module is loaded, so those messages' text is read
# as an unknown charset's (Latin-1), never decoded from what they are;
# each still passes whole, with its verdict field, exit 0.
fake=$(cd "${top_builddir:-$srcdir}/tests" && pwd)/fakelibc.so
if [ -f "$fake" ]; then
	gb=$(grep -l -i -E 'charset="?(gb2312|big5|euc-kr)' $(cat "$T/charsets") | head -n 1)
	"$BACKSCATTER" --config "$T/conf" --json < "$gb" > "$T/j" 2> /dev/null
	BACKSCATTER_LIBC=$fake "$BACKSCATTER" --config "$T/conf" --json < "$gb" > "$T/jf" 2> /dev/null
	rf=$?
	holds "another glibc release: no charset module, $gb not decoded as it was (exit $rf)" \
	    '[ "$rf" = 0 ] && ! cmp -s "$T/j" "$T/jf"'
	BACKSCATTER_LIBC=$fake "$BACKSCATTER" --config "$T/conf" < "$gb" > "$T/f" 2> /dev/null
	rf=$?
	holds "... in filter mode it passes whole, with the verdict field (exit $rf)" \
	    '[ "$rf" = 0 ] && [ "$(status "$T/f")" != none ] &&
	     [ "$(grep -v -a "^X-Backscatter-" "$T/f" | wc -c)" -ge "$(wc -c < "$gb")" ]'
	strace_ok=$(command -v strace)
	if [ -n "$strace_ok" ]; then
		BACKSCATTER_LIBC=$fake strace -f -e trace=openat -o "$T/trace" \
		    "$BACKSCATTER" --config "$T/conf" < "$gb" > /dev/null 2>&1
		holds "... and opens no gconv module" '! grep -q "gconv" "$T/trace"'
		strace -f -e trace=openat -o "$T/trace" \
		    "$BACKSCATTER" --config "$T/conf" < "$gb" > /dev/null 2>&1
		holds "(the same glibc: the module is opened)" 'grep -q "gconv" "$T/trace"'
	fi
else
	ok "# SKIP no tests/fakelibc.so (make check builds it)"
fi

corpus=$srcdir/../shared/corpus/sisimai/maildir
if [ -d "$corpus" ]; then
	find "$corpus" -type f | LC_ALL=C sort > "$T/sisimai"
	same "$T/sisimai" "the Sisimai corpus"
else
	ok "# SKIP no Sisimai corpus at $corpus"
fi

done_testing
