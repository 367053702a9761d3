#!/bin/sh
# slow-4h.sh - a slow beacon from connection records.  The real curl
# check-in of pcaps/lab repeated every 4 h +-10 % for three days (18
# connections, far below the reference rule's two an hour) raises the
# periodicity alert; Poisson arrivals of the same volume (mean interval
# 4 h, ten different seeds) raise nothing.
. "$(dirname "$0")/lib.sh"
need_jq
need_retime
tpl=$top_srcdir/pcaps/lab/curl__demo-beacon.workers.dev.pcap
t0=1795824000				# 2026-11-28 00:00:00 UTC
until=$((t0 + 3 * 86400))
"$retime" --seed 11 -o "$TMPD/beacon.pcap" --start $((t0 + 600)) \
    --until $until --sleep 14400 --jitter 0.1 --model symmetric "$tpl" \
    > /dev/null || fail "pcap_retime"
fw -r "$TMPD/beacon.pcap" --connections "$TMPD/bconns.json" \
    > "$TMPD/beacon.json" || fail "faaswatch exit $?"
n=$(count "$TMPD/bconns.json" '.destination.domain=="demo-beacon.workers.dev"')
echo "ok   beacon: $n connections in three days"
expect 1 '.event.kind=="alert" and .rule.id=="faaswatch-periodic-beacon" and .faaswatch.update==false and .faaswatch.period_s > 12960 and .faaswatch.period_s < 15840' "$TMPD/beacon.json"
expect 0 '.event.kind=="alert" and .rule.id=="faaswatch-ref-t1584-007"' "$TMPD/beacon.json"
"$JQ" -r 'select(.event.kind=="alert") | .["@timestamp"] + " " + .event.reason' \
    "$TMPD/beacon.json" | head -1

for seed in 1 2 3 4 5 6 7 8 9 10; do
	"$retime" --seed $seed -o "$TMPD/p.pcap" --start $((t0 + 600)) \
	    --until $until --sleep 14400 --model poisson "$tpl" > /dev/null ||
	    fail "pcap_retime (poisson)"
	rm -f "$TMPD/pconns.json"
	fw -r "$TMPD/p.pcap" --connections "$TMPD/pconns.json" \
	    > "$TMPD/p.json" || fail "faaswatch exit $?"
	n=$(count "$TMPD/pconns.json" '.destination.domain=="demo-beacon.workers.dev"')
	got=$(count "$TMPD/p.json" '.event.kind=="alert"')
	if [ "$got" -eq 0 ]; then
		echo "ok   poisson seed $seed: $n connections, no alert"
	else
		echo "FAIL poisson seed $seed: $n connections, $got alerts"
		"$JQ" -r 'select(.event.kind=="alert") | .event.reason' "$TMPD/p.json"
		rc=1
	fi
done
exit $rc
