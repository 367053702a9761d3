#!/bin/sh
# live-netns.sh - live capture, for real.  Two network namespaces made here
# (server, client) joined by a veth pair, IPv6 off on it so the link is
# silent unless the test speaks.  In the server namespace an openssl
# s_server -www with a throwaway certificate for demo-beacon.workers.dev,
# and faaswatch capturing on the server end of the veth.
#  A. A real beacon: curl in the client namespace every 5.2-5.6 s (the
#     periodicity rule takes no period under 5 s; --min-regular 20 and
#     --checkin-merge 1 make it decide within a minute) until the
#     periodicity alert for 10.231.0.2 -> demo-beacon.workers.dev is in the
#     alert file, 90 s at most; it must be written while faaswatch runs,
#     with its source, destination, SNI, interface and period.  Then, the
#     link idle: --stats-interval 2 writes records, SIGUSR1 writes one now,
#     SIGTERM stops it at once with exit 0 and a final record.
#  B. A capture replayed into the veth at a fixed rate (tcpreplay: 20 loops
#     of pcaps/demo/demo.pcap, 39860 packets at 20000/s), faaswatch with a
#     64 KiB buffer: a SIGUSR1 record during the replay, then the final
#     record carries the live counters: received equals what was replayed,
#     received = processed + dropped, ifdropped present.  Drops depend on
#     the machine: reported, not required.
# A faaswatch that does not stop on SIGTERM on the idle link is reported,
# then woken with single packets so the rest still runs.  Skips when not
# root, without network namespaces, openssl, curl, tcpreplay or jq.
# FW_LIVE_PPS and FW_LIVE_LOOPS change the replay.  About 65 s.
. "$(dirname "$0")/lib.sh"
need_jq
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, live capture)"
for t in ip openssl curl tcpreplay; do
	command -v $t > /dev/null 2>&1 || case $t in
	ip)	skip "ip is not installed (apt-get install iproute2)" ;;
	*)	skip "$t is not installed (apt-get install $t)" ;;
	esac
done
[ -x "$FAASWATCH" ] || fail "$FAASWATCH is not built"
PCAP=$top_srcdir/pcaps/demo/demo.pcap
[ -r "$PCAP" ] || fail "$PCAP is missing"
PPS=${FW_LIVE_PPS:-20000}
LOOPS=${FW_LIVE_LOOPS:-20}

NS_S=fwlive-s-$$
NS_C=fwlive-c-$$
IF_S=fwls$$
IF_C=fwlc$$
SRV_IP=10.231.0.1
CLI_IP=10.231.0.2
NAME=demo-beacon.workers.dev
PER=faaswatch-periodic-beacon
PIDS=		# background processes, stopped by cleanup
T0=$(date +%s)

cleanup() {
	for p in $PIDS; do
		kill -TERM "$p" 2> /dev/null
	done
	sleep 0.2
	for p in $PIDS; do
		kill -KILL "$p" 2> /dev/null
		wait "$p" 2> /dev/null
	done
	# anything still inside the namespaces was started by this test
	for ns in $NS_S $NS_C; do
		for p in $(ip netns pids "$ns" 2> /dev/null); do
			kill -KILL "$p" 2> /dev/null
		done
		ip netns del "$ns" 2> /dev/null
	done
	rm -rf "$TMPD"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

inC() { ip netns exec "$NS_C" "$@"; }

# forget PID: PID was waited for; cleanup must not signal its number again.
forget() {
	_l=
	for _p in $PIDS; do
		[ "$_p" = "$1" ] || _l="$_l $_p"
	done
	PIDS=$_l
}

# gone PID TENTHS: true once PID has exited (a zombie counts), polling for
# TENTHS tenths of a second at most.
gone() {
	_i=0
	while [ "$_i" -lt "$2" ]; do
		_st=$(cut -d' ' -f3 /proc/"$1"/stat 2> /dev/null) || return 0
		[ "$_st" = Z ] && return 0
		_i=$((_i + 1))
		sleep 0.1
	done
	return 1
}

# watchdog PID: kills PID after 170 s, or soon after this script dies.
watchdog() {
	(
		i=0
		while [ $i -lt 170 ] && kill -0 $$ 2> /dev/null; do
			sleep 1
			i=$((i + 1))
		done
		kill -KILL "$1"
	) > /dev/null 2>&1 &
	PIDS="$PIDS $!"
}

# nrec FILE FILTER: JSON lines of FILE (maybe being written) matching FILTER.
nrec() {
	"$JQ" -cR "fromjson? | select($2)" "$1" 2> /dev/null | wc -l |
	    tr -d ' '
}

# start_fw LOG ARGS...: faaswatch on the server end, its pid in FW; waits
# until it says it captures.
start_fw() {
	_log=$1
	shift
	# not through a function: $! must be faaswatch (ip execs it)
	ip netns exec "$NS_S" "$FAASWATCH" --observer-name test -v \
	    -i "$IF_S" "$@" > "$_log" 2>&1 &
	FW=$!
	PIDS="$PIDS $FW"
	watchdog "$FW"
	_i=0
	until grep -qs "capturing on $IF_S" "$_log"; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ] || gone "$FW" 1; then
			cat "$_log"
			fail "faaswatch did not start capturing on $IF_S"
		fi
		sleep 0.1
	done
}

