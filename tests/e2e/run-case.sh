#!/bin/sh
# run-case.sh CASE - runs one end-to-end case (suricata-verify style).
#
# A case file holds lines of the form
#   pcap: PATH          a capture, relative to the source tree (repeatable)
#   args: ARGS          further faaswatch arguments
#   expect: N FILTER    exactly N output lines satisfy the jq FILTER
#                       (N may be written >=N)
# and '#' comments.  Output goes through --connections - as well as the
# alerts and statistics, so filters see every record.  With
# FAASWATCH_REFRESH=1 the whole output is written to CASE's .golden file;
# when a .golden file exists the output must equal it.
. "$(dirname "$0")/lib.sh"
need_jq
case_file=$1
name=$(basename "$case_file" .case)
golden=${case_file%.case}.golden
set -- --connections -
pcaps=0
while IFS= read -r line; do
	case $line in
	pcap:*) p=$(echo "${line#pcap:}" | sed 's/^ *//'); set -- "$@" -r "$top_srcdir/$p"; pcaps=$((pcaps + 1));;
	args:*) for a in ${line#args:}; do set -- "$@" "$a"; done;;
	esac
done < "$case_file"
[ "$pcaps" -gt 0 ] || fail "$name: no pcap line"
out=$TMPD/out.json
fw "$@" > "$out" 2> "$TMPD/err" || fail "$name: faaswatch exited $? ($(head -c 300 "$TMPD/err"))"
while IFS= read -r line; do
	case $line in
	expect:*)
		spec=$(echo "${line#expect:}" | sed 's/^ *//')
		n=${spec%% *}; filter=${spec#* }
		got=$(count "$out" "$filter")
		case $n in
		">="*) [ "$got" -ge "${n#>=}" ] && ok=1 || ok=0;;
		*) [ "$got" -eq "$n" ] && ok=1 || ok=0;;
		esac
		if [ $ok = 1 ]; then echo "ok   $n x $filter"
		else echo "FAIL $n x $filter: got $got"; rc=1; fi;;
	esac
done < "$case_file"
sorted=$TMPD/sorted.json
"$JQ" -S -c . "$out" > "$sorted"
if [ "${FAASWATCH_REFRESH:-0}" = 1 ]; then
	cp "$sorted" "$golden"; echo "refreshed $golden"
elif [ -f "$golden" ]; then
	if diff -u "$golden" "$sorted" > "$TMPD/diff"; then echo "ok   output equals $(basename "$golden")"
	else echo "FAIL output differs from $(basename "$golden") (FAASWATCH_REFRESH=1 to accept):"; head -40 "$TMPD/diff"; rc=1; fi
fi
exit $rc
