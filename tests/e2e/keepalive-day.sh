#!/bin/sh
# keepalive-day.sh - check-ins inside long connections.  The lab keep-alive
# capture (one TLS connection, five small requests a second apart) is
# repeated back to back for a day by pcap_retime, then every idle gap over
# half a second is stretched to 60 s +-20 %: 288 connections over a day of
# five check-ins each, 60 s apart (the close of each connection costs one
# interval, a missed check-in).  The periodicity rule must alert on the
# pair with a period of about a minute, counted from the bursts inside the
# connections, not from the connections (one every 5 minutes, which the
# reference rule also reports, once).
. "$(dirname "$0")/lib.sh"
need_jq
need_retime
ka=$top_srcdir/pcaps/lab/keepalive4__demo-beacon.workers.dev.pcap
t0=1795824000				# 2026-11-28 00:00:00 UTC
"$retime" --seed 3 -o "$TMPD/back2back.pcap" --start $t0 --count 288 \
    --sleep 1 --jitter 0 --model reduce "$ka" > /dev/null ||
    fail "pcap_retime (flow mode)"
"$retime" --seed 4 -o "$TMPD/day.pcap" --stretch-gaps 0.5 --to 60 \
    --jitter 0.2 --model symmetric "$TMPD/back2back.pcap" > /dev/null ||
    fail "pcap_retime (gap mode)"
fw -r "$TMPD/day.pcap" --connections "$TMPD/conns.json" > "$TMPD/out.json" ||
    fail "faaswatch exit $?"
W='.destination.domain=="demo-beacon.workers.dev"'
expect 288 ".event.kind==\"event\" and $W" "$TMPD/conns.json"
expect 288 ".event.kind==\"event\" and $W and .faaswatch.checkins==5" "$TMPD/conns.json"
span=$("$JQ" -rs '[.[] | select(.event.kind=="event")] |
    ((last["event"]["end"][0:13]) + " " + (first["@timestamp"][0:13]))' "$TMPD/conns.json")
echo "ok   first and last hour: $span"
expect 1 ".event.kind==\"alert\" and .rule.id==\"faaswatch-periodic-beacon\" and .faaswatch.update==false"
expect 1 ".event.kind==\"alert\" and .rule.id==\"faaswatch-periodic-beacon\" and .faaswatch.update==false and $W and .source.ip==\"10.99.0.2\" and .faaswatch.period_s > 50 and .faaswatch.period_s < 70 and .faaswatch.checkins >= 8 and .faaswatch.jitter <= 0.5 and (.event.reason|test(\"every [0-9]+ s \"))"
"$JQ" -r 'select(.event.kind=="alert") | .event.reason' "$TMPD/out.json" | head -1
expect 1 ".event.kind==\"alert\" and .rule.id==\"faaswatch-ref-t1584-007\""
exit $rc
