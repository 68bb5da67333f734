# lib.sh - shared by the shell tests: a temp dir, the binary, TAP output.
# Tests are hermetic: LC_ALL=C, a private temp dir removed on exit, no network.
# Set VALGRIND (e.g. "valgrind -q --error-exitcode=99") to run the binary under it.
# Set TODO to a reason to mark the next results as TODO (known bugs).

export LC_ALL=C
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
BACKSCATTER=${BACKSCATTER:-${top_builddir:-$srcdir}/src/backscatter}
# The manual pages and the examples that name installed paths are made in
# the build tree from their .in (Makefile.am), with these directories
# (make check passes configure's; these are its defaults)
docdir=${top_builddir:-$srcdir}/doc
bindir=${bindir:-/usr/local/bin}
libdir=${libdir:-/usr/local/lib}
sysconfdir=${sysconfdir:-/usr/local/etc}
# What LD_PRELOAD reaches: the program, or its dynamic twin when it is
# linked statically (configure --enable-static-binary). A program that is
# no ELF file (test-the-tests' cat, a script) is run itself.
BACKSCATTER_PRELOAD=$BACKSCATTER
if [ -x "${top_builddir:-$srcdir}/tests/backscatter-shared" ] &&
    readelf -h "$BACKSCATTER" > /dev/null 2>&1 &&
    ! readelf -l "$BACKSCATTER" 2>/dev/null | grep -q "program interpreter"; then
	BACKSCATTER_PRELOAD=${top_builddir:-$srcdir}/tests/backscatter-shared
	# nor does valgrind's memcheck see a static program's heap (it
	# replaces malloc by preloading): under VALGRIND the twin is run
	[ -z "$VALGRIND" ] || BACKSCATTER=$BACKSCATTER_PRELOAD
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/bs-test.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
# A private HOME and no XDG paths: no test reads the user's own config,
# rules or sent ledger.
mkdir -p "$T/home" && HOME=$T/home && export HOME
unset XDG_CONFIG_HOME XDG_STATE_HOME XDG_CACHE_HOME RECIPIENT ORIG_RECIPIENT ORIGINAL_RECIPIENT SENDER
# python3 by its own path: a version manager's shim in PATH (pyenv's is a
# chain of shell scripts) costs more than the interpreter it starts, on
# every one of the suite's thousands of calls
_py=$(python3 -c 'import sys; print(sys.executable)' 2> /dev/null)
if [ -n "$_py" ] && [ "$_py" != "$(command -v python3)" ]; then
	mkdir "$T/py" && ln -s "$_py" "$T/py/python3" && PATH=$T/py:$PATH
fi
tap_n=0 tap_planned=
TODO=

bs() { $VALGRIND "$BACKSCATTER" "$@"; }

# bs_run IN ARGS...: the binary with ARGS, its stdin the file IN (- for
# this shell's stdin): stdout in $T/stdout, stderr in $T/stderr, the exit
# status in $rc (and returned). Every run's status is checked: a test that
# looks only at what was printed passes when the binary is /bin/false.
bs_run() {
	_in=$1; shift
	if [ "$_in" = - ]; then
		bs "$@" > "$T/stdout" 2> "$T/stderr"
	else
		bs "$@" < "$_in" > "$T/stdout" 2> "$T/stderr"
	fi
	rc=$?
	return "$rc"
}
# is_rc WANT DESCRIPTION: $rc is WANT; if not, the run's stderr follows
is_rc() {
	is "$rc" "$1" "$2" && return 0
	head -5 "$T/stderr" | sed 's/^/#   stderr: /'
	return 1
}
# status FILE: Yes or No from the X-Backscatter-Status field filter mode
# wrote into FILE, "none" when there is none
status() {
	_s=$(grep -a -m 1 -o -P '(^|\r)X-Backscatter-Status: [A-Za-z]*,' "$1" 2>/dev/null)
	_s=${_s#*X-Backscatter-Status: }
	echo "${_s%,}" | sed 's/^$/none/'
}
# bs_verdict IN ARGS...: the verdict on IN as a user reads it, from both
# --test and filter mode: "backscatter" (--test exits 0, filter mode exits
# 0 and says Yes) or "not backscatter" (--test exits 1 and prints nothing,
# filter mode says No); anything else is told as it is, e.g.
# "--test 2, filter 0 none". Filter mode's output is left in $T/filter.
bs_verdict() {
	_in=$1; shift
	bs --test "$@" < "$_in" > "$T/test.out" 2> "$T/test.err"
	_t=$?
	bs "$@" < "$_in" > "$T/filter" 2> "$T/filter.err"
	_f=$?
	[ -s "$T/test.out" ] && _t="$_t (printed)"
	case $_t:$_f:$(status "$T/filter") in
	0:0:Yes)	echo "backscatter" ;;
	1:0:No)		echo "not backscatter" ;;
	*)		echo "--test $_t, filter $_f $(status "$T/filter")" ;;
	esac
}
# bs_json EXPR IN ARGS...: run --json on IN and print the Python
# expression EXPR of the object j it printed; "exit N" when the binary
# did not exit 0, "not one JSON object" when that is not what it printed.
bs_json() {
	_e=$1; shift
	_in=$1; shift
	bs_run "$_in" --json "$@" || { echo "exit $rc"; return 1; }
	python3 -c '
import json, sys
s = open(sys.argv[1], encoding="utf-8", errors="replace").read()
try:
    j, end = json.JSONDecoder().raw_decode(s)
    assert isinstance(j, dict) and not s[end:].strip()
except (ValueError, AssertionError):
    print("not one JSON object")
    sys.exit(1)
print(eval("(" + sys.argv[2] + "\n)"))' "$T/stdout" "$_e"
}

plan() { tap_planned=$1; echo "1..$1"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
diag() { printf '# %s\n' "$@"; }
_tap() {
	tap_n=$((tap_n + 1))
	printf '%sok %d - %s%s\n' "$1" "$tap_n" "$2" "${TODO:+ # TODO $TODO}"
}
ok() { _tap "" "$*"; }
not_ok() { _tap "not " "$*"; }
# check DESCRIPTION COMMAND...: ok when the command succeeds (returns its
# success, like is)
check() {
	local d=$1; shift
	if "$@"; then ok "$d"; return 0; fi
	not_ok "$d"; return 1
}
# holds DESCRIPTION CODE: ok when the shell code CODE succeeds, run here
# (this test's functions and variables at hand; returns its success)
holds() {
	_d=$1; shift
	if eval "$*"; then ok "$_d"; return 0; fi
	not_ok "$_d"; return 1
}
# mail_user: $U, the mail user's home, and $RUNAS, the command prefix
# that runs a program as that user: nobody when the suite runs as root
# (delivery refuses root), else the user running the suite
mail_user() {
	U=$T/u
	mkdir "$U"
	if [ "$(id -u)" = 0 ]; then
		chmod 755 "$T"
		chown nobody:nogroup "$U"
		RUNAS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	else
		RUNAS=
	fi
}
# is GOT WANT DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then ok "$3"; return 0; fi
	not_ok "$3"; diag "  got:  '$1'" "  want: '$2'"; return 1
}
done_testing() { [ -n "$tap_planned" ] || echo "1..$tap_n"; exit 0; }
