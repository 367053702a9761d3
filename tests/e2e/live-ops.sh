#!/bin/sh
# live-ops.sh - a live sensor run as a service would run it, in a network
# namespace this test creates (a veth pair, both ends inside): real
# check-ins of pcaps/lab retimed to every 5.5 s and replayed into the veth
# by tcpreplay, faaswatch capturing on the other end started as root with
# -u nobody and --state.
#  1. after start-up the process runs as nobody (uid, gid and groups in
#     /proc), with CAP_NET_RAW and CAP_NET_ADMIN only, and still captures;
#  2. SIGHUP mid-run: the alert file renamed away is reopened under its
#     name and a changed suppression list takes effect: host A's alert
#     went to the old file; host B's, suppressed (and counted) before the
#     reload, comes at its next check-in after it, in the new file; each
#     alert exactly once;
#  3. stopped with SIGTERM in the middle of a beacon (exit 0) and started
#     again with the same --state, the sensor continues the beacon's
#     evidence: its alert counts check-ins from before the restart.
# Needs root, ip netns, tcpreplay and tcprewrite; about 4 minutes (a
# periodicity alert wants 10 check-ins; the shortest period is 5 s).
. "$(dirname "$0")/lib.sh"
need_jq
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, capture)"
for t in ip tcpreplay tcprewrite timeout; do
	command -v $t > /dev/null 2>&1 || skip "$t is not installed (apt-get install iproute2 tcpreplay)"
done
id nobody > /dev/null 2>&1 || skip "no user nobody"
need_retime
NS=fwops$$
ip netns add $NS 2> /dev/null || skip "cannot create a network namespace here"
FWPID=
RPID=
cleanup() {
	[ -n "$RPID" ] && kill $RPID 2> /dev/null
	[ -n "$FWPID" ] && kill -9 $FWPID 2> /dev/null
	ip netns del $NS 2> /dev/null
	rm -rf "$TMPD"
}
trap cleanup EXIT INT TERM
ip -n $NS link add va type veth peer name vb &&
ip -n $NS link set va up && ip -n $NS link set vb up ||
    fail "cannot make the veth pair"
tpl=$top_srcdir/pcaps/lab/curl__demo-beacon.workers.dev.pcap
t0=1795824000

# hosts A and B (A's traffic from 10.99.0.3, 2 s later) every 5.5 s for
# 2 minutes
"$retime" --seed 1 -o "$TMPD/a.pcap" --start $t0 --count 22 --sleep 5.5 \
    --jitter 0.02 "$tpl" > /dev/null &&
"$retime" --seed 2 -o "$TMPD/b0.pcap" --start $((t0 + 2)) --count 22 \
    --sleep 5.5 --jitter 0.02 "$tpl" > /dev/null &&
tcprewrite --pnat=10.99.0.2/32:10.99.0.3/32 --fixcsum -i "$TMPD/b0.pcap" \
    -o "$TMPD/b.pcap" &&
"$retime" -o "$TMPD/ab.pcap" --merge "$TMPD/a.pcap" "$TMPD/b.pcap" > /dev/null ||
    fail "making the replay captures"

mkdir -p "$TMPD/run"
chown nobody "$TMPD/run"
chmod 755 "$TMPD"
R=$TMPD/run
printf '# B is known\nsource=10.99.0.3 reason="lab host B"\n' > "$R/sup.conf"
# a 5.5 s beacon needs check-ins merged over less than the default 5 s
FAST="--min-checkins 5 --min-regular 10 --checkin-merge 1 --stats-interval 0"

