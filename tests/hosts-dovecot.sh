#!/bin/sh
# hosts-dovecot.sh - the real Dovecot Pigeonhole (no daemon), with the
# Dovecot recipes of the README and of backscatter(1) taken from each
# document word for word (tests/doclib.sh): its configuration lines, its
# commands putting the program in the extprograms directories, and its
# scripts, vnd.dovecot.filter (tag, then test the header) and
# vnd.dovecot.execute (--test as a Sieve test), run by dovecot-lda and
# sieve-test. Only the paths are this test's. CRLF input, no From_ line
# under dovecot-lda; byte-exact apart from our fields; the script must
# run without an error (Dovecot's "implicit keep" after a failed script
# also puts the message in the INBOX, and is a failure here).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$srcdir/tests/doclib.sh"

LDA=/usr/lib/dovecot/dovecot-lda
[ -x "$LDA" ] && command -v sieve-test > /dev/null ||
    skip_all "dovecot-core and dovecot-sieve are not installed"
[ -f /usr/lib/dovecot/modules/sieve/lib90_sieve_extprograms_plugin.so ] ||
    skip_all "the sieve_extprograms plugin is not installed (dovecot-sieve)"

# the program where the mail user can run it, and the documents' paths
# mapped into this test's directory
host_bin
paths() {
	sed -e "s|$libdir/dovecot/|$T/lib/dovecot/|g" \
	    -e "s|$bindir/backscatter|$T/bin/backscatter|g" \
	    -e "s|/usr/local/lib/dovecot/|$T/lib/dovecot/|g" \
	    -e "s|/usr/local/bin/backscatter|$T/bin/backscatter|g" "$1"
}
stored() { f=$(find "$T/Maildir/$1" -type f 2> /dev/null | head -1); echo "${f:-/dev/null}"; }
# lda SCRIPT MSG: dovecot-lda as the mail user, null sender
lda() {
	cp "$1" "$T/active.sieve"; [ -n "$OWNER" ] && chown "$OWNER" "$T/active.sieve"
	$RUNAS env -i HOME="$T" USER=nobody PATH=/usr/bin:/bin timeout 30 \
	    "$LDA" -c "$T/dovecot.conf" -f '' -a alice@northwind.example < "$2"
}
# clean LOG [ALLOWED]: Dovecot said nothing of an error, a failed script
# or a program that failed, but the lines matching ALLOWED
clean() {
	! grep -Ei 'error|fail|implicit keep|non-zero' "$1" | grep -Evq "${2:-^$}"
}

doc_blocks
ndocs=0
for doc in README backscatter.1; do
	conf=$(blocks_with '^  sieve_plugins = sieve_extprograms$' "$doc")
	setup=$(blocks_with '^ln -s .*backscatter' "$doc")
	filter=$(blocks_with '^filter "backscatter";$' "$doc")
	execute=$(blocks_with '^if execute :pipe "backscatter"' "$doc")
	[ -n "$conf$setup$filter$execute" ] || continue
	ndocs=$((ndocs + 1))
	is "$(echo $conf $setup $filter $execute | wc -w)" 4 \
	    "$doc: one configuration, one set-up, a filter and an execute script"
	[ -n "$conf" ] && [ -n "$setup" ] || continue

	# Dovecot's configuration: this test's mail location, log and run
	# directory (not the one of a Dovecot running here), then the
	# document's lines
	rm -rf "$T/lib" "$T/Maildir" "$T/sieve"
	{ cat <<C
ssl = no
base_dir = $T/run
log_path = /dev/stderr
mail_location = maildir:$T/Maildir
plugin {
  sieve = file:$T/sieve;active=$T/active.sieve
}
C
	  paths "$conf"; } > "$T/dovecot.conf"
	paths "$setup" > "$T/setup.sh"
	sh -e "$T/setup.sh"
	is "$?" 0 "$doc: the set-up commands run"
	[ -n "$OWNER" ] && chown -R "$OWNER" "$T"

	for script in $filter $execute; do
		name=$(block_name "$script")
		rm -rf "$T/Maildir" "$T/active.sieve.log"
		lda "$script" "$yes" 2> "$T/log"; is "$?" 0 "$name: dovecot-lda, backscatter: exit 0"
		lda "$script" "$no" 2>> "$T/log"; is "$?" 0 "$name: dovecot-lda, legitimate: exit 0"
		# --test answering 1 (not backscatter) is execute's "false"
		allowed=
		[ "$script" = "$execute" ] && allowed='Terminated with non-zero exit code 1$'
		if clean "$T/log" "$allowed"; then
			ok "$name: the script compiles and runs, the program never fails"
		else
			not_ok "$name: the script compiles and runs, the program never fails"
			diag "$(cat "$T/log" "$T/active.sieve.log" 2> /dev/null)"
		fi
		is "$(files "$T/Maildir/.Backscatter/new"):$(files "$T/Maildir/new")" "1:1" \
		    "$name: the backscatter in .Backscatter (made), the legitimate bounce in the INBOX"
		case $script in
		"$filter")
			# Dovecot feeds CRLF; it stores LF. Compare with filter mode
			# on CRLF input, line ends normalised.
			sed 's/$/\r/' "$yes" | HOME=$T "$BACKSCATTER" | tr -d '\r' > "$T/want"
			tr -d '\r' < "$(stored .Backscatter/new)" > "$T/got"
			check "$name: the stored message is filter mode's output" cmp -s "$T/want" "$T/got"
			check "$name: the INBOX copy is tagged No" \
			    grep -q '^X-Backscatter-Status: No' "$(stored new)"

			# sieve-test: what the script decides, with the From_ line
			# sieve-test keeps
			{ printf 'From MAILER-DAEMON  Fri Nov 27 05:04:48 2026\n'; cat "$yes"; } > "$T/fromline.eml"
			[ -n "$OWNER" ] && chown "$OWNER" "$T/fromline.eml"
			$RUNAS env -i HOME="$T" PATH=/usr/bin:/bin timeout 30 sieve-test -C \
			    -c "$T/dovecot.conf" "$script" "$T/fromline.eml" > "$T/out" 2>&1
			is "$?" 0 "$name: sieve-test runs it"
			grep -q 'store message in folder: Backscatter' "$T/out" &&
			    ok "$name: sieve-test, a From_ line first: into Backscatter" ||
			    { not_ok "$name: sieve-test, a From_ line first: into Backscatter"; diag "$(cat "$T/out")"; }
			;;
		*)
			tr -d '\r' < "$(stored .Backscatter/new)" > "$T/got"
			check "$name: the message is stored untouched" cmp -s "$yes" "$T/got"
			;;
		esac
	done
done
is "$ndocs" 2 "the README and backscatter(1) both show the Dovecot recipe"

done_testing
