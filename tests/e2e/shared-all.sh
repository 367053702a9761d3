#!/bin/sh
# shared-all.sh - every capture in ../shared/pcaps runs to completion with
# exit status 0: damaged input is counted, never a crash.  With valgrind
# installed each run is also checked for memory errors (in a sanitizer
# build the sanitizers check them instead).
. "$(dirname "$0")/lib.sh"
need_shared
P=$FAASWATCH_SHARED/pcaps
vg=""
if [ -n "${SAN_CFLAGS:-}" ]; then
	echo "built with sanitizers ($SAN_CFLAGS): they check these runs, not valgrind"
elif [ -n "${VALGRIND:-}" ] && [ -x "$VALGRIND" ] && [ "${FAASWATCH_NO_VALGRIND:-0}" != 1 ]; then
	vg="$VALGRIND -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
	echo "running under valgrind"
else
	echo "valgrind not installed (or FAASWATCH_NO_VALGRIND=1): plain runs only"
fi
files=0; bad=0
for f in "$P"/*/*.pcap "$P"/*/*.pcapng; do
	[ -f "$f" ] || continue
	files=$((files + 1))
	$vg "$FAASWATCH" -r "$f" --connections /dev/null -o /dev/null 2> "$TMPD/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL ${f#$P/}: exit $rc"; sed 's/^/    /' "$TMPD/err" | head -20; bad=$((bad + 1))
	fi
done
echo "$files captures, $bad failed"
[ $files -gt 0 ] || fail "no captures found"
[ $bad -eq 0 ]