start_fw() {	# start_fw LOG: faaswatch in the background as nobody
	ip netns exec $NS "$FAASWATCH" --observer-name test -i va -u nobody \
	    --state "$R/S" --suppress "$R/sup.conf" -o "$R/alerts.json" \
	    --stats "$R/stats.json" $FAST -v 2> "$1" &
	FWPID=$!
	i=0	# until it has dropped privileges (its uid is nobody's)
	while [ $i -lt 50 ]; do
		[ "$(awk '/^Uid:/ { print $2 }' /proc/$FWPID/status 2>/dev/null)" = 65534 ] && return 0
		i=$((i + 1))
		sleep 0.1
	done
	cat "$1"
	fail "faaswatch did not start"
}
wait_for() {	# wait_for SECONDS FILE FILTER: until FILE has a line matching
	i=0
	while [ $i -lt $(($1 * 10)) ]; do
		[ -s "$2" ] && [ "$(count "$2" "$3")" -gt 0 ] && return 0
		i=$((i + 1))
		sleep 0.1
	done
	return 1
}
stop_fw() {
	kill -TERM $FWPID
	timeout 15 sh -c "while kill -0 $FWPID 2>/dev/null; do sleep 0.1; done" ||
	    bad "faaswatch did not stop within 15 s of SIGTERM"
	wait $FWPID
	st=$?
	FWPID=
	[ $st -eq 0 ] && ok "SIGTERM: exit 0" || bad "SIGTERM: exit $st"
}

# ---- 1. privileges ----------------------------------------------------------------
start_fw "$TMPD/fw1.err"
st=/proc/$FWPID/status
ids="$(awk '/^(Uid|Gid|Groups):/' $st | tr '\t' ' ' | tr '\n' ';')"
caps=$(awk '/^CapEff:/ { print $2 }' $st)
# CAP_NET_ADMIN is bit 12, CAP_NET_RAW bit 13
if awk '/^Uid:/ { exit !($2 == 65534 && $3 == 65534 && $4 == 65534 && $5 == 65534) }' $st &&
   awk '/^Gid:/ { exit !($2 == 65534 && $3 == 65534) }' $st &&
   [ "$caps" = 0000000000003000 ]; then
	ok "runs as nobody after start-up ($ids CapEff $caps: net_admin, net_raw)"
else
	bad "privileges after start-up: $ids CapEff $caps"
fi
ip netns exec $NS tcpreplay -q --timer=nano -i vb "$TMPD/ab.pcap" > "$TMPD/replay.out" 2>&1 &
RPID=$!

# ---- 2. SIGHUP: rotated output, changed suppression list -------------------------
A='.event.kind=="alert" and .rule.id=="faaswatch-periodic-beacon" and .source.ip=="10.99.0.2"'
B='.event.kind=="alert" and .rule.id=="faaswatch-periodic-beacon" and .source.ip=="10.99.0.3"'
wait_for 80 "$R/alerts.json" "$A" && ok "live: host A's alert while capturing as nobody" ||
    bad "no alert for host A within 80 s"
i=0	# until B's periodic verdict has been suppressed (SIGUSR1: statistics)
while [ $i -lt 40 ]; do
	kill -USR1 $FWPID
	sleep 0.5
	"$JQ" -e -s '[.[] | select(.event.kind=="metric")] | last |
	    .faaswatch.stats.alerts.suppressed_by_rule["faaswatch-periodic-beacon"] >= 1' \
	    "$R/stats.json" > /dev/null 2>&1 && break
	i=$((i + 1))
done
[ $i -lt 40 ] && ok "host B suppressed before the reload (counted)" ||
    bad "host B was never suppressed"
mv "$R/alerts.json" "$R/alerts.json.1"
echo '# B is no longer known' > "$R/sup.conf"
echo 'domain=unrelated.example reason="placeholder"' >> "$R/sup.conf"
kill -HUP $FWPID
wait_for 90 "$R/alerts.json" "$B" && ok "after SIGHUP: host B's alert, in the reopened file" ||
    bad "no alert for host B after the reload"
