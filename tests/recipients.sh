#!/bin/sh
# recipients.sh - the separators before a quoted original, from a table.
#
# tests/data/recipients/separators.tsv lists the lines MTAs write before
# the original they quote. Each is put into a bounce between the report
# (naming one failed recipient) and a copy of the original: with a copy of
# the body only, whose lines start with addresses, the failed recipient
# must be the only one; with a copy of the header, it must be read as the
# returned original. not-separators.tsv lists lines that mention the
# original above the recipients: the recipient below them must be read.
# (Fixtures of single forms are tests/data/anatomy/recip-*.)
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

dir=$srcdir/tests/data/recipients

report_head() {
	printf '%s\n' 'Return-Path: <>' \
	    'From: Mail Delivery System <MAILER-DAEMON@mx.remote.example>' \
	    'To: alice@northwind.example' \
	    'Subject: Undelivered Mail Returned to Sender' \
	    'Date: Wed, 02 Dec 2026 13:50:01 +0000' \
	    'Message-ID: <20261202135001.4F2E1@mx.remote.example>' \
	    'MIME-Version: 1.0' 'Content-Type: text/plain; charset=utf-8' ''
}

# fields FILE: "kind|recipients,...|original.source|original.message_id"
fields() {
	bs --json < "$1" > "$T/out.json" 2> "$T/err" || { echo "exit $?"; return; }
	python3 -c '
import json, sys
try:
    j = json.load(open(sys.argv[1]))
except ValueError:
    print("not JSON"); sys.exit()
print("%s|%s|%s|%s" % (j["kind"], ",".join(r["address"] for r in j["recipients"]),
    j["original"]["source"], j["original"]["message_id"]))' "$T/out.json"
}

grep -v '^#' "$dir/separators.tsv" | while IFS='	' read -r from line; do
	[ -n "$line" ] || continue
	{ report_head
	  printf '%s\n' 'Your message could not be delivered to the following recipient:' '' \
	      '    bob@remote.example' '' 'Reason: 550 5.1.1 no such user' '' "$line" '' \
	      'carol@friends.example: please pass this on to' \
	      'dave@friends.example, erin@friends.example' 'Cheap watches, best prices.'
	} > "$T/body.eml"
	got=$(fields "$T/body.eml")
	is "$got" "bounce|bob@remote.example|none|None" "body after '$line' ($from): no recipient from it"
	{ report_head
	  printf '%s\n' 'Your message could not be delivered to the following recipient:' '' \
	      '    bob@remote.example' '' 'Reason: 550 5.1.1 no such user' '' "$line" '' \
	      'From: Alice <alice@northwind.example>' \
	      'To: bob@remote.example, carol@friends.example' \
	      'Subject: Order 4471' 'Date: Wed, 02 Dec 2026 13:49:55 +0000' \
	      'Message-ID: <order-4471.3@northwind.example>' '' 'Please confirm.'
	} > "$T/header.eml"
	got=$(fields "$T/header.eml")
	is "$got" "bounce|bob@remote.example|inline|order-4471.3@northwind.example" \
	    "header after '$line' ($from): the returned original"
done > "$T/tap"

grep -v '^#' "$dir/not-separators.tsv" | while IFS='	' read -r from line; do
	[ -n "$line" ] || continue
	{ report_head
	  printf '%s\n' "$line" '' '   ----- The following addresses had permanent fatal errors -----' \
	      '<frank@remote.example>' '    (reason: 550 5.1.1 User unknown)'
	} > "$T/prose.eml"
	got=$(fields "$T/prose.eml")
	is "$got" "bounce|frank@remote.example|none|None" "'$line' ($from) is no separator"
done >> "$T/tap"

# number the results (each loop ran in a subshell)
awk '/^(not )?ok / { n++; sub(/^ok [0-9]+/, "ok " n); sub(/^not ok [0-9]+/, "not ok " n) }
    { print } END { print "1.." n }' "$T/tap"
