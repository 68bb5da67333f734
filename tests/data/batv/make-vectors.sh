#!/bin/sh
# make-vectors.sh - how exim-vectors.txt was made: Exim's own ${prvs}
# (Debian exim4-daemon-light 4.96, run from the unpacked .deb with a
# two-line config, no daemon), at fixed dates under faketime. Not run by
# make check; run by hand to remake the file:
#   EXIM="/path/to/exim4 -C /path/to/min.conf" sh make-vectors.sh > exim-vectors.txt
# Each line: seconds-since-1970 key-number secret-file address tagged-address
set -eu
: "${EXIM:?set EXIM to an exim binary and its -C config}"
cd "$(dirname "$0")"
preload=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
for when in 1709294400 1810857540 1813795200 1813968000 1813990000 1790000000; do
	for spec in "0 key0.secret alice@northwind.example" \
	    "1 key1.secret Bob.Smith@NorthWind.Example" \
	    "9 key9.secret carol+lists@mail.northwind.example" \
	    "0 key0.secret dave@northwind.example"; do
		set -- $spec
		secret=$(head -n 1 "$2")
		tagged=$(FAKETIME="@$(date -u -d "@$when" '+%Y-%m-%d %H:%M:%S')" \
		    LD_PRELOAD=$preload $EXIM -be "\${prvs {$3}{$secret}{$1}}")
		echo "$when $1 $2 $3 $tagged"
	done
done
# Exim's ${prvscheck} on some of those tags, day by day around expiry:
# lines "check seconds tagged secret-file valid|invalid".
for spec in "1813795200 prvs=000031fd6f=alice@northwind.example key0.secret" \
    "1709294400 prvs=07904e8917=alice@northwind.example key0.secret"; do
	set -- $spec
	for d in -1 0 1 6 7 8 9 30; do
		when=$(( $1 + d * 86400 ))
		secret=$(head -n 1 "$3")
		r=$(FAKETIME="@$(date -u -d "@$when" '+%Y-%m-%d %H:%M:%S')" \
		    LD_PRELOAD=$preload $EXIM -be \
		    "\${prvscheck {$2}{$secret}{\${if eq{\$prvscheck_result}{1}{valid}{invalid}}}}")
		echo "check $when $2 $3 $r"
	done
done
