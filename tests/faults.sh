#!/bin/sh
# faults.sh - delivery under failure: a target that cannot be written, a
# full disk (a file size limit, a small tmpfs when one can be mounted, and
# errors injected by tests/deliver-shim.so into write, fsync and rename), a
# process killed mid-delivery. Each must end in exit 0 or 75, with nothing
# partial in new/, nothing left in tmp/ when the process could clean up,
# an mbox back at its old length, and the message never stored twice.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
# under ASan: libsieve's own leaks are not ours
LSAN_OPTIONS="suppressions=$srcdir/tests/deliver-lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

SHIM=${top_builddir:-.}/tests/deliver-shim.so
case $SHIM in /*) ;; *) SHIM=$(pwd)/$SHIM ;; esac
mail_user
if [ -n "$RUNAS" ]; then
	# the program and the shim where nobody can reach them: the build
	# tree may be private (a clone in /root)
	cp "$BACKSCATTER" "$T/backscatter" && BACKSCATTER=$T/backscatter
	cp "$BACKSCATTER_PRELOAD" "$T/backscatter-preload" &&
	    BACKSCATTER_PRELOAD=$T/backscatter-preload
	[ -f "$SHIM" ] && cp "$SHIM" "$T/deliver-shim.so" && SHIM=$T/deliver-shim.so
fi
d() { $RUNAS env -u SENDER HOME="$U" "$BACKSCATTER" "$@"; }
files() { find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l | tr -d ' '; }
mk() { $RUNAS mkdir -p "$@"; }
# mboxback FILE OLD: "same" when FILE is back to OLD's bytes, then " lock"
# when its lock file is left
mboxback() {
	cmp -s "$2" "$1" && printf same
	[ -e "$1.lock" ] && printf ' lock'
	echo
}

msg=$T/msg.eml
printf 'From: Oscar <oscar@oscar.example>\nTo: alice@northwind.example\nSubject: lunch\n\n' > "$msg"
python3 -c 'print(("x" * 75 + "\n") * 4000, end="")' >> "$msg"	# ~300 KB

# --- a target that cannot be written ---------------------------------------
mk "$U/RO/new" "$U/RO/cur" "$U/RO/tmp"
$RUNAS chmod 500 "$U/RO/tmp"
d --deliver "$U/RO" < "$msg" 2> "$T/err"
is "$?:$(files "$U/RO/new")" 75:0 "tmp/ not writable: 75, nothing in new/"
$RUNAS chmod 700 "$U/RO/tmp"; $RUNAS chmod 500 "$U/RO/new"
d --deliver "$U/RO" < "$msg" 2> "$T/err"
is "$?:$(files "$U/RO/tmp")" 75:0 "new/ not writable: 75, the temp file is removed"
$RUNAS chmod 500 "$U"
d --deliver "$U/Missing" < "$msg" 2> "$T/err"
is "$?" 75 "a Maildir that cannot be made: 75"
$RUNAS chmod 755 "$U"
grep -q 'deferred' "$T/err" && ok "the reason is on stderr" || not_ok "the reason is on stderr"

# a folder that cannot be made falls back to the INBOX (Sieve's way)
mk "$U/FB/new" "$U/FB/cur" "$U/FB/tmp"
$RUNAS chmod 500 "$U/FB"
printf 'require "fileinto";\nfileinto "Junk";\n' > "$T/junk.sieve"
d --deliver "$U/FB" --sieve "$T/junk.sieve" < "$msg" 2> "$T/err"
is "$?:$(files "$U/FB/new")" "0:1" "a folder that cannot be made: kept in the INBOX instead"
$RUNAS chmod 700 "$U/FB"

# a read-only mbox, and a symlink where the mbox should be
$RUNAS sh -c "printf 'From a@b  Thu Jan  1 00:00:00 2026\n\n' > '$U/ro.mbox'; chmod 400 '$U/ro.mbox'"
d --deliver "$U/ro.mbox" < "$msg" 2> /dev/null
is "$?" 75 "a read-only mbox: 75"
$RUNAS ln -s "$U/ro.mbox" "$U/link.mbox"
d --deliver "mbox:$U/link.mbox" < "$msg" 2> /dev/null
is "$?" 75 "an mbox that is a symlink: 75 (not followed)"

# --- disk full: a file size limit (EFBIG, like ENOSPC for us) ------------------
# SIGXFSZ ignored is inherited through exec, so write() fails instead.
fsz() { $RUNAS sh -c "trap '' XFSZ; ulimit -f 64; HOME='$U' exec '$BACKSCATTER' \"\$@\"" sh "$@"; }
fsz --deliver "$U/Full" < "$msg" 2> /dev/null
is "$?:$(files "$U/Full/new"):$(files "$U/Full/tmp")" "75:0:0" \
    "file size limit (Maildir): 75, nothing in new/, temp file removed"
$RUNAS sh -c "printf 'From a@b  Thu Jan  1 00:00:00 2026\nSubject: old\n\nold\n\n' > '$U/full.mbox'"
cp "$U/full.mbox" "$T/full.before"
fsz --deliver "$U/full.mbox" < "$msg" 2> /dev/null
is "$?:$(mboxback "$U/full.mbox" "$T/full.before")" "75:same" \
    "file size limit (mbox): 75, the mbox back to its old bytes, no lock left"

# --- disk full: a real small tmpfs, when this machine lets us mount one ---------
if [ "$(id -u)" = 0 ] && mkdir "$T/tmpfs" && mount -t tmpfs -o size=128k,mode=0777 tmpfs "$T/tmpfs" 2>/dev/null; then
	d --deliver "$T/tmpfs/Maildir" < "$msg" 2> /dev/null
	is "$?:$(files "$T/tmpfs/Maildir/new"):$(files "$T/tmpfs/Maildir/tmp")" "75:0:0" \
	    "a full tmpfs (ENOSPC): 75, nothing in new/, temp file removed"
	umount "$T/tmpfs"
else
	ok "# SKIP a tmpfs cannot be mounted here (not root, or no CAP_SYS_ADMIN)"
fi

# --- injected errors ---------------------------------------------------------
if [ ! -f "$SHIM" ]; then
	skip_shim="no $SHIM"
elif grep -q __asan_init "$BACKSCATTER" 2>/dev/null; then
	skip_shim="an ASan build intercepts the calls first"
else
	skip_shim=
fi
# inject CALL ERRNO NTH ARGS...: deliver with CALL failing (errno ERRNO, a
# number) from its NTH call on, on the files under $U
inject() {
	call=$1 err=$2 nth=$3; shift 3
	$RUNAS env -u SENDER HOME="$U" LD_PRELOAD="$SHIM" FAULT_CALL="$call" \
	    FAULT_ERRNO="$err" FAULT_NTH="$nth" FAULT_PATH="${where:-$U}" \
	    "$BACKSCATTER_PRELOAD" "$@" < "$msg" 2> "$T/err"
}
if [ -n "$skip_shim" ]; then
	i=0; while [ $i -lt 8 ]; do ok "# SKIP $skip_shim"; i=$((i + 1)); done
else
	inject write 28 1 --deliver "$U/W"		# ENOSPC
	is "$?:$(files "$U/W/new"):$(files "$U/W/tmp")" "75:0:0" \
	    "write fails (ENOSPC): 75, nothing in new/ or tmp/"
	where=$U/S/tmp/ inject fsync 5 1 --deliver "$U/S"	# EIO
	is "$?:$(files "$U/S/new"):$(files "$U/S/tmp")" "75:0:0" \
	    "the message file's fsync fails (EIO): 75, nothing in new/ or tmp/"
	# the Maildir made on the way: its directory synced into its
	# parent first, and that failing fails the delivery
	inject fsync 5 1 --deliver "$U/Sd"
	is "$?:$(files "$U/Sd/new"):$(files "$U/Sd/tmp"):$(grep -c "$U/Sd/tmp: Input/output error" "$T/err")" "75:0:0:1" \
	    "a new directory's sync fails (EIO): 75, nothing in new/ or tmp/, the directory named"
	inject rename 5 1 --deliver "$U/R"
	is "$?:$(files "$U/R/new"):$(files "$U/R/tmp")" "75:0:0" \
	    "rename fails: 75, nothing in new/ or tmp/"
	# two copies: the second rename fails after the first is visible;
	# the message is delivered (0), once, never deferred to come twice
	printf 'require "fileinto";\nfileinto "Junk";\nkeep;\n' > "$T/two.sieve"
	inject rename 5 2 --deliver "$U/Two" --sieve "$T/two.sieve"
	is "$?:$(( $(files "$U/Two/new") + $(files "$U/Two/.Junk/new") ))" "0:1" \
	    "second copy's rename fails: 0, the message stored once"
	# a folder's write fails: nothing of either copy becomes visible
	inject write 28 2 --deliver "$U/Two2" --sieve "$T/two.sieve"
	is "$?:$(files "$U/Two2/new"):$(files "$U/Two2/.Junk/new"):$(files "$U/Two2/tmp"):$(files "$U/Two2/.Junk/tmp")" \
	    "75:0:0:0:0" "a write fails with two copies: 75, neither copy visible, both temp files removed"
	# mbox: a write or fsync fails: cut back to the old length
	cp "$T/full.before" "$T/m1"; chmod 644 "$T/m1"
	$RUNAS cp "$T/m1" "$U/w.mbox"
	inject write 28 4 --deliver "$U/w.mbox"
	is "$?:$(mboxback "$U/w.mbox" "$T/m1")" "75:same" \
	    "mbox write fails: 75, the file back to its old bytes, no lock left"
	$RUNAS cp "$T/m1" "$U/s.mbox"
	inject fsync 5 1 --deliver "$U/s.mbox"
	is "$?:$(mboxback "$U/s.mbox" "$T/m1")" "75:same" \
	    "mbox fsync fails: 75, the file back to its old bytes, no lock left"
fi

# --- killed mid-delivery -------------------------------------------------------
# killed while the message is still arriving: nothing made at all
(printf 'From: a@b\nSubject: slow\n\n'; sleep 3; cat "$msg") |
    d --deliver "$U/K1" 2> /dev/null &
sleep 1
killed=0
for p in $(pgrep -f "deliver $U/K1"); do kill -KILL "$p" 2>/dev/null && killed=1; done
wait
is "$killed:$(test -e "$U/K1" && echo made)" "1:" \
    "killed while reading (still reading when killed): nothing made at all"

if [ -z "$skip_shim" ]; then
	# stalled in fsync (the temp file written, not yet renamed), then
	# SIGTERM: the handler removes the temp file and answers 75
	$RUNAS env HOME="$U" LD_PRELOAD="$SHIM" FAULT_CALL=fsync FAULT_SLEEP=3 \
	    FAULT_PATH="$U/K2/tmp/" "$BACKSCATTER_PRELOAD" --deliver "$U/K2" < "$msg" 2> /dev/null &
	pid=$!
	i=0; while [ "$(files "$U/K2/tmp")" = 0 ] && [ $i -lt 50 ] &&
	    kill -0 "$pid" 2> /dev/null; do sleep 0.1; i=$((i + 1)); done
	kill -TERM "$pid" 2>/dev/null
	for p in $(pgrep -f "deliver $U/K2"); do kill -TERM "$p" 2>/dev/null; done
	wait "$pid"; rc=$?
	is "$rc:$(files "$U/K2/new"):$(files "$U/K2/tmp")" "75:0:0" \
	    "SIGTERM mid-delivery: 75, nothing in new/, temp file removed"
	# the other signals that end a run (a user's, a CPU-time limit's):
	# as SIGTERM (they ended it by the signal, the temp file left)
	for sig in USR1 XCPU QUIT; do
		$RUNAS env HOME="$U" LD_PRELOAD="$SHIM" FAULT_CALL=fsync FAULT_SLEEP=3 \
		    FAULT_PATH="$U/K2$sig/tmp/" "$BACKSCATTER_PRELOAD" --deliver "$U/K2$sig" < "$msg" 2> /dev/null &
		pid=$!
		i=0; while [ "$(files "$U/K2$sig/tmp")" = 0 ] && [ $i -lt 50 ] &&
		    kill -0 "$pid" 2> /dev/null; do sleep 0.1; i=$((i + 1)); done
		for p in $(pgrep -f "deliver $U/K2$sig"); do kill -"$sig" "$p" 2>/dev/null; done
		wait "$pid"; rc=$?
		is "$rc:$(files "$U/K2$sig/new"):$(files "$U/K2$sig/tmp")" "75:0:0" \
		    "SIG$sig mid-delivery: 75, nothing in new/, temp file removed"
	done
	# the same with SIGKILL: no handler runs; nothing in new/ (the temp
	# file stays in tmp/, where readers ignore it)
	$RUNAS env HOME="$U" LD_PRELOAD="$SHIM" FAULT_CALL=fsync FAULT_SLEEP=3 \
	    FAULT_PATH="$U/K3/tmp/" "$BACKSCATTER_PRELOAD" --deliver "$U/K3" < "$msg" 2> /dev/null &
	pid=$!
	i=0; while [ "$(files "$U/K3/tmp")" = 0 ] && [ $i -lt 50 ] &&
	    kill -0 "$pid" 2> /dev/null; do sleep 0.1; i=$((i + 1)); done
	for p in $(pgrep -f "deliver $U/K3"); do kill -KILL "$p" 2>/dev/null; done
	wait "$pid"
	is "$(files "$U/K3/tmp"):$(files "$U/K3/new"):$(files "$U/K3/cur")" "1:0:0" \
	    "SIGKILL mid-delivery: the temp file left in tmp/, nothing in new/ or cur/"
	# mbox: SIGTERM while appending: back to the old length, lock removed
	$RUNAS cp "$T/m1" "$U/k.mbox"
	$RUNAS env HOME="$U" LD_PRELOAD="$SHIM" FAULT_CALL=fsync FAULT_SLEEP=3 \
	    FAULT_PATH="$U/k.mbox" "$BACKSCATTER_PRELOAD" --deliver "$U/k.mbox" < "$msg" 2> /dev/null &
	pid=$!
	i=0; while [ ! -e "$U/k.mbox.lock" ] && [ $i -lt 50 ] &&
	    kill -0 "$pid" 2> /dev/null; do sleep 0.1; i=$((i + 1)); done
	sleep 0.3
	for p in $(pgrep -f "deliver $U/k.mbox"); do kill -TERM "$p" 2>/dev/null; done
	wait "$pid"; rc=$?
	is "$rc:$(mboxback "$U/k.mbox" "$T/m1")" "75:same" \
	    "SIGTERM while appending to an mbox: 75, the mbox back to its old bytes, its lock removed"
	# SIGTERM held while the copy is renamed into new/: once it is
	# there the message is delivered, and 75 would have it twice
	$RUNAS env HOME="$U" LD_PRELOAD="$SHIM" FAULT_CALL=rename FAULT_SLEEP=2 \
	    FAULT_PATH="$U/K4" "$BACKSCATTER_PRELOAD" --deliver "$U/K4" < "$msg" 2> /dev/null &
	pid=$!
	sleep 1
	for p in $(pgrep -f "deliver $U/K4"); do kill -TERM "$p" 2>/dev/null; done
	wait "$pid"; rc=$?
	is "$rc:$(files "$U/K4/new"):$(files "$U/K4/tmp")" "0:1:0" \
	    "SIGTERM while renaming into new/: 0, one copy, no temp file"
else
	i=0; while [ $i -lt 7 ]; do ok "# SKIP $skip_shim"; i=$((i + 1)); done
fi

done_testing
