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