wait $RPID
RPID=
kill -USR1 $FWPID
sleep 1
stop_fw
[ "$(count "$R/alerts.json.1" "$A")" -eq 1 ] && [ "$(count "$R/alerts.json.1" "$B")" -eq 0 ] &&
    [ "$(count "$R/alerts.json" "$A")" -eq 0 ] && [ "$(count "$R/alerts.json" "$B")" -eq 1 ] &&
    ok "each alert exactly once, on its side of the rotation" ||
    bad "alerts across the rotation: old A $(count "$R/alerts.json.1" "$A") B $(count "$R/alerts.json.1" "$B"), new A $(count "$R/alerts.json" "$A") B $(count "$R/alerts.json" "$B")"
"$JQ" -e -s '[.[] | select(.event.kind=="metric")] | last | .faaswatch.stats |
    .reloads.total == 1 and .capture.pcap_received > 0 and
    (.capture.pcap_dropped | type) == "number" and .state.written >= 1 and
    (.alerts.suppressed_by_rule["faaswatch-periodic-beacon"] >= 1)' \
    "$R/stats.json" > /dev/null &&
    ok "statistics: $("$JQ" -c -s '[.[] | select(.event.kind=="metric")] | last | .faaswatch.stats | {reloads, capture: .capture | {pcap_received, pcap_dropped, packets}, suppressed: .alerts.suppressed_by_rule}' "$R/stats.json")" ||
    bad "statistics: $("$JQ" -c -s '[.[] | select(.event.kind=="metric")] | last | .faaswatch.stats | {reloads, capture, state, alerts}' "$R/stats.json")"
grep -q "reloaded" "$TMPD/fw1.err" || bad "no reload diagnostic"

# ---- 3. SIGTERM in the middle of a beacon, restart with the state -----------------
rm -f "$R/S" "$R/alerts.json" "$R/alerts.json.1"
printf 'domain=unrelated.example reason="placeholder"\n' > "$R/sup.conf"
"$retime" --seed 3 -o "$TMPD/c.pcap" --start $((t0 + 1000)) --count 22 \
    --sleep 5.5 --jitter 0.02 "$tpl" > /dev/null || fail "pcap_retime"
start_fw "$TMPD/fw2.err"
ip netns exec $NS tcpreplay -q --timer=nano -i vb "$TMPD/c.pcap" > "$TMPD/replay2.out" 2>&1 &
RPID=$!
sleep 25	# five check-ins: not enough for an alert
[ "$(count "$R/alerts.json" '.event.kind=="alert"' 2>/dev/null || echo 0)" -eq 0 ] 2>/dev/null ||
    [ ! -s "$R/alerts.json" ] || bad "an alert before the restart: the test shows nothing"
stop_fw
[ -s "$R/S" ] && ok "a snapshot at exit ($(wc -c < "$R/S") bytes)" || bad "no snapshot at exit"
start_fw "$TMPD/fw3.err"
i=0	# the snapshot is restored at the first packet
while [ $i -lt 100 ] && ! grep -q "restored" "$TMPD/fw3.err"; do
	i=$((i + 1))
	sleep 0.1
done
grep -q "restored 1 pairs" "$TMPD/fw3.err" && ok "$(grep restored "$TMPD/fw3.err")" ||
    { bad "no restore:"; cat "$TMPD/fw3.err"; }
wait_for 90 "$R/alerts.json" "$A" || bad "no alert after the restart"
wait $RPID
RPID=
stop_fw
first=$("$JQ" -r -s '[.[] | select(.event.kind=="alert")] | first | .faaswatch.first_seen' "$R/alerts.json")
cnt=$("$JQ" -r -s '[.[] | select(.event.kind=="alert")] | first | .faaswatch.checkins_total' "$R/alerts.json")
restart=$(stat -c %Y "$TMPD/fw3.err")
first_s=$(date -u -d "$first" +%s 2>/dev/null || echo 0)
[ "$first_s" -gt 0 ] && [ "$first_s" -lt "$restart" ] &&
    ok "the alert after the restart counts the evidence from before it ($cnt check-ins since $first)" ||
    bad "the alert after the restart starts at $first (restart at $(date -u -d @$restart +%H:%M:%S))"
exit $rc