# poke: one packet on the link (the first of the demo capture).
POKES=0
poke() {
	inC timeout 10 tcpreplay -q -i "$IF_C" --limit 1 "$PCAP" \
	    > /dev/null 2>&1
	POKES=$((POKES + 1))
}

# stop_fw WHAT: SIGTERM to FW on the idle link; its exit status in FWRC.
# It must be gone within 5 s; if not, it is reported and woken with single
# packets, one a second, 10 at most, then killed.
stop_fw() {
	kill -TERM "$FW"
	if gone "$FW" 50; then
		ok "$1: SIGTERM on the idle link stops it at once"
	else
		bad "$1: still running 5 s after SIGTERM on the idle link" \
		    "(it only stops when a packet arrives)"
		_j=0
		while [ $_j -lt 10 ] && ! gone "$FW" 10; do
			poke
			_j=$((_j + 1))
		done
		if gone "$FW" 1; then
			echo "     ... it stopped after $_j packet(s) sent to wake it"
		else
			kill -KILL "$FW"
		fi
	fi
	wait "$FW"
	FWRC=$?
	forget "$FW"
}

# ---- the namespaces -------------------------------------------------------
ip netns add "$NS_S" 2> /dev/null ||
    skip "cannot create a network namespace (ip netns add failed)"
ip netns add "$NS_C" || fail "ip netns add $NS_C"
ip link add "$IF_S" netns "$NS_S" type veth peer name "$IF_C" netns "$NS_C" ||
    fail "cannot create the veth pair"
for x in "$NS_S $IF_S $SRV_IP" "$NS_C $IF_C $CLI_IP"; do
	# shellcheck disable=SC2086
	set -- $x
	# no IPv6: no neighbour or router chatter on the link
	ip netns exec "$1" \
	    sh -c "echo 1 > /proc/sys/net/ipv6/conf/$2/disable_ipv6" 2> /dev/null
	ip -n "$1" addr add "$3/24" dev "$2" &&
	    ip -n "$1" link set "$2" up &&
	    ip -n "$1" link set lo up || fail "cannot configure $2 in $1"
done

# ---- the server -----------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=$NAME" \
    -keyout "$TMPD/key.pem" -out "$TMPD/cert.pem" > "$TMPD/req.log" 2>&1 ||
    { cat "$TMPD/req.log"; fail "openssl req"; }
ip netns exec "$NS_S" timeout 170 openssl s_server -quiet -www -accept 443 \
    -cert "$TMPD/cert.pem" -key "$TMPD/key.pem" > "$TMPD/server.log" 2>&1 &
PIDS="$PIDS $!"
beacon() {
	inC timeout 10 curl -sk --max-time 5 -o /dev/null \
	    --resolve "$NAME:443:$SRV_IP" "https://$NAME/"
}
i=0
until beacon; do
	i=$((i + 1))
	if [ $i -gt 50 ]; then
		cat "$TMPD/server.log"
		fail "the TLS server in $NS_S does not answer"
	fi
	sleep 0.1
done

# ---- A. a real beacon -----------------------------------------------------
AL=$TMPD/a-alerts.json
AS=$TMPD/a-stats.json
start_fw "$TMPD/a.log" -o "$AL" --stats "$AS" --stats-interval 2 \
    --min-checkins 8 --min-regular 20 --checkin-merge 1
FWA=$FW
SEL=".event.kind == \"alert\" and .rule.id == \"$PER\" and
    .source.ip == \"$CLI_IP\" and .destination.domain == \"$NAME\""
