#!/bin/sh
# suppress-reload.sh - suppressions and SIGHUP.  Eight hours of a workers.dev
# beacon every 5 min (+-10 %), made from the real curl check-in of pcaps/lab:
#  1. with a suppression entry for the name, no alert is written and the
#     statistics record counts the suppressed verdicts by rule and on the
#     entry (with its reason);
#  2. one run reading a pipe: the first four hours with the entry in force,
#     then the output files are rotated (renamed), the entry removed from
#     the file and SIGHUP sent, then the last four hours: the old files keep
#     what was written before (no alert), the new files get the rest, the
#     alerts come back, and no connection record is lost or written twice.
. "$(dirname "$0")/lib.sh"
need_jq
need_retime
command -v mkfifo > /dev/null 2>&1 || skip "mkfifo is not installed"
tpl=$top_srcdir/pcaps/lab/curl__demo-beacon.workers.dev.pcap
t0=1795824000				# 2026-11-28 00:00:00 UTC
"$retime" --seed 21 -o "$TMPD/a.pcap" --start $((t0 + 17)) \
    --until $((t0 + 4 * 3600)) --sleep 300 --jitter 0.1 "$tpl" > /dev/null &&
"$retime" --seed 22 -o "$TMPD/b.pcap" --start $((t0 + 4 * 3600 + 17)) \
    --until $((t0 + 8 * 3600)) --sleep 300 --jitter 0.1 "$tpl" > /dev/null ||
    fail "pcap_retime"
PER=faaswatch-periodic-beacon
REF=faaswatch-ref-t1584-007

# ---- 1. suppressed --------------------------------------------------------------
cat > "$TMPD/s.conf" <<'S'
# the lab's own beacon
domain=demo-beacon.workers.dev reason="lab beacon, ticket 42"
S
fw -r "$TMPD/a.pcap" -r "$TMPD/b.pcap" > "$TMPD/plain.json" || fail "faaswatch exit $?"
fw -r "$TMPD/a.pcap" -r "$TMPD/b.pcap" --suppress "$TMPD/s.conf" \
    -o "$TMPD/sup.json" --stats "$TMPD/sup.stats" || fail "faaswatch exit $?"
np=$(count "$TMPD/plain.json" '.event.kind=="alert"')
[ "$np" -ge 2 ] && ok "without the suppression: $np alerts" ||
    bad "without the suppression: $np alerts, expected both rules"
[ "$(count "$TMPD/sup.json" '.event.kind=="alert"')" -eq 0 ] &&
    ok "with it: no alert" || bad "with it: alerts were written"
if "$JQ" -e --arg per $PER --arg ref $REF '
    .faaswatch.stats.alerts.suppressed_by_rule[$per] >= 1 and
    .faaswatch.stats.alerts.suppressed_by_rule[$ref] >= 1 and
    .faaswatch.stats.alerts.total == 0 and
    (.faaswatch.stats.suppressions | length == 1) and
    .faaswatch.stats.suppressions[0].line == 2 and
    .faaswatch.stats.suppressions[0].reason == "lab beacon, ticket 42" and
    .faaswatch.stats.suppressions[0].matches ==
      (.faaswatch.stats.alerts.suppressed_by_rule | add)' "$TMPD/sup.stats" > /dev/null
then
	ok "statistics: $("$JQ" -c '.faaswatch.stats.alerts.suppressed_by_rule, .faaswatch.stats.suppressions' "$TMPD/sup.stats" | tr '\n' ' ')"
else
	bad "statistics:"; "$JQ" -c '.faaswatch.stats.alerts, .faaswatch.stats.suppressions' "$TMPD/sup.stats"
fi

# ---- 2. removed and reloaded mid-run ----------------------------------------------
fw -r "$TMPD/a.pcap" -r "$TMPD/b.pcap" --connections "$TMPD/all.conns" \
    -o /dev/null || fail "faaswatch exit $?"
mkfifo "$TMPD/in"
"$FAASWATCH" --observer-name test -r - --suppress "$TMPD/s.conf" -o "$TMPD/out.json" \
    --connections "$TMPD/conns.json" --stats "$TMPD/stats.json" \
    < "$TMPD/in" 2> "$TMPD/err" &
PID=$!
exec 3> "$TMPD/in"
cat "$TMPD/a.pcap" >&3
# until it has read everything written and waits for more (10 s at most);
# the checks below hold wherever the reload falls, this only makes it
# fall between the two halves
size=$(wc -c < "$TMPD/a.pcap")
i=0
while [ $i -lt 100 ]; do
	r=$(awk '/^rchar/ { print $2 }' /proc/$PID/io 2>/dev/null || echo 0)
	st=$(cut -d' ' -f3 /proc/$PID/stat 2>/dev/null || echo X)
	[ "${r:-0}" -ge "$size" ] && [ "$st" = S ] && break
	i=$((i + 1))
	sleep 0.1
done
mv "$TMPD/out.json" "$TMPD/out.json.1"
mv "$TMPD/conns.json" "$TMPD/conns.json.1"
echo 'domain=other.example.workers.dev reason="unrelated"' > "$TMPD/s.conf"
kill -HUP $PID
tail -c +25 "$TMPD/b.pcap" >&3	# the rest of the same pcap stream
exec 3>&-
wait $PID || fail "faaswatch exit $?"
cat "$TMPD/err"
[ -s "$TMPD/out.json" ] && [ -s "$TMPD/conns.json" ] &&
    ok "SIGHUP reopened the outputs under their names" ||
    bad "no new output files after SIGHUP"
n1=$(count "$TMPD/out.json.1" '.event.kind=="alert"')
n2=$(count "$TMPD/out.json" ".event.kind==\"alert\" and .rule.id==\"$PER\" and .faaswatch.update==false")
n3=$(count "$TMPD/out.json" ".event.kind==\"alert\" and .rule.id==\"$REF\"")
[ "$n1" -eq 0 ] && ok "before the reload: no alert" || bad "before the reload: $n1 alerts"
[ "$n2" -eq 1 ] && [ "$n3" -eq 1 ] &&
    ok "after it: the periodicity alert ($("$JQ" -r "select(.rule.id==\"$PER\") | .[\"@timestamp\"]" "$TMPD/out.json" | head -1)) and the reference rule's are back" ||
    bad "after it: $n2 periodicity and $n3 reference alerts"
cat "$TMPD/conns.json.1" "$TMPD/conns.json" | "$JQ" -c 'del(.observer)' | sort > "$TMPD/got"
"$JQ" -c 'del(.observer)' "$TMPD/all.conns" | sort > "$TMPD/want"
if cmp -s "$TMPD/got" "$TMPD/want"; then
	ok "$(wc -l < "$TMPD/want") connection records across the rotation, none lost or doubled"
else
	bad "connection records differ from one plain run:"
	diff "$TMPD/want" "$TMPD/got" | cut -c1-200 | head -6
fi
"$JQ" -e '.faaswatch.stats.reloads.total == 1 and .faaswatch.stats.reloads.errors == 0' \
    "$TMPD/stats.json" > /dev/null && ok "statistics: one reload" ||
    { bad "statistics: reloads"; "$JQ" -c .faaswatch.stats.reloads "$TMPD/stats.json"; }
exit $rc
