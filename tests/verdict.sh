#!/bin/sh
# verdict.sh - the verdict on labelled cases, as a user reads it: both
# "backscatter --test" (exit 0 = backscatter, 1 = not) and filter mode's
# X-Backscatter-Status (Yes, No), which must agree, with the config of
# tests/data/verdict/backscatter.conf (our domain, our relay). Labels are
# in tests/data/verdict/LABELS.tsv (file, backscatter|legit|plain, note)
# and, when present, tests/data/mta/LABELS.tsv (real MTAs' bounces, its
# columns named by a header line; without that file, the mta cases' names
# end in -backscatter/-legit).
# One result per case; the summary reports the detection rate and the
# false positives. Fails on any false positive or unanswered case and on
# detection below 99 %.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

conf=$srcdir/tests/data/verdict/backscatter.conf
[ -f "$conf" ] || skip_all "no $conf"

# label FILE LABEL NOTE, one a line, from every labelled set there is.
{
	for dir in verdict mta; do
		d=$srcdir/tests/data/$dir
		[ -d "$d" ] || continue
		if [ -f "$d/LABELS.tsv" ]; then
			# Columns by the header line when it names them
			# ("file ... label ..."), else file, label, note.
			awk -F '\t' -v d="$d" '
			    NR == 1 && $1 ~ /^#? ?file$/ {
				for (i = 1; i <= NF; i++) col[$i] = i
				fc = 1; lc = col["label"]; nc = col["note"]
				if (!lc) lc = 2
				next
			    }
			    /^#/ || /^[[:space:]]*$/ { next }
			    {
				if (!lc) { fc = 1; lc = 2; nc = 3 }
				note = nc ? $nc : ""
				if (note == "" && NF > 2) note = $2
				printf "%s/%s\t%s\t%s\n", d, $fc, $lc, note
			    }' "$d/LABELS.tsv"
		else
			for f in "$d"/*-backscatter.eml; do
				[ -f "$f" ] && printf '%s\tbackscatter\t%s\n' "$f" "named so"
			done
			for f in "$d"/*-legit.eml; do
				[ -f "$f" ] && printf '%s\tlegit\t%s\n' "$f" "named so"
			done
		fi
	done
} > "$T/cases"

bs_total=0 bs_found=0 other_total=0 fp=0 errors=0
while IFS='	' read -r file label note; do
	name=${file#"$srcdir"/tests/data/}
	if [ ! -f "$file" ]; then
		not_ok "$name: listed in LABELS.tsv but missing"
		continue
	fi
	got=$(bs_verdict "$file" --config "$conf")
	case $label in
	backscatter)
		bs_total=$((bs_total + 1))
		[ "$got" = backscatter ] && bs_found=$((bs_found + 1))
		is "$got" backscatter "$name is backscatter ($note)"
		;;
	legit|plain)
		other_total=$((other_total + 1))
		case $got in
		backscatter)		fp=$((fp + 1)) ;;
		"not backscatter")	;;
		*)			errors=$((errors + 1)) ;;
		esac
		is "$got" "not backscatter" "$name is not backscatter ($label: $note)"
		;;
	*)
		not_ok "$name: unknown label '$label'"
		;;
	esac
done < "$T/cases"

# Detection in per-mille, to compare without floating point.
if [ "$bs_total" -gt 0 ]; then
	permille=$((bs_found * 1000 / bs_total))
else
	permille=0
fi
diag "backscatter detected: $bs_found of $bs_total ($((permille / 10)).$((permille % 10)) %)" \
    "false positives: $fp of $other_total legitimate or plain messages" \
    "no answer or --test and filter mode disagreeing: $errors"
if [ "$bs_total" -gt 0 ] && [ "$permille" -ge 990 ]; then
	ok "detection of backscatter is at least 99 %"
else
	not_ok "detection of backscatter is at least 99 %"
fi
is "$fp:$((other_total - errors))" "0:$other_total" \
    "no legitimate bounce or plain message called backscatter (or unanswered)"

# Kinds that decide which rules read a message (kind none runs none).
kind() { bs_json 'j["kind"]' "$srcdir/tests/data/verdict/$1" --config "$conf"; }
is "$(kind plain-letter-says-rejected-as-spam.eml)" none \
    "a person's letter saying 'rejected as spam ... virus found' is kind none"
is "$(kind todo-german-virus-notice-nothing-forged.eml)" notice \
    "a German virus notice (Virus gefunden, gelöscht) is kind notice"
is "$(kind legit-symantec-virus-notice-nothing-forged.eml)" notice \
    "a Symantec Mail Security virus notice is kind notice"

# Known gap: a bot that EHLOs as the bouncer, above lines it forged that
# name our relay, only weakens our handoff (BS_OUR_HANDOFF_UNVERIFIED)
# instead of being found as the handoff: a hop named by its EHLO alone,
# from a public address, looks like Exchange Online's own hops.
TODO="a bot's EHLO as the bouncer cannot be told from Exchange Online's hops"
is "$(bs_verdict "$srcdir/tests/data/verdict/todo-exchange-bot-ehlo-as-bouncer-over-forged-relay-line.eml" \
    --config "$conf")" backscatter \
    "a bot EHLOing as the bouncer over a forged relay line is backscatter"
TODO=

# Known gap: a virus notice that returns nothing of the original and
# names nothing forged says what one about our own mail says ("a virus
# was found in your message, subject: Rechnung 4471";
# legit-symantec-virus-notice-nothing-forged.eml, and the legitimate
# MailScanner and Symantec notices of tests/data/kinds, read the same).
# The filter's statement counts once (30_notices.cf): 4.5, below 5.0.
TODO="a virus notice naming nothing forged cannot be told from one about our own mail"
is "$(bs_verdict "$srcdir/tests/data/verdict/todo-german-virus-notice-nothing-forged.eml" \
    --config "$conf")" backscatter \
    "a German virus notice that names nothing forged is backscatter"
TODO=

done_testing
