#!/bin/sh
# make-fixtures.sh - how the DKIM fixtures were made (run by hand, not by
# make check; the outputs are committed):
#   test2025.private/.txt   opendkim-genkey -b 1024 -d northwind.example -s test2025
#   attacker.private        the same command again: a key that is not ours
#   test2025.pem            openssl rsa -in test2025.private -pubout
# original.eml is signed with python3-dkim's dkimsign (relaxed/relaxed)
# under faketime at the original's date, so t= is in the past wherever the
# tests run; then wrapped in bounces that return it whole, changed after
# signing, signed with another key, or headers only.
# bounce-from-line.eml is bounce-signed.eml's shape around an original
# whose body has a line starting "From " (what an mbox writer escapes),
# signed by hand with the same key: the relaxed/relaxed canonical forms of
# RFC 6376 3.4.2 and 3.4.4 over h=from:to:subject:date:message-id, the
# hash signed with `openssl dgst -sha256 -sign test2025.private`, t= as
# above.
set -eu
cd "$(dirname "$0")"
sign() { faketime "2025-03-18 02:47:05" dkimsign --hcanon relaxed --bcanon relaxed test2025 northwind.example "$1"; }
sign test2025.private < original.eml > signed.eml
sign attacker.private < original.eml > signed-attacker.eml
sed 's/Call me if anything/Buy cheap watches if anything/' signed.eml > signed-body-changed.eml
sed 's/^Subject: the quarterly figures/Subject: Rolex replicas/' signed.eml > signed-header-changed.eml

# bounce ORIGINAL-FILE PART-TYPE: a Postfix-style bounce returning it after
# a hop from a host that is not our relay (a forwarder), rejected as spam
bounce() {
	cat <<HEAD
Return-Path: <>
Delivered-To: alice@northwind.example
Date: Tue, 18 Mar 2025 02:47:12 +0000 (UTC)
From: MAILER-DAEMON@mx1.retail.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: alice@northwind.example
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="B0UND"

--B0UND
Content-Type: text/plain; charset=us-ascii

<rachel@retail.example>: host store.retail.example[198.51.100.151] said: 550
    5.7.1 Message rejected as spam by content filter

--B0UND
Content-Type: message/delivery-status

Reporting-MTA: dns; mx1.retail.example

Final-Recipient: rfc822; rachel@retail.example
Action: failed
Status: 5.7.1
Diagnostic-Code: smtp; 550 5.7.1 Message rejected as spam by content filter

--B0UND
Content-Type: $2

Received: from relay.forwarder.example (relay.forwarder.example [198.51.100.90])
	by mx1.retail.example (Postfix) with ESMTP id 3C4D5E6F7A
	for <rachel@retail.example>; Tue, 18 Mar 2025 02:47:10 +0000 (UTC)
HEAD
	if [ "$2" = text/rfc822-headers ]; then
		sed '/^$/q' "$1"
	else
		cat "$1"
	fi
	printf '\n--B0UND--\n'
}
bounce signed.eml message/rfc822 > bounce-signed.eml
bounce signed-body-changed.eml message/rfc822 > bounce-body-changed.eml
bounce signed-header-changed.eml message/rfc822 > bounce-header-changed.eml
bounce signed-attacker.eml message/rfc822 > bounce-other-key.eml
bounce signed.eml text/rfc822-headers > bounce-headers-only.eml
rm -f signed-body-changed.eml signed-header-changed.eml signed-attacker.eml
