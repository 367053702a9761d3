# lib.sh - shared by the end-to-end tests (sourced).  The Makefile exports
# FAASWATCH (the program), top_srcdir, top_builddir, JQ, VALGRIND, TSHARK and
# FAASWATCH_SHARED (the ../shared folder; absent in a bare clone).
set -u

: "${FAASWATCH:=$top_builddir/src/faaswatch}"
: "${FAASWATCH_SHARED:=$top_srcdir/../shared}"

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
need_jq() { [ -n "${JQ:-}" ] && [ -x "$JQ" ] || skip "jq is not installed (apt-get install jq)"; }
need_shared() {
	[ -d "$FAASWATCH_SHARED/pcaps" ] || skip "no shared captures at $FAASWATCH_SHARED/pcaps"
}

# A scratch directory removed at exit.
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/faaswatch-test.XXXXXX") || exit 99
trap 'rm -rf "$TMPD"' EXIT

# fw ARGS...: runs faaswatch with a fixed observer name (deterministic output).
fw() { "$FAASWATCH" --observer-name test "$@"; }

# count FILE FILTER: number of JSON lines of FILE for which FILTER is true.
count() { "$JQ" -c "select($2)" "$1" | wc -l | tr -d ' '; }

# Results: an "ok" or "FAIL" line each; a FAIL sets rc, which the test
# exits with.
rc=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; rc=1; }

# expect N FILTER [FILE]: exactly N JSON lines of FILE (default
# $TMPD/out.json) satisfy FILTER.
expect() {
	got=$(count "${3:-$TMPD/out.json}" "$2")
	if [ "$got" -eq "$1" ]; then ok "$1 x $2"
	else bad "$1 x $2: got $got"; fi
}

# need_retime: $retime, the capture retimer that make check builds.
need_retime() {
	retime=$top_builddir/tests/tools/pcap_retime
	[ -x "$retime" ] || fail "$retime not built"
}

# stop_pid PID: SIGTERM, SIGKILL when it is not gone (or a zombie) within
# 10 s, then reaped.  Nothing for an empty PID.
stop_pid() {
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null
	i=0
	while [ $i -lt 100 ] &&
	    st=$(cut -d' ' -f3 /proc/"$1"/stat 2>/dev/null) && [ "$st" != Z ]; do
		i=$((i + 1))
		sleep 0.1
	done
	[ $i -lt 100 ] || kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}
