#!/bin/sh
# feed-sysmon.sh - endpoint feeds joined to the traffic (issue 5):
#  1. the demo capture plus Sysmon event 3 records for its connections
#     (made here from the connections' 5-tuples, in the OTRF/NXLog flat
#     shape, one process: powershell.exe run by CORP\alice on WS01): the
#     alerts carry process.name, user.name and host.name, matched exactly;
#  2. a download-sized exchange (256 KiB each) every 10 minutes for 4 hours
#     from cmd.exe: BeaconingLikely cannot hold, but the reference rule
#     fires on SuspiciousInitiator;
#  3. the same traffic without the feed: no reference-rule alert;
#  4. the feed of 1. with garbage between its records (not JSON, binary,
#     truncated records, a 2 MB line, unknown shapes, deep nesting): the
#     same alerts, every bad line counted by reason, exit 0.
. "$(dirname "$0")/lib.sh"
need_jq
need_retime
check() {	# check N FILTER FILE
	got=$(count "$3" "$2")
	if [ "$got" -eq "$1" ]; then echo "ok   $1 x $2"
	else echo "FAIL $1 x $2: got $got"; rc=1; fi
}
# Sysmon event 3 for every TCP connection of a connection log, from $image.
sysmon() {	# sysmon CONNS IMAGE > FEED
	"$JQ" -c --arg img "$2" 'select(.event.kind=="event" and .network.transport=="tcp") |
	    (.["@timestamp"] | sub("T"; " ") | sub("Z$"; "") | .[0:23]) as $t |
	    {EventID: 3, UtcTime: $t, Channel: "Microsoft-Windows-Sysmon/Operational",
	     ProcessGuid: "{6c3a1f2e-0000-4e2b-9a55-00000000beef}", ProcessId: "4242",
	     Image: $img, User: "CORP\\alice", Protocol: "tcp", Initiated: "true",
	     SourceIsIpv6: "false", SourceIp: .source.ip, SourceHostname: "WS01",
	     SourcePort: (.source.port|tostring), DestinationIsIpv6: "false",
	     DestinationIp: .destination.ip, DestinationHostname: "-",
	     DestinationPort: (.destination.port|tostring), Hostname: "WS01.corp.example"}' "$1"
}

demo=$top_srcdir/pcaps/demo/demo.pcap
fw -r "$demo" --connections "$TMPD/conns.json" -o /dev/null || fail "faaswatch exit $?"
sysmon "$TMPD/conns.json" 'C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe' > "$TMPD/sysmon.json"
echo "ok   $(wc -l < "$TMPD/sysmon.json") Sysmon event 3 records"
fw -r "$demo" --endpoint-feed "$TMPD/sysmon.json" --connections "$TMPD/c2.json" > "$TMPD/a.json" ||
    fail "faaswatch exit $?"
check 2 '.event.kind=="alert" and .process.name=="powershell.exe" and .user.name=="alice" and .user.domain=="CORP" and .host.name=="ws01.corp.example" and .faaswatch.endpoint.match=="exact" and .faaswatch.endpoint.share==1' "$TMPD/a.json"
check 1 '.event.kind=="alert" and .rule.id=="faaswatch-ref-t1584-007" and .faaswatch.suspicious_initiator==true and .faaswatch.beaconing_likely==true' "$TMPD/a.json"
check 0 '.event.kind=="event" and .network.transport=="tcp" and .faaswatch.endpoint.match!="exact"' "$TMPD/c2.json"
check 1 '.event.kind=="metric" and .faaswatch.stats.endpoint.matches.exact>=100 and .faaswatch.stats.endpoint.held_now==0' "$TMPD/a.json"

t0=1795856400		# 2026-11-28 09:00:00 UTC
"$retime" --seed 7 -o "$TMPD/big.pcap" --start $((t0 + 11)) --until $((t0 + 4 * 3600)) \
    --sleep 600 --jitter 0.3 --model symmetric \
    "$top_srcdir/pcaps/lab/curlrange__demo-app.vercel.app.pcap" > /dev/null || fail "pcap_retime"
fw -r "$TMPD/big.pcap" --connections "$TMPD/bc.json" -o /dev/null || fail "faaswatch exit $?"
sysmon "$TMPD/bc.json" 'C:\Windows\System32\cmd.exe' > "$TMPD/cmd.json"
fw -r "$TMPD/big.pcap" --endpoint-feed "$TMPD/cmd.json" > "$TMPD/b.json" || fail "faaswatch exit $?"
check 1 '.event.kind=="alert" and .rule.id=="faaswatch-ref-t1584-007" and .faaswatch.suspicious_initiator==true and .faaswatch.beaconing_likely==false and .faaswatch.avg_bytes_received_per_conn>=16384 and .process.name=="cmd.exe" and (.event.reason|test("SuspiciousInitiator"))' "$TMPD/b.json"
fw -r "$TMPD/big.pcap" > "$TMPD/n.json" || fail "faaswatch exit $?"
check 0 '.event.kind=="alert" and .rule.id=="faaswatch-ref-t1584-007"' "$TMPD/n.json"

i=0
while IFS= read -r line; do
	i=$((i + 1))
	printf '%s\n' "$line"
	case $((i % 6)) in
	0) echo 'garbage {{{ not json' ;;
	1) printf '\001\002\377\376binary\n' ;;
	2) printf '%s\n' "$line" | cut -c1-40 ;;	# a truncated record
	3) head -c 2000000 /dev/zero | tr '\0' 'A'; echo ;;
	4) echo '{"unknown":"shape","EventID":"x"}' ;;
	5) printf '%0.s[' $(seq 1 200); echo ;;	# too deep
	esac
done < "$TMPD/sysmon.json" > "$TMPD/dirty.json"
fw -r "$demo" --endpoint-feed "$TMPD/dirty.json" > "$TMPD/d.json" ||
    { echo "FAIL faaswatch exit $? on the dirty feed"; rc=1; }
check 2 '.event.kind=="alert" and .process.name=="powershell.exe" and .user.name=="alice" and .faaswatch.endpoint.match=="exact"' "$TMPD/d.json"
check 1 '.event.kind=="metric" and .faaswatch.stats.endpoint.matches.exact>=100 and (.faaswatch.stats.endpoint.feeds[0].skipped | .not_json >= 10 and .malformed >= 5 and .oversized >= 5 and .unknown_shape >= 5 and .too_deep >= 5)' "$TMPD/d.json"
"$JQ" -c 'select(.event.kind=="metric") | .faaswatch.stats.endpoint.feeds[0].skipped' "$TMPD/d.json"
exit $rc
