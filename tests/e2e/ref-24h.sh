#!/bin/sh
# ref-24h.sh - 24 hours of one host polling a workers.dev name every 5
# minutes (+-10 %) with small payloads, made from the real curl check-in in
# pcaps/lab by pcap_retime: exactly one reference-rule alert for the pair,
# with the rule's report fields, fired at the first connection of the third
# hour; a second day of the same raises it again once, after the 24 hours.
. "$(dirname "$0")/lib.sh"
need_jq
need_retime
t0=1795824000				# 2026-11-28 00:00:00 UTC
"$retime" --seed 5 -o "$TMPD/day.pcap" --start $((t0 + 17)) \
    --until $((t0 + 86400 - 1)) --sleep 300 --jitter 0.1 --model symmetric \
    "$top_srcdir/pcaps/lab/curl__demo-beacon.workers.dev.pcap" > /dev/null ||
    fail "pcap_retime"
fw -r "$TMPD/day.pcap" --connections "$TMPD/conns.json" > "$TMPD/out.json" ||
    fail "faaswatch exit $?"
conns=$(count "$TMPD/conns.json" '.destination.domain=="demo-beacon.workers.dev"')
echo "ok   $conns connections to demo-beacon.workers.dev in 24 h"
[ "$conns" -ge 270 ] || { echo "FAIL: expected about 288 check-ins"; rc=1; }
expect 1 '.event.kind=="alert" and .rule.id=="faaswatch-ref-t1584-007"'
expect 1 '.event.kind=="alert" and .rule.id=="faaswatch-ref-t1584-007" and .source.ip=="10.99.0.2" and .destination.domain=="demo-beacon.workers.dev" and .faaswatch.beaconing_likely==true and .faaswatch.hour_buckets==3 and .faaswatch.connections>=12 and .faaswatch.avg_bytes_sent_per_conn<4096 and .faaswatch.avg_bytes_received_per_conn<16384 and .faaswatch.avg_connections_per_hour>=2 and .faaswatch.remote_ports==[443] and (.faaswatch.first_seen|startswith("2026-11-28T00:")) and (.["@timestamp"]|startswith("2026-11-28T02:"))'

# Two days: the window slides; the pair qualifies again after 24 h.
"$retime" --seed 6 -o "$TMPD/day2.pcap" --start $((t0 + 86400 + 17)) \
    --until $((t0 + 2 * 86400 - 1)) --sleep 300 --jitter 0.1 \
    --model symmetric "$top_srcdir/pcaps/lab/curl__demo-beacon.workers.dev.pcap" > /dev/null
fw -r "$TMPD/day.pcap" -r "$TMPD/day2.pcap" > "$TMPD/two.json" || fail "faaswatch exit $?"
expect 2 '.event.kind=="alert" and .rule.id=="faaswatch-ref-t1584-007"' "$TMPD/two.json"
expect 1 '.event.kind=="alert" and .rule.id=="faaswatch-ref-t1584-007" and (.["@timestamp"]|startswith("2026-11-29T02:"))' "$TMPD/two.json"
# the periodicity rule finds the same beacon within the first hour
expect 1 '.event.kind=="alert" and .rule.id=="faaswatch-periodic-beacon" and .faaswatch.update==false and (.["@timestamp"]|startswith("2026-11-28T00:"))'
expect 0 '.event.kind=="alert" and .destination.domain!="demo-beacon.workers.dev"'
exit $rc