start=$(date +%s)
n=0
got=0
while [ $(($(date +%s) - start)) -lt 90 ]; do
	beacon || echo "     (a check-in failed: curl exit $?)"
	n=$((n + 1))
	sleep 0.3
	if [ "$(nrec "$AL" "$SEL")" -ge 1 ]; then
		got=1
		break
	fi
	sleep "$(awk -v s="$$$n" 'BEGIN { srand(s);
	    printf "%.2f", 4.9 + rand() * 0.4 }')"
done
took=$(($(date +%s) - start))
if [ $got -eq 1 ] && ! gone "$FWA" 1; then
	ok "A: periodicity alert written live," \
	    "$took s and $n check-ins into the beacon"
elif [ $got -eq 1 ]; then
	bad "A: the alert was written, but faaswatch had exited:"
	cat "$TMPD/a.log"
else
	bad "A: no periodicity alert after $took s ($n check-ins); alerts:"
	"$JQ" -c '[.rule.id, .source.ip, .destination.domain]' "$AL" 2> /dev/null
	tail -n 5 "$TMPD/a.log"
fi
if [ $got -eq 1 ]; then
	"$JQ" -cR "fromjson? | select($SEL)" "$AL" | head -n 1 > "$TMPD/alert.json"
	if "$JQ" -e --argjson t0 "$start" --arg ip "$SRV_IP" --arg iface "$IF_S" '
	    def secs: sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601;
	    .destination.ip == $ip and .destination.port == 443 and
	    .tls.client.server_name == .destination.domain and
	    .observer.ingress.interface.name == $iface and
	    .faaswatch.period_s >= 5.0 and .faaswatch.period_s <= 6.5 and
	    .faaswatch.checkins >= 8 and .faaswatch.update == false and
	    .faaswatch.serverless.pattern == "*.workers.dev" and
	    (.["@timestamp"] | secs) >= $t0 and
	    (.["@timestamp"] | secs) <= $t0 + 120' "$TMPD/alert.json" > /dev/null
	then
		ok "A: the alert: $("$JQ" -r '"\(.source.ip) ->
		    \(.destination.domain) (\(.destination.ip):\(.destination.port),
		    SNI \(.tls.client.server_name)) on
		    \(.observer.ingress.interface.name), period
		    \(.faaswatch.period_s) s, \(.faaswatch.checkins) check-ins" |
		    gsub("\\s+"; " ")' "$TMPD/alert.json")"
	else
		bad "A: the alert's fields:"
		cat "$TMPD/alert.json"
	fi
fi

# The link is idle from here on.
n0=$(nrec "$AS" '.event.action == "stats"')
sleep 5.5
n=$(($(nrec "$AS" '.event.action == "stats"') - n0))
[ $n -ge 2 ] &&
    ok "A: --stats-interval 2 on the idle link: $n records in 5.5 s" ||
    bad "A: --stats-interval 2 on the idle link: $n records in 5.5 s," \
	"expected 2 or more"
n0=$(nrec "$AS" '.event.action == "stats"')
kill -USR1 "$FWA"
i=0
while [ "$(nrec "$AS" '.event.action == "stats"')" -le "$n0" ] &&
    [ $i -lt 30 ]; do
	i=$((i + 1))
	sleep 0.1
done
[ $i -lt 30 ] &&
    ok "A: SIGUSR1 on the idle link writes a statistics record at once" ||
    bad "A: SIGUSR1 on the idle link: no statistics record within 3 s"
stop_fw "A"
[ "$FWRC" -eq 0 ] && ok "A: exit status 0" ||
    { bad "A: exit status $FWRC"; tail -n 5 "$TMPD/a.log"; }
tail -n 1 "$AS" > "$TMPD/a-final.json"
if "$JQ" -e --arg per $PER '.event.kind == "metric" and
    .event.action == "stats-final" and
    (.faaswatch.stats.capture | .pcap_received > 0 and
	(.pcap_dropped | type) == "number" and
	(.pcap_ifdropped | type) == "number" and
	.lost == 0 and .reopens == 0 and has("files") == false) and
    .faaswatch.stats.alerts.by_rule[$per] >= 1 and
    .faaswatch.stats.tls.client_hellos >= 8' "$TMPD/a-final.json" > /dev/null
