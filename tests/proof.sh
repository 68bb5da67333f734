#!/bin/sh
# proof.sh - replay and copy resistance, on mail made by real software
# (tests/data/proof, see its README): what a spammer can copy (a valid
# BATV tag, a Message-ID in our form, a Message-ID from a list archive,
# a message of ours signed with our DKIM key, a real Message-ID of ours
# in an auto-reply from a stranger) never passes for proof, and proof
# that we sent decides over heuristics the other way.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

d=$srcdir/tests/data/proof
export HOME=$T/home
mkdir -p "$HOME"
unset RECIPIENT ORIG_RECIPIENT ORIGINAL_RECIPIENT
export BACKSCATTER_NOW="$(cat "$d/NOW")"
# the set's configuration, private, with the ledger learnt from sent/
cp "$d"/conf/* "$T"/ && chmod 600 "$T/batv.secret"
for c in full notcomplete; do
	printf 'sent_ledger %s\n' "$T/sent.db" >> "$T/$c.conf"
done
bs_run - --config "$T/full.conf" --learn-sent "$d/sent" < /dev/null
n=$(ls "$d/sent/cur" | wc -l | tr -d ' ')
is "$rc:$(cat "$T/stdout" "$T/stderr")" "0:$d/sent: $n new messages, $n Message-IDs recorded" \
    "the ledger learnt from the Sent folder ($n messages)"

# judged FILE [CONF]: "VERDICT CLASS EVIDENCE" from --json
judged() {
	bs_json '"%s %s %s" % ("backscatter" if j["backscatter"] else "ok",
	    j["decided_by"]["class"], j["decided_by"]["evidence"])' \
	    "$d/$1" --config "$T/${2:-full}.conf"
}

# 1. a valid tag of ours copied onto spam: the tag is valid, the ledger
# (complete) never recorded the Message-ID: proof, backscatter
is "$(judged pf-unknown-copied-tag-bs.eml)" "backscatter proof sent_ledger" \
    "a copied valid BATV tag: proof of backscatter (never sent)"
is "$(bs_json 'j["evidence"]["batv"]["result"]' "$d/pf-unknown-copied-tag-bs.eml" \
    --config "$T/full.conf")" "valid" "... though the tag itself is valid"

# the Level line: one star per whole point, at most LEVEL_STARS_MAX (100)
for f in "$d"/*-bs.eml; do
	bs --config "$T/full.conf" < "$f" > "$T/f.out"
	score=$(sed -n 's/^X-Backscatter-Score: \([0-9]*\).*/\1/p' "$T/f.out")
	[ "${score:-0}" -gt 100 ] && break
done
is "$score:$(sed -n 's/^X-Backscatter-Level: //p' "$T/f.out" | tr -d '\n' | wc -c | tr -d ' ')" "$score:100" \
    "a score over 100 ($score): 100 stars on the Level line (LEVEL_STARS_MAX)"

# 2. a Message-ID in our form that we never sent
is "$(judged pf-unknown-ours-mid-bs.eml)" "backscatter proof sent_ledger" \
    "a Message-ID in our form never sent (ledger complete): proof of backscatter"
is "$(judged sieve-vac-ours-mid-bs.eml)" "backscatter proof sent_ledger" \
    "... answered by a Sieve vacation reply: the same"
is "$(bs_json 'j["decided_by"]["why"]' "$d/sieve-vac-ours-mid-bs.eml" --config "$T/full.conf")" \
    "the sent ledger, complete, never recorded the answered Message-ID <C10485FF.E3F1@northwind.example>" \
    "... the words name the answered Message-ID in one pair of brackets"

# 3. the Message-ID of a real post of ours, copied from the list
# archive onto spam to other recipients: found, for others only
is "$(judged pf-unknown-archive-mid-bs.eml)" "backscatter strong batv" \
    "a list-archive Message-ID on spam to others: not proof, strong evidence decides"
