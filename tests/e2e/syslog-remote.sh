#!/bin/sh
# syslog-remote.sh - the syslog output against a real rsyslogd on 127.0.0.1,
# with its own configuration, pid file and work directory (imtcp and imudp
# on ports of its choosing; one file of %msg% and one of parsed header
# fields per transport).  tests/tools/syslog_send sends faaswatch's own
# documents (the demo capture's alert, connection records and statistics,
# an IPv6 record, and an alert with a 10 KB command line) and checks:
#   - TCP and UDP deliver exactly the documents sent (jq -S), RFC 5424
#     headers as rsyslog parses them, the long command line shortened and
#     marked, a document too big for a datagram refused and counted;
#   - rsyslogd stopped and restarted in the middle of a TCP run: nothing
#     lost within the queue bound;
#   - the same with a 10-message queue: the refused documents are counted
#     and are exactly the missing ones;
#   - CEF over TCP;
#   - faaswatch itself with a JSON file, TCP and UDP destinations at once:
#     the receiver gets exactly the alerts in the file; and with rsyslogd
#     restarted while faaswatch reads its input, nothing lost within the
#     queue bound, the overflow of a small queue counted.
# Every wait is bounded.  Skips when rsyslogd or jq is missing.
. "$(dirname "$0")/lib.sh"
need_jq
RSYSLOGD=${RSYSLOGD:-$(command -v rsyslogd 2>/dev/null || echo /usr/sbin/rsyslogd)}
[ -x "$RSYSLOGD" ] || skip "rsyslogd is not installed (apt-get install rsyslog)"
SEND="$top_builddir/tests/tools/syslog_send"
[ -x "$SEND" ] || fail "$SEND is not built (make check builds it)"


RS=$TMPD/rs
mkdir -p "$RS"
RSPID=
TCP_PORT=0
UDP_PORT=0
trap 'rs_stop; rm -rf "$TMPD"' EXIT