then
	ok "A: final statistics record: $("$JQ" -r '.faaswatch.stats |
	    "\(.capture | tojson), \(.tls.client_hellos) ClientHellos"' \
	    "$TMPD/a-final.json")"
else
	bad "A: final statistics record:"
	"$JQ" -c '[.event.action, .faaswatch.stats.capture,
	    .faaswatch.stats.alerts]' "$TMPD/a-final.json"
fi

# ---- B. a replayed capture at a fixed rate, a small buffer ------------------
BS=$TMPD/b-stats.json
POKES=0
start_fw "$TMPD/b.log" -o "$TMPD/b-alerts.json" --stats "$BS" \
    --stats-interval 0 --buffer-size 64
ip netns exec "$NS_C" timeout 60 tcpreplay -i "$IF_C" --pps "$PPS" \
    --loop "$LOOPS" "$PCAP" > "$TMPD/replay.log" 2>&1 &
TR=$!
PIDS="$PIDS $TR"
# halfway through (demo.pcap holds 1993 packets), 1 s at most
sleep "$(awk -v n=$((LOOPS * 1993)) -v r="$PPS" 'BEGIN { d = n / r / 2;
    if (d > 1) d = 1; printf "%.2f", d }')"
kill -USR1 "$FW"
wait "$TR"
trc=$?
forget "$TR"
sent=$(awk '/Actual:/ { print $2; exit }' "$TMPD/replay.log")
failed=$(awk '/Failed packets:/ { print $3; exit }' "$TMPD/replay.log")
rate=$(awk '/Rated:/ { print $(NF - 1), $NF; exit }' "$TMPD/replay.log")
if [ "$trc" -ne 0 ] || [ -z "$sent" ]; then
	cat "$TMPD/replay.log"
	bad "B: tcpreplay exit $trc"
	sent=0
fi
: "${failed:=0}"
ok "B: replayed $sent packets ($rate, $failed failed) into $IF_C"
sleep 1		# the ring drains
if [ "$(nrec "$BS" '.event.action == "stats" and
    .faaswatch.stats.capture.pcap_received > 0')" -eq 1 ]; then
	ok "B: SIGUSR1 during the replay: a record with $("$JQ" -c \
	    'select(.event.action == "stats") | .faaswatch.stats.capture' "$BS")"
else
	bad "B: SIGUSR1 during the replay: no record with live counters"
	cat "$BS"
fi
stop_fw "B"
[ "$FWRC" -eq 0 ] && ok "B: exit status 0" ||
    { bad "B: exit status $FWRC"; tail -n 5 "$TMPD/b.log"; }
tail -n 1 "$BS" > "$TMPD/b-final.json"
if "$JQ" -e '.event.action == "stats-final" and
    (.faaswatch.stats.capture | .pcap_received > 0 and .packets > 0 and
	(.pcap_dropped | type) == "number" and
	(.pcap_ifdropped | type) == "number" and
	.lost == 0 and .reopens == 0)' "$TMPD/b-final.json" > /dev/null
then
	eval "$("$JQ" -r '.faaswatch.stats.capture |
	    "recv=\(.pcap_received) drop=\(.pcap_dropped)
	    ifdrop=\(.pcap_ifdropped) pkts=\(.packets)"' "$TMPD/b-final.json")"
	pct=$(awk -v d="$drop" -v r="$recv" 'BEGIN { printf "%.1f", 100 * d / r }')
	ok "B: final record: received $recv, processed $pkts, dropped $drop" \
	    "($pct %), ifdropped $ifdrop at $PPS packets/s, 64 KiB buffer"
	# the link carried the replay, and the packets sent to wake it
	lo=$((sent - failed))
	hi=$((sent + POKES + 10))
	[ "$recv" -ge "$lo" ] && [ "$recv" -le "$hi" ] &&
	    ok "B: received $recv of the $sent replayed (+$POKES to wake it)" ||
	    bad "B: received $recv, expected $lo to $hi" \
		"($sent replayed, $POKES to wake it)"
	[ $((pkts + drop)) -eq "$recv" ] &&
	    ok "B: received = processed + dropped" ||
	    bad "B: received $recv != processed $pkts + dropped $drop"
else
	bad "B: final statistics record:"
	"$JQ" -c '[.event.action, .faaswatch.stats.capture]' "$TMPD/b-final.json"
fi
echo "     ($(($(date +%s) - T0)) s)"
exit $rc