is "$(bs_json 'j["evidence"]["sent_ledger"]["original_sent"], j["evidence"]["sent_ledger"]["recipient"]' \
    "$d/pf-unknown-archive-mid-bs.eml" --config "$T/full.conf")" "(True, 'other')" \
    "... found in the ledger, recorded for other recipients"

# 4. a DKIM-signed message of ours replayed to other recipients: the
# signature verifies, the recipient is not in its signed To
is "$(judged pf-unknown-replay-bs.eml)" "backscatter strong batv" \
    "our signed message replayed to others: backscatter"
is "$(bs_json 'j["evidence"]["dkim"]["result"], "h.kim3@remote.example" in j["evidence"]["dkim"]["signed_recipients"]' \
    "$d/pf-unknown-replay-bs.eml" --config "$T/full.conf")" "('pass', False)" \
    "... the signature passes, but does not cover the recipient that bounced"
is "$(judged pf-hdrs-replay-own-body-bs.eml)" "backscatter strong batv" \
    "our signed header block with a bot's body, bounced headers-only: backscatter"

# 5. an auto-reply naming a real Message-ID of ours, from someone we
# never wrote to
is "$(judged sieve-vac-archive-mid-bs.eml)" "backscatter proof correspondents" \
    "an auto-reply to a real Message-ID of ours from a stranger: proof of backscatter"

# vacation(1) names no Message-ID and marks nothing but Precedence: its
# reply is told by the subject it repeats ("Away: S", and "S" in the
# text), then judged by the correspondents
is "$(bs_json 'j["kind"]' "$d/vac-plain-bs.eml" --config "$T/full.conf")" "autoreply" \
    "vacation(1): an auto-reply (the subject it answers, filled into its text)"
is "$(judged vac-plain-bs.eml)" "backscatter proof correspondents" \
    "... from someone we never wrote to (complete): proof of backscatter"
is "$(judged vac-phone-legit.eml)" "ok proof correspondents" \
    "... from someone we wrote to: proof, ours (its subject an encoded word, as written)"

# the repeated subject is one sign among others: a newsletter (Precedence:
# bulk) whose text repeats its subject is not an auto-reply
printf 'From: Lena <lena@remote.example>\nTo: alice@northwind.example\nSubject: Minutes: budget review for 2027\nPrecedence: bulk\n\nHi Alice, the budget review for 2027 is done.\n' \
    > "$T/minutes.eml"
is "$(bs_json 'j["kind"]' "$T/minutes.eml" --config "$T/full.conf")" "none" \
    "... but a repeated subject with Precedence: bulk alone makes no auto-reply"

# 6. an old message replayed with its tag, made 1000 days ago: Exim keeps
# the day modulo 1000, so the tag reads as today's; the mail's Date says
# it is from another cycle: expired, and so it is said
is "$(judged ex-hdrs-other-cycle-tag-bs-notcomplete.eml notcomplete)" "backscatter strong batv" \
    "a tag from another 1000-day cycle (ledger not complete): strong evidence, backscatter"
is "$(bs_json 'j["evidence"]["batv"]["result"] + ": " + j["decided_by"]["why"].split(";")[0]' \
    "$d/ex-hdrs-other-cycle-tag-bs-notcomplete.eml" --config "$T/notcomplete.conf")" \
    "expired: our BATV tag, expired: the mail's Date is older than a tag lives: a tag from another 1000-day cycle" \
    "... the tag counts as expired, and the words say why"
is "$(judged pf-unknown-other-cycle-tag-bs.eml)" "backscatter proof sent_ledger" \
    "... with the complete ledger: proof of backscatter (never sent)"

# 7. vacation(1) answering spam that carries a real Message-ID of ours
# (it names none): the correspondents decide
is "$(judged vac-archive-mid-bs.eml)" "backscatter proof correspondents" \
    "vacation(1) from someone we never wrote to, a real Message-ID of ours on the spam: proof of backscatter"

# a returned header cut inside the Message-ID ("<...@northw"): no part
# of an ID is looked up as one, so the ledger proves nothing by it
sed 's/^Message-Id: <2DB75B7C-5FD9-4326-9437-3CD074E87948@northwind.example>$/Message-Id: <2DB75B7C-5FD9-4326-9437-3CD074E87948@northw/' \
    "$d/pf-unknown-phone-legit.eml" > "$T/cut-id.eml"