# sock_port tcp|udp: the port rsyslogd listens on, from its sockets'
# inodes in /proc/net/{tcp,udp} (TCP: in state LISTEN).
sock_port() {
	for fd in /proc/"$RSPID"/fd/*; do
		l=$(readlink "$fd" 2>/dev/null) || continue
		case $l in socket:*) ;; *) continue ;; esac
		ino=${l#socket:\[}
		ino=${ino%\]}
		awk -v ino="$ino" -v tcp="$([ "$1" = tcp ] && echo 1)" \
		    'NR > 1 && $10 == ino && (!tcp || $4 == "0A") { split($2, a, ":"); print a[2] }' \
		    /proc/net/"$1"
	done | head -1 | { read -r hex && printf '%d\n' "0x$hex"; }
}

# rs_start NAME: starts rsyslogd writing NAME.{tcp,udp}.{msg,hdr} on the
# current TCP_PORT/UDP_PORT (0: any) and sets them.
rs_start() {
	cat > "$RS/rsyslog.conf" <<EOF
global(workDirectory="$RS")
module(load="imtcp")
module(load="imudp")
template(name="msg" type="string" string="%msg%\n")
template(name="hdr" type="string" string="%pri% %app-name% %hostname% %procid% %msgid% %timereported:::date-rfc3339%\n")
input(type="imtcp" address="127.0.0.1" port="$TCP_PORT" ruleset="tcp")
input(type="imudp" address="127.0.0.1" port="$UDP_PORT" ruleset="udp")
ruleset(name="tcp") {
	action(type="omfile" file="$RS/$1.tcp.msg" template="msg")
	action(type="omfile" file="$RS/$1.tcp.hdr" template="hdr")
}
ruleset(name="udp") {
	action(type="omfile" file="$RS/$1.udp.msg" template="msg")
	action(type="omfile" file="$RS/$1.udp.hdr" template="hdr")
}
EOF
	"$RSYSLOGD" -n -f "$RS/rsyslog.conf" -i "$RS/rsyslogd.pid" \
	    > "$RS/rsyslogd.log" 2>&1 &
	RSPID=$!
	i=0
	while [ -z "$(sock_port tcp)" ] || [ -z "$(sock_port udp)" ]; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$RSPID" 2>/dev/null; then
			cat "$RS/rsyslogd.log"
			fail "rsyslogd did not start"
		fi
		sleep 0.1
	done
	TCP_PORT=$(sock_port tcp)
	UDP_PORT=$(sock_port udp)
}

# Stops rsyslogd (SIGTERM, then SIGKILL after 10 s) and reaps it.
rs_stop() {
	stop_pid "$RSPID"
	RSPID=
}

# wait_lines FILE N: until FILE has N lines, 20 s at most.
wait_lines() {
	i=0
	while [ "$(cat "$1" 2>/dev/null | wc -l)" -lt "$2" ]; do
		i=$((i + 1))
		[ $i -le 200 ] || return 1
		sleep 0.1
	done
	return 0
}

stat() { "$JQ" -r ".$2" "$1"; }

# ---- the documents: faaswatch's own output -----------------------------------
fw -r "$top_srcdir/pcaps/demo/demo.pcap" -o "$TMPD/demo.json" \
    --connections "$TMPD/demo.json" || fail "faaswatch on the demo capture"
fw -r "$top_srcdir/pcaps/lab/curl6__demo-beacon.workers.dev.pcap" \
    --connections "$TMPD/v6.json" -o /dev/null || fail "faaswatch on curl6"
{
	cat "$TMPD/demo.json"
	"$JQ" -c 'select(.network.type == "ipv6")' "$TMPD/v6.json"
	"$JQ" -c -s '[.[] | select(.event.kind == "alert")][0] |
	    .process.command_line = ("powershell.exe -nop -w hidden -enc " + ("QQBB" * 2500))' \
	    "$TMPD/demo.json"
} > "$TMPD/docs.json"
N=$(wc -l < "$TMPD/docs.json")
NA=$(count "$TMPD/docs.json" '.event.kind == "alert"')
NAH=$(count "$TMPD/docs.json" '.event.kind == "alert" and .event.severity == 73')
[ "$N" -gt 100 ] && [ "$NA" -ge 2 ] && [ "$NAH" -eq "$NA" ] ||
    fail "unexpected documents: $N lines, $NA alerts ($NAH high)"
head -n $((N - 1)) "$TMPD/docs.json" > "$TMPD/docs-short.json"
tail -n 1 "$TMPD/docs.json" > "$TMPD/docs-long.json"
echo "documents: $N ($NA alerts, the last with a 10 KB command line)"

# ---- TCP: everything, in order --------------------------------------------------
rs_start tcp1
timeout 60 "$SEND" -r "tcp://127.0.0.1:$TCP_PORT" -H test-host -w 10000 \
    -s "$TMPD/tcp1.stats" "$TMPD/docs.json" || bad "syslog_send over TCP"
if wait_lines "$RS/tcp1.tcp.msg" "$N"; then
	ok "TCP: $N messages received"
else
	bad "TCP: $(wc -l < "$RS/tcp1.tcp.msg") of $N messages received"
fi
"$JQ" -cS . "$TMPD/docs-short.json" > "$TMPD/want"
head -n $((N - 1)) "$RS/tcp1.tcp.msg" | "$JQ" -cS . > "$TMPD/got" 2>&1
if cmp -s "$TMPD/want" "$TMPD/got"; then
	ok "TCP: the first $((N - 1)) documents are exactly those sent, in order"
else
	bad "TCP: documents differ"; diff "$TMPD/want" "$TMPD/got" | head -5
fi
tail -n 1 "$RS/tcp1.tcp.msg" > "$TMPD/long-got.json"
if "$JQ" -e --slurpfile sent "$TMPD/docs-long.json" '
    .faaswatch.truncated == ["process.command_line"] and
    (.process.command_line | length) > 4000 and
    (.process.command_line as $c | $sent[0].process.command_line | startswith($c)) and
    (del(.faaswatch.truncated, .process.command_line) ==
        ($sent[0] | del(.process.command_line)))' "$TMPD/long-got.json" > /dev/null &&
   [ "$(wc -c < "$TMPD/long-got.json")" -le 8096 ]; then
	ok "TCP: the 10 KB command line is cut to a prefix, marked, within 8 KiB"
else
	bad "TCP: the long document"; head -c 300 "$TMPD/long-got.json"; echo
fi
# rsyslog's parse of the RFC 5424 header: PRI, APP-NAME, HOSTNAME, MSGID, time
awk '{ print $1, $2, $3, $5 }' "$RS/tcp1.tcp.hdr" | sort | uniq -c | sort -rn > "$TMPD/hdr"
nconn=$(count "$TMPD/docs.json" '.event.kind == "event"')
if grep -qx " *$NA 171 faaswatch test-host ALERT" "$TMPD/hdr" &&
   grep -qx " *$nconn 174 faaswatch test-host CONN" "$TMPD/hdr" &&
   grep -qx " *1 174 faaswatch test-host STATS" "$TMPD/hdr" &&
   [ "$(wc -l < "$TMPD/hdr")" -eq 3 ] &&
   grep -q "^171 .* 2026-11-28T11:04:16.204036" "$RS/tcp1.tcp.hdr"; then
	ok "TCP: rsyslog parses the header: local5.err ALERT x$NA, local5.info CONN x$nconn, STATS x1, @timestamp kept"
else
	bad "TCP: headers as rsyslog parsed them:"; cat "$TMPD/hdr"
fi
s=$TMPD/tcp1.stats
[ "$(stat "$s" sent)" -eq "$N" ] && [ "$(stat "$s" truncated)" -eq 1 ] &&
    [ "$(stat "$s" refused)" -eq 0 ] && [ "$(stat "$s" send_errors)" -eq 0 ] &&
    ok "TCP: counters: sent $N, truncated 1, nothing dropped" ||
    { bad "TCP: counters"; cat "$s"; }

# ---- UDP: every datagram within 2 KiB ------------------------------------------
timeout 60 "$SEND" -r "udp://127.0.0.1:$UDP_PORT" -H test-host -d 2 \
    -D "$TMPD/udp.refused" -s "$TMPD/udp.stats" "$TMPD/docs.json" ||
    bad "syslog_send over UDP"
s=$TMPD/udp.stats
nref=$(stat "$s" refused)
nexp=$((N - nref))
wait_lines "$RS/tcp1.udp.msg" "$nexp" || true
# expected: the documents not refused; alerts compared without event.reason
# (which may be cut to fit) and command line
norm='del(.faaswatch.truncated) | if .event.kind == "alert" then del(.event.reason, .process.command_line, .rule.description) else . end'
awk 'FILENAME == ARGV[1] { r[$1] = 1; next } !(FNR in r)' "$TMPD/udp.refused" "$TMPD/docs.json" |
    "$JQ" -cS "$norm" | sort > "$TMPD/want"
"$JQ" -cS "$norm" "$RS/tcp1.udp.msg" 2>&1 | sort > "$TMPD/got"
if cmp -s "$TMPD/want" "$TMPD/got"; then
	ok "UDP: the $nexp documents not refused arrived, exactly"
else
	bad "UDP: documents differ ($(wc -l < "$TMPD/got") received, $nexp expected)"
	diff "$TMPD/want" "$TMPD/got" | head -5
fi
toolong=$(awk 'FILENAME == ARGV[1] { r[$1] = 1; next } (FNR in r) { print length($0) }' \
    "$TMPD/udp.refused" "$TMPD/docs.json" | awk '$1 > 1900' | wc -l)
if [ "$nref" -eq "$(stat "$s" dropped_too_big)" ] && [ "$nref" -eq "$toolong" ] &&
   [ "$(stat "$s" sent)" -eq "$nexp" ] &&
   [ "$(count "$RS/tcp1.udp.msg" '.faaswatch.truncated != null')" -eq "$(stat "$s" truncated)" ] &&
   [ "$(count "$RS/tcp1.udp.msg" '.event.kind == "alert" and .faaswatch.truncated[0] == "event.reason"')" -ge 1 ] &&
   [ "$(count "$RS/tcp1.udp.msg" '.faaswatch.truncated[0] == "process.command_line"')" -eq 1 ]; then
	ok "UDP: $nref too big for a datagram (refused = dropped_too_big), $(stat "$s" truncated) shortened and marked"
else
	bad "UDP: counters"; cat "$s"
fi
awk 'length($0) > 2048 - 100 { n++ } END { exit n > 0 ? 0 : 1 }' "$RS/tcp1.udp.msg" &&
    [ "$(awk 'length($0) > 2048 { n++ } END { print n + 0 }' "$RS/tcp1.udp.msg")" -eq 0 ] &&
    ok "UDP: shortened messages fill the datagram, none is longer" ||
    bad "UDP: message lengths"
rs_stop

# ---- TCP, the receiver stopped and restarted mid-run ------------------------------
# syslog_send pauses 3 s after document 40 (the receiver is stopped in that
# quiet gap: no frame is in flight), then sends the rest while it is down.
run_outage() {	# run_outage NAME QUEUE PAUSE_AT
	rs_start "$1"
	timeout 90 "$SEND" -r "tcp://127.0.0.1:$TCP_PORT" -H test-host -q "$2" \
	    -d 10 -p "$3:3000" -w 20000 -D "$TMPD/$1.refused" \
	    -s "$TMPD/$1.stats" "$TMPD/docs-short.json" > "$TMPD/$1.out" 2>&1 &
	spid=$!
	wait_lines "$RS/$1.tcp.msg" "$3" || bad "$1: the first $3 did not arrive"
	rs_stop
	sleep 4.5
	rs_start "$1"
	wait "$spid" || bad "$1: syslog_send failed: $(cat "$TMPD/$1.out")"
	nref=$(stat "$TMPD/$1.stats" refused)
	wait_lines "$RS/$1.tcp.msg" $((N - 1 - nref)) || true
	rs_stop
	awk 'FILENAME == ARGV[1] { r[$1] = 1; next } !(FNR in r)' "$TMPD/$1.refused" \
	    "$TMPD/docs-short.json" | "$JQ" -cS . > "$TMPD/want"
	"$JQ" -cS . "$RS/$1.tcp.msg" > "$TMPD/got" 2>&1
}
TCP_PORT=0
run_outage outage 10000 40
s=$TMPD/outage.stats
if cmp -s "$TMPD/want" "$TMPD/got" && [ "$nref" -eq 0 ] &&
   [ "$(wc -l < "$TMPD/got")" -eq $((N - 1)) ]; then
	ok "outage: all $((N - 1)) documents arrived in order across the restart"
else
	bad "outage: $(wc -l < "$TMPD/got") of $((N - 1)) arrived"; cat "$s"
	diff "$TMPD/want" "$TMPD/got" | head -5
fi
[ "$(stat "$s" reconnects)" -ge 1 ] && [ "$(stat "$s" send_errors)" -ge 1 ] &&
    [ "$(stat "$s" dropped_close)" -eq 0 ] && [ "$(stat "$s" sent)" -eq $((N - 1)) ] &&
    ok "outage: lost connection seen, $(stat "$s" connect_attempts) attempts, reconnected" ||
    { bad "outage: counters"; cat "$s"; }

TCP_PORT=0
run_outage smallq 10 20
s=$TMPD/smallq.stats
got=$(wc -l < "$TMPD/got")
if cmp -s "$TMPD/want" "$TMPD/got" && [ "$nref" -gt 10 ] &&
   [ "$nref" -eq "$(stat "$s" dropped_queue_full)" ] &&
   [ $((got + nref)) -eq $((N - 1)) ] && [ "$(stat "$s" sent)" -eq "$got" ]; then
	ok "small queue: $nref refused = dropped_queue_full = the $nref missing; the $got others arrived"
else
	bad "small queue: $got arrived, $nref refused"; cat "$s"
	diff "$TMPD/want" "$TMPD/got" | head -5
fi

# ---- CEF over TCP ----------------------------------------------------------------
TCP_PORT=0
rs_start cef
timeout 60 "$SEND" -r "tcp://127.0.0.1:$TCP_PORT" -f cef -H test-host -w 10000 \
    -s "$TMPD/cef.stats" "$TMPD/docs.json" || bad "syslog_send CEF"
wait_lines "$RS/cef.tcp.msg" "$N" || true
if [ "$(grep -c '^CEF:0|faaswatch|faaswatch|[^|]*|[^|]*|[^|]*|[0-9]*|rt=' "$RS/cef.tcp.msg")" -eq "$N" ] &&
   [ "$(grep -c '|faaswatch-ref-t1584-007|Serverless C2 proxy beaconing (reference hunting rule)|8|.* dhost=demo-beacon.workers.dev .*cs3Label=mitreTechniques cs3=T1584.007,T1583.007,T1071.001 ' "$RS/cef.tcp.msg")" -eq 1 ] &&
   [ "$(grep -c '|faaswatch-[a-z0-9-]*|[^|]*|8|.* dhost=demo-beacon.workers.dev ' "$RS/cef.tcp.msg")" -eq "$NA" ] &&
   grep -q 'c6a2Label=Source IPv6 Address c6a2=fd99::2 ' "$RS/cef.tcp.msg" &&
   grep -q 'cs4Label=processCommandLine cs4=powershell.exe -nop -w hidden -enc QQBB' "$RS/cef.tcp.msg"; then
	ok "CEF: $N messages, alerts with rule, severity 8, host and techniques, IPv6 in c6a2"
else
	bad "CEF"; head -c 600 "$RS/cef.tcp.msg"; echo
fi
rs_stop
# ---- faaswatch itself: -o FILE -o tcp:// -o udp:// at once --------------------
# A generated capture in which 40 clients beacon every 5 minutes: dozens of
# periodicity alerts.  What rsyslog receives over TCP is exactly what
# faaswatch wrote to its JSON file; over UDP, the same but for fields cut
# to fit a datagram (marked).
MIX=$TMPD/mix.pcap
"$top_builddir/tests/tools/gen_mix" -o "$MIX" --seed 3 --packets 20000 \
    --clients 200 --duration 7200 --beacons 40 --beacon-sleep 300 \
    --mix tls=80,dns=20 tls:"$top_srcdir/pcaps/lab/curl__www.example.com.pcap" \
    dns:"$top_srcdir/pcaps/lab/dig__api.example.com.pcap" \
    beacon:"$top_srcdir/pcaps/lab/curl__demo-beacon.workers.dev.pcap" \
    > /dev/null 2>&1 || fail "gen_mix"
TCP_PORT=0; UDP_PORT=0
rs_start fw
timeout 60 "$FAASWATCH" --observer-name test -r "$MIX" -o "$TMPD/fw.json" \
    -o "tcp://127.0.0.1:$TCP_PORT" -o "udp://127.0.0.1:$UDP_PORT" \
    --stats "$TMPD/fw.stats" || bad "faaswatch with syslog outputs"
NF=$(wc -l < "$TMPD/fw.json")
wait_lines "$RS/fw.tcp.msg" "$NF" || true
wait_lines "$RS/fw.udp.msg" "$NF" || true
rs_stop
"$JQ" -cS . "$TMPD/fw.json" > "$TMPD/want"
"$JQ" -cS . "$RS/fw.tcp.msg" > "$TMPD/got" 2>&1
if [ "$NF" -ge 20 ] && cmp -s "$TMPD/want" "$TMPD/got"; then
	ok "faaswatch -> TCP: the $NF alerts of its JSON file, exactly, in order"
else
	bad "faaswatch -> TCP: $(wc -l < "$TMPD/got") received of $NF"
fi
"$JQ" -cS "$norm" "$TMPD/fw.json" | sort > "$TMPD/want"
"$JQ" -cS "$norm" "$RS/fw.udp.msg" 2>&1 | sort > "$TMPD/got"
if cmp -s "$TMPD/want" "$TMPD/got"; then
	ok "faaswatch -> UDP: the $NF alerts, fields cut to fit marked"
else
	bad "faaswatch -> UDP: $(wc -l < "$TMPD/got") received of $NF"
fi

# ---- faaswatch, the receiver restarted while it runs --------------------------
# The capture reaches faaswatch through a pipe in two parts; rsyslogd is
# stopped after the first part's alerts arrived and restarted while the
# second part trickles in (its alerts wait in the queue).  With the
# default queue nothing is lost; with a queue of 2 the overflow is counted
# in the statistics record and is exactly what is missing.
editcap -F pcap -c 1000 "$MIX" "$TMPD/chunk.pcap" > /dev/null 2>&1 || skip "editcap is not installed (apt-get install tshark)"
set -- "$TMPD"/chunk_*.pcap
NCHUNK=$#
trickle() {	# the chunks as one pcap stream: the first whole, the rest
		# without their file header, pausing after chunk $1
	i=0
	for c in "$TMPD"/chunk_*.pcap; do
		if [ $i -eq 0 ]; then cat "$c"; else tail -c +25 "$c"; fi
		i=$((i + 1))
		[ $i -eq "$1" ] && sleep 4
		[ $i -gt "$1" ] && sleep 0.3
	done
}
fw_outage() {	# fw_outage NAME QUEUE
	TCP_PORT=0; UDP_PORT=0
	rs_start "$1"
	trickle $((NCHUNK / 3)) | timeout 120 "$FAASWATCH" --observer-name test -r - \
	    -o "$TMPD/$1.json" -o "tcp://127.0.0.1:$TCP_PORT" --syslog-queue "$2" \
	    --stats "$TMPD/$1.stats" &
	fpid=$!
	sleep 2		# the first third is in and sent
	rs_stop
	sleep 3
	rs_start "$1"
	wait "$fpid" || bad "$1: faaswatch exit $?"
	NF=$(wc -l < "$TMPD/$1.json")
	sleep 1
	rs_stop
	"$JQ" -cS . "$RS/$1.tcp.msg" > "$TMPD/got" 2>&1
	"$JQ" -cS . "$TMPD/$1.json" > "$TMPD/want"
	DROPPED=$("$JQ" '[.faaswatch.stats.outputs.destinations[] | select(.destination | startswith("tcp:")) | .dropped_queue_full] | add' "$TMPD/$1.stats")
}
fw_outage fwout 10000
if cmp -s "$TMPD/want" "$TMPD/got" && [ "$DROPPED" -eq 0 ]; then
	ok "faaswatch, receiver restarted: all $NF alerts arrived in order"
else
	bad "faaswatch, receiver restarted: $(wc -l < "$TMPD/got") of $NF, $DROPPED dropped"
fi
fw_outage fwsmall 2
missing=$(comm -23 "$TMPD/want" "$TMPD/got" | wc -l)
extra=$(comm -13 "$TMPD/want" "$TMPD/got" | wc -l)
if [ "$DROPPED" -gt 0 ] && [ "$missing" -eq "$DROPPED" ] && [ "$extra" -eq 0 ]; then
	ok "faaswatch, queue of 2: $DROPPED dropped and counted = the $missing missing"
else
	bad "faaswatch, queue of 2: $missing missing, $DROPPED counted, $extra unexpected"
fi
exit $rc
