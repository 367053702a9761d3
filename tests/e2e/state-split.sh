#!/bin/sh
# state-split.sh - state across restarts (--state).  A workers.dev beacon
# every 5 min (+-10 %) for 30 hours, made from the real curl check-in of
# pcaps/lab, cut in two captures at hour 4:
#  1. `--state S -r first` then `--state S -r second` writes exactly the
#     alerts of one run over both (the periodicity alert and its updates in
#     the first half, the reference rule's and the rest in the second);
#     without the state the second run starts the evidence again;
#  2. a corrupted, a truncated and a foreign snapshot are reported on
#     stderr and ignored (the run goes on, exit 0, counted), and so is one
#     older than the 24-hour window;
#  3. the snapshot is written through a temporary file: no FILE.tmp is
#     left behind.
. "$(dirname "$0")/lib.sh"
need_jq
need_retime
tpl=$top_srcdir/pcaps/lab/curl__demo-beacon.workers.dev.pcap
t0=1795824000				# 2026-11-28 00:00:00 UTC
"$retime" --seed 21 -o "$TMPD/a.pcap" --start $((t0 + 17)) \
    --until $((t0 + 4 * 3600)) --sleep 300 --jitter 0.1 "$tpl" > /dev/null &&
"$retime" --seed 22 -o "$TMPD/b.pcap" --start $((t0 + 4 * 3600 + 17)) \
    --until $((t0 + 30 * 3600)) --sleep 300 --jitter 0.1 "$tpl" > /dev/null ||
    fail "pcap_retime"
alerts() { "$JQ" -c 'select(.event.kind=="alert")' "$@"; }

fw -r "$TMPD/a.pcap" -r "$TMPD/b.pcap" > "$TMPD/one.json" || fail "faaswatch exit $?"
alerts "$TMPD/one.json" > "$TMPD/want"
n=$(wc -l < "$TMPD/want")
[ "$n" -ge 3 ] || bad "one run: only $n alerts"

fw --state "$TMPD/S" -r "$TMPD/a.pcap" > "$TMPD/1.json" 2> "$TMPD/1.err" ||
    fail "faaswatch exit $? (first half)"
[ -s "$TMPD/S" ] && [ ! -e "$TMPD/S.tmp" ] &&
    ok "snapshot written ($(wc -c < "$TMPD/S") bytes), no temporary file left" ||
    bad "no snapshot, or a temporary file left"
fw --state "$TMPD/S" -r "$TMPD/b.pcap" -v > "$TMPD/2.json" 2> "$TMPD/2.err" ||
    fail "faaswatch exit $? (second half)"
cat "$TMPD/1.json" "$TMPD/2.json" | alerts > "$TMPD/got"
if cmp -s "$TMPD/want" "$TMPD/got"; then
	ok "two runs with --state: the same $n alerts as one run, byte for byte"
else
	bad "two runs with --state differ from one run:"
	diff "$TMPD/want" "$TMPD/got" | cut -c1-220 | head -8
fi
grep -q "restored 1 pairs (1 with a history), 1 domains, 1 names" "$TMPD/2.err" &&
    ok "$(grep restored "$TMPD/2.err")" || { bad "no restore message"; cat "$TMPD/2.err"; }
"$JQ" -e 'select(.event.kind=="metric") | .faaswatch.stats.state |
    .restored == true and .restored_pairs == 1 and .written == 1' \
    "$TMPD/2.json" > /dev/null && ok "statistics: restored, written" ||
    bad "statistics: $("$JQ" -c 'select(.event.kind=="metric") | .faaswatch.stats.state' "$TMPD/2.json")"

fw -r "$TMPD/b.pcap" > "$TMPD/fresh.json" || fail "faaswatch exit $?"
cat "$TMPD/1.json" "$TMPD/fresh.json" | alerts > "$TMPD/nostate"
cmp -s "$TMPD/want" "$TMPD/nostate" &&
    bad "without --state the alerts are the same: the test shows nothing" ||
    ok "without --state the second run starts afresh ($(alerts "$TMPD/fresh.json" | wc -l) alerts instead of $(alerts "$TMPD/2.json" | wc -l))"

# a snapshot that must be ignored: REASON, then the run as without state
ignored() {	# ignored WHAT PATTERN
	fw --state "$TMPD/X" -r "$TMPD/b.pcap" > "$TMPD/x.json" 2> "$TMPD/x.err"
	st=$?
	if [ $st -eq 0 ] && grep -q "$2" "$TMPD/x.err" &&
	    alerts "$TMPD/x.json" | cmp -s - "$TMPD/fresh.alerts" &&
	    "$JQ" -e 'select(.event.kind=="metric") | .faaswatch.stats.state.ignored == 1' \
	    "$TMPD/x.json" > /dev/null; then
		ok "$1: $(head -1 "$TMPD/x.err")"
	else
		bad "$1 (exit $st):"; cat "$TMPD/x.err"
	fi
}
alerts "$TMPD/fresh.json" > "$TMPD/fresh.alerts"
size=$(wc -c < "$TMPD/S")
# one byte of the body flipped
cp "$TMPD/S" "$TMPD/X"
printf '\377' | dd of="$TMPD/X" bs=1 seek=$((size - 100)) conv=notrunc 2> /dev/null
ignored "a corrupted snapshot" "checksum mismatch"
head -c $((size - 7)) "$TMPD/S" > "$TMPD/X"
ignored "a truncated snapshot" "truncated"
printf 'not a snapshot at all\n' > "$TMPD/X"
ignored "a foreign file" "not a faaswatch snapshot"
cp "$TMPD/S" "$TMPD/X"
printf '\000\000\000\011' | dd of="$TMPD/X" bs=1 seek=8 conv=notrunc 2> /dev/null
ignored "a snapshot of another format version" "another version"
# a snapshot from the first half, restored 2 days later
"$retime" --seed 23 -o "$TMPD/late.pcap" --start $((t0 + 3 * 86400)) \
    --count 3 --sleep 300 "$tpl" > /dev/null || fail "pcap_retime"
cp "$TMPD/S" "$TMPD/Y"
fw --state "$TMPD/Y" -r "$TMPD/late.pcap" > /dev/null 2> "$TMPD/y.err" &&
    grep -q "older than the 24 hour window; ignored" "$TMPD/y.err" &&
    ok "an old snapshot: $(head -1 "$TMPD/y.err")" ||
    { bad "an old snapshot:"; cat "$TMPD/y.err"; }
exit $rc