is "$(bs_json '"%s %s" % (j["decided_by"]["class"], j["original"]["message_id"])' "$T/cut-id.eml" \
    --config "$T/full.conf")" "strong None" \
    "a Message-ID cut short in the returned header: not looked up, no proof by absence"

# and the other way: mail we really sent by a path outside my_relay
is "$(judged pf-spamreject-phone-legit.eml)" "ok proof sent_ledger" \
    "sent from the phone (no tag, a stranger's handoff, \"rejected as spam\"): the ledger decides"
is "$(judged pf-spamreject-esp-legit.eml)" "ok proof dkim" \
    "sent by the ESP with our key (not in the ledger, which is complete): the signature decides"
is "$(judged pf-hdrs-esp-legit.eml)" "ok proof dkim" \
    "sent by the ESP, bounced headers only: our signed header block names the recipient in its To"
# the same ESP mail, its returned body cut short (as Postfix's
# bounce_size_limit and Exim's return_size_limit cut it): the signed
# headers verify and name the recipient: proof, as with headers alone
sed '/^please find your quote/,/^Alice Example, Northwind/d' "$d/pf-spamreject-esp-legit.eml" > "$T/esp-cut.eml"
is "$(bs_json '"%s %s %s %s" % ("backscatter" if j["backscatter"] else "ok", j["decided_by"]["class"],
    j["decided_by"]["evidence"], j["evidence"]["dkim"]["result"])' "$T/esp-cut.eml" --config "$T/full.conf")" \
    "ok proof dkim body-changed" \
    "... its returned body cut short: the signed headers still name the recipient: proof"
# ... and bounced by the address it was forwarded to, not in the signed
# To: our signature still verifies, so the ledger's absence proves nothing
# (the hop into the forward target on top of the returned original)
sed -e 's/MAILER-DAEMON@remote\.example/MAILER-DAEMON@mailbox.example/' \
    -e 's/^Reporting-MTA: dns; mx\.remote\.example/Reporting-MTA: dns; mx.mailbox.example/' \
    -e 's/strict@remote\.example>: host mailstore\.remote\.example/strict.home@mailbox.example>: host store.mailbox.example/' \
    -e 's/^Final-Recipient: rfc822; strict@remote.example/Final-Recipient: rfc822; strict.home@mailbox.example/' \
    -e 's/^Original-Recipient: rfc822;strict@remote.example/Original-Recipient: rfc822;strict.home@mailbox.example/' \
    -e '/^Return-Path: <alice@northwind.example>$/a\
Received: from mx.remote.example (mx.remote.example [198.51.100.20])\
\tby mx.mailbox.example (Postfix) with ESMTP id 77AA1\
\tfor <strict.home@mailbox.example>; Wed,  2 Dec 2026 18:34:24 +0000 (UTC)' \
    "$d/pf-spamreject-esp-legit.eml" > "$T/esp-fwd.eml"
is "$(bs_json '"%s %s %s" % (j["decided_by"]["class"], j["evidence"]["dkim"]["result"],
    [r["address"] for r in j["recipients"]])' "$T/esp-fwd.eml" --config "$T/full.conf")" \
    "strong pass ['strict.home@mailbox.example']" \
    "... bounced by the address it was forwarded to: our signature verifies, the ledger lacks it: no proof by absence"
is "$(judged pf-alias-phone-legit.eml)" "ok proof sent_ledger" \
    "bounced by an alias: its Original-Recipient is the address recorded"
is "$(judged sieve-vac-phone-legit.eml)" "ok proof sent_ledger" \
    "a vacation reply to mail sent from the phone: the ledger decides"
bs_run "$d/pf-spamreject-phone-legit.eml" --config "$T/full.conf" --explain
is "$(sed -n 2p "$T/stdout" | cut -c1-49)" "Decided by proof: the sent ledger recorded the re" \
    "--explain: what decided comes first"

done_testing
