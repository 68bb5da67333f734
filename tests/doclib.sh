# doclib.sh - the literal blocks of the README and the manual pages, for
# the tests that run them (docs.sh, hosts-*.sh): a recipe is taken from
# the document itself, so what a reader copies is what was run.
# Sourced after lib.sh.

# the bounces the host tests deliver: backscatter, and one to keep
yes=$srcdir/examples/bounce-backscatter.eml
no=$srcdir/examples/bounce-legit.eml
# files DIR: how many files are below DIR
files() { find "$1" -type f 2>/dev/null | wc -l | tr -d ' '; }

# host_bin: $T/bin holding the program, copied where the mail user can
# run it (the build tree may be private), and backscatter.fail, a filter
# that fails (75); $RUNAS and $OWNER run as and own for the mail user
# (nobody when the suite runs as root, else no change)
host_bin() {
	if [ "$(id -u)" = 0 ]; then
		RUNAS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
		OWNER=nobody:nogroup
	else
		RUNAS= OWNER=
	fi
	chmod 755 "$T"
	mkdir "$T/bin"
	cp "$BACKSCATTER" "$T/bin/backscatter" && chmod 755 "$T/bin/backscatter"
	printf '#!/bin/sh\ncat > /dev/null; exit 75\n' > "$T/bin/backscatter.fail"
	chmod 755 "$T/bin/backscatter.fail"
}

# doc_blocks: every literal block, one file each in $T/blocks: the man
# pages' .Bd -literal blocks unescaped (backscatter.1.N ...), and the
# README's indented blocks without their four spaces (README.N)
doc_blocks() {
	mkdir -p "$T/blocks"
	for page in "$docdir"/*.1 "$docdir"/*.5 "$docdir"/*.8; do
		awk -v out="$T/blocks/$(basename "$page")" '
		/^\.Bd -literal/ { n++; inblock = 1; next }
		/^\.Ed/ { inblock = 0; next }
		inblock {
			gsub(/\\e/, "\\"); gsub(/\\&/, "")
			print > (out "." n)
		}' "$page"
	done
	# a README block: lines indented four spaces, and the blank lines
	# between them, after a blank line
	awk -v out="$T/blocks/README" '
	function flush() { if (inblock) close(out "." n); inblock = 0; blanks = 0 }
	/^    / && (inblock || prev == "") {
		if (!inblock) { n++; inblock = 1 }
		for (; blanks > 0; blanks--) print "" > (out "." n)
		print substr($0, 5) > (out "." n); prev = $0; next
	}
	/^$/ && inblock { blanks++; prev = $0; next }
	{ flush(); prev = $0 }' "$srcdir/README"
}

# blocks_with ERE [DOC...]: the blocks of the documents (README,
# backscatter.1, ...; all of them by default) that have a line matching
# ERE, one path a line, in document order
blocks_with() {
	ere=$1; shift
	[ $# -gt 0 ] || set -- README backscatter.1 backscatter.conf.5 backscatter-rules.5
	list=
	for doc; do
		n=1
		while [ -f "$T/blocks/$doc.$n" ]; do
			list="$list $T/blocks/$doc.$n"
			n=$((n + 1))
		done
	done
	[ -n "$list" ] && grep -lE -- "$ere" $list
	return 0
}

# block_name PATH: "README, block 7" or "backscatter(1), block 3"
block_name() {
	b=$(basename "$1")
	case $b in
	README.*) echo "README, block ${b#README.}";;
	*) n=${b##*.}; p=${b%.*}; echo "${p%.*}(${p##*.}), block $n";;
	esac
}

# postfix_instance MYHOSTNAME MYDESTINATION: a private Postfix in $P,
# its queue in $T/spool and its log in $LOG: the machine's master.cf
# without the SMTP listener and chroot, and a main.cf that delivers
# locally only; the caller adds its own lines to $P/main.cf and
# master.cf, then starts it
postfix_instance() {
	mkdir -p "$P" "$T/spool"
	cp /etc/postfix/master.cf "$P/master.cf"
	postconf -c "$P" -M# smtp/inet 2> /dev/null
	postconf -c "$P" -F '*/*/chroot = n'
	cat > "$P/main.cf" <<EOF_MAIN
compatibility_level = 3.6
queue_directory = $T/spool
data_directory = $T/data
maillog_file_prefixes = $T
maillog_file = $LOG
myhostname = $1
mydestination = $2
inet_interfaces = loopback-only
default_transport = error
relay_transport = error
alias_maps =
alias_database =
EOF_MAIN
	: > "$LOG"
}
# postfix_stop: the instance's queue emptied and the instance stopped,
# if it runs (a test's cleanup)
postfix_stop() {
	postfix -c "$P" status > /dev/null 2>&1 || return 0
	postsuper -c "$P" -d ALL > /dev/null 2>&1
	postfix -c "$P" stop > /dev/null 2>&1
	_i=0
	while postfix -c "$P" status > /dev/null 2>&1 && [ $_i -lt 50 ]; do
		sleep 0.1; _i=$((_i + 1))
	done
}
