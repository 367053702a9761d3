#!/bin/sh
# syslog-local.sh - the local syslog output: syslog(3) writes to /dev/log,
# so tests/tools/syslog_send runs in a private mount namespace (unshare -m)
# where /dev/log is the socket of a test rsyslogd (imuxsock on a socket in
# the test's directory, the system socket off).  When the host has no
# /dev/log, a tmpfs over /dev in that namespace holds it (with null, zero
# and urandom bound back).  Checks that every document arrives, as the JSON
# sent (the one too long for 8 KiB shortened and marked), with facility
# local5, the ident and the mapped severities.  Skips when not root, when
# unshare or mount namespaces are unavailable, or without rsyslogd or jq.
. "$(dirname "$0")/lib.sh"
need_jq
[ "$(id -u)" -eq 0 ] || skip "needs root (a private mount namespace over /dev/log)"
command -v unshare > /dev/null 2>&1 || skip "unshare is not installed (util-linux)"
unshare -m true 2> /dev/null || skip "mount namespaces are not available here (unshare -m failed)"
RSYSLOGD=${RSYSLOGD:-$(command -v rsyslogd 2>/dev/null || echo /usr/sbin/rsyslogd)}
[ -x "$RSYSLOGD" ] || skip "rsyslogd is not installed (apt-get install rsyslog)"
SEND="$top_builddir/tests/tools/syslog_send"
[ -x "$SEND" ] || fail "$SEND is not built (make check builds it)"

RS=$TMPD/rs
mkdir -p "$RS"
RSPID=
trap 'rs_stop; rm -rf "$TMPD"' EXIT

rs_stop() {
	stop_pid "$RSPID"
	RSPID=
}

# ---- the documents ----------------------------------------------------------------
fw -r "$top_srcdir/pcaps/demo/demo.pcap" -o "$TMPD/demo.json" \
    --connections "$TMPD/demo.json" || fail "faaswatch on the demo capture"
{
	cat "$TMPD/demo.json"
	"$JQ" -c -s '[.[] | select(.event.kind == "alert")][0] |
	    .process.command_line = ("powershell.exe -enc " + ("QQBB" * 2500))' \
	    "$TMPD/demo.json"
} > "$TMPD/docs.json"
N=$(wc -l < "$TMPD/docs.json")

# ---- the receiver --------------------------------------------------------------------
cat > "$RS/rsyslog.conf" <<EOF
global(workDirectory="$RS")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$RS/log.sock" RateLimit.Interval="0" ruleset="local")
template(name="msg" type="string" string="%msg%\n")
template(name="hdr" type="string" string="%syslogfacility-text% %syslogseverity-text% %app-name% %procid%\n")
ruleset(name="local") {
	action(type="omfile" file="$RS/local.msg" template="msg")
	action(type="omfile" file="$RS/local.hdr" template="hdr")
}
EOF
"$RSYSLOGD" -n -f "$RS/rsyslog.conf" -i "$RS/rsyslogd.pid" > "$RS/rsyslogd.log" 2>&1 &
RSPID=$!
i=0
while [ ! -S "$RS/log.sock" ]; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$RSPID" 2>/dev/null; then
		cat "$RS/rsyslogd.log"
		fail "rsyslogd did not start"
	fi
	sleep 0.1
done

# ---- the sender, with /dev/log the test socket -----------------------------------
# Everything mounted here is private to the namespace and gone with it.
cat > "$TMPD/ns.sh" <<'EOF'
set -e
mount --make-rprivate /
if [ ! -e /dev/log ]; then
	mkdir "$TMPD/olddev"
	mount --rbind /dev "$TMPD/olddev"
	mount -t tmpfs -o mode=0755 faaswatch-test /dev
	for n in null zero urandom; do
		touch "/dev/$n"
		mount --bind "$TMPD/olddev/$n" "/dev/$n"
	done
	touch /dev/log
fi
mount --bind "$TMPD/rs/log.sock" /dev/log
exec "$SEND" -i faaswatch -F local5 -s "$TMPD/local.stats" "$TMPD/docs.json"
EOF
before=$(stat -c '%F %i' /dev/log 2>&1)
TMPD=$TMPD SEND=$SEND timeout 60 unshare -m sh "$TMPD/ns.sh" > "$TMPD/ns.out" 2>&1 ||
	{ cat "$TMPD/ns.out"; fail "syslog_send in a mount namespace"; }
[ "$(stat -c '%F %i' /dev/log 2>&1)" = "$before" ] ||
	bad "the host's /dev/log changed: $before, now $(stat -c '%F %i' /dev/log 2>&1)"

i=0
while [ "$(cat "$RS/local.msg" 2>/dev/null | wc -l)" -lt "$N" ] && [ $i -lt 100 ]; do
	i=$((i + 1))
	sleep 0.1
done
got=$(wc -l < "$RS/local.msg")
[ "$got" -eq "$N" ] && ok "local: $N messages through /dev/log" ||
	bad "local: $got of $N messages"
head -n $((N - 1)) "$TMPD/docs.json" | "$JQ" -cS . > "$TMPD/want"
head -n $((N - 1)) "$RS/local.msg" | "$JQ" -cS . > "$TMPD/got" 2>&1
if cmp -s "$TMPD/want" "$TMPD/got"; then
	ok "local: the $((N - 1)) documents are exactly those sent, in order"
else
	bad "local: documents differ"; diff "$TMPD/want" "$TMPD/got" | head -5
fi
tail -n 1 "$RS/local.msg" > "$TMPD/long.json"
if "$JQ" -e '.faaswatch.truncated == ["process.command_line"] and
    (.process.command_line | startswith("powershell.exe -enc QQBB"))' \
    "$TMPD/long.json" > /dev/null && [ "$(wc -c < "$TMPD/long.json")" -le 8096 ]; then
	ok "local: the 10 KB command line is shortened to fit 8 KiB and marked"
else
	bad "local: the long document"; head -c 300 "$TMPD/long.json"; echo
fi
nconn=$(count "$TMPD/docs.json" '.event.kind == "event"')
nalert=$(count "$TMPD/docs.json" '.event.kind == "alert" and .faaswatch.severity == "high"')
awk '{ print $1, $2, $3 }' "$RS/local.hdr" | sort | uniq -c | sort -rn > "$TMPD/hdr"
if [ "$nalert" -ge 2 ] && grep -qx " *$nalert local5 err faaswatch" "$TMPD/hdr" &&
   grep -qx " *$((nconn + 1)) local5 info faaswatch" "$TMPD/hdr" &&
   [ "$(wc -l < "$TMPD/hdr")" -eq 2 ]; then
	ok "local: local5.err for the $nalert alerts, local5.info for $nconn records and the statistics, ident faaswatch"
else
	bad "local: facility/severity/ident as rsyslog saw them:"; cat "$TMPD/hdr"
fi
[ "$("$JQ" -r .sent "$TMPD/local.stats")" -eq "$N" ] &&
    [ "$("$JQ" -r .truncated "$TMPD/local.stats")" -eq 1 ] &&
    ok "local: counters: sent $N, truncated 1" ||
    { bad "local: counters"; cat "$TMPD/local.stats"; }
exit $rc
