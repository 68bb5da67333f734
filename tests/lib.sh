# lib.sh - shared by the shell tests: a temp dir, the binary, TAP output.
# Tests are hermetic: LC_ALL=C, a private temp dir removed on exit, no network.
# Set VALGRIND (e.g. "valgrind -q --error-exitcode=99") to run the binary under it.
# Set TODO to a reason to mark the next results as TODO (known bugs).

export LC_ALL=C
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
BACKSCATTER=${BACKSCATTER:-${top_builddir:-$srcdir}/src/backscatter}
T=$(mktemp -d "${TMPDIR:-/tmp}/bs-test.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
# A private HOME and no XDG paths: no test reads the user's own config,
# rules or sent ledger.
mkdir -p "$T/home" && HOME=$T/home && export HOME
unset XDG_CONFIG_HOME XDG_STATE_HOME RECIPIENT ORIG_RECIPIENT ORIGINAL_RECIPIENT SENDER
tap_n=0 tap_planned=
TODO=

bs() { $VALGRIND "$BACKSCATTER" "$@"; }

plan() { tap_planned=$1; echo "1..$1"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
diag() { printf '# %s\n' "$@"; }
_tap() {
	tap_n=$((tap_n + 1))
	printf '%sok %d - %s%s\n' "$1" "$tap_n" "$2" "${TODO:+ # TODO $TODO}"
}
ok() { _tap "" "$*"; }
not_ok() { _tap "not " "$*"; }
# check DESCRIPTION COMMAND...: ok when the command succeeds
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
# is GOT WANT DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then ok "$3"; return 0; fi
	not_ok "$3"; diag "  got:  '$1'" "  want: '$2'"; return 1
}
done_testing() { [ -n "$tap_planned" ] || echo "1..$tap_n"; exit 0; }
