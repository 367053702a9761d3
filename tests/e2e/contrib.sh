#!/bin/sh
# contrib.sh - the packaging files in contrib/, each checked by the tool
# that reads it: (a) systemd-analyze verify and security on the unit (its
# ExecStart pointed at the built faaswatch); (b) live capture on lo in a
# private network namespace as an unprivileged user holding only the
# unit's capabilities; (c) logrotate -d, then two forced rotations of
# temporary files, the postrotate HUP reaching the pidfile's process;
# (d) rsyslogd -N1 on the snippet, then a test rsyslogd filing faaswatch's
# messages, alone and as sent, and nothing else; (e) systemd-sysusers and
# systemd-tmpfiles into a scratch root; (f) the example configuration has
# every option of --help, passes faaswatch -t as it is and with each
# default uncommented, and its numeric defaults are those of --help.  A
# part whose tool, or root, is missing is skipped with a reason; the test
# skips only if all of them are.
. "$(dirname "$0")/lib.sh"
C=$top_srcdir/contrib
ran=0
part_skip() { echo "skip $*"; }
have() { command -v "$1" > /dev/null 2>&1; }
RSPID=
HUPPID=
cleanup() {
	for p in $RSPID $HUPPID; do
		kill "$p" 2> /dev/null && wait "$p" 2> /dev/null
	done
	rm -rf "$TMPD"
}
trap cleanup EXIT

# ---- (a) the unit -------------------------------------------------------------
part_unit() {
	have systemd-analyze || { part_skip "unit: no systemd-analyze (apt-get install systemd)"; return; }
	D=$TMPD/unit
	mkdir -p "$D"
	sed "s|/usr/sbin/faaswatch|$FAASWATCH|g" "$C/faaswatch.service" > "$D/faaswatch.service"
	printf '[Service]\nExecStart=/bin/true\n' > "$D/control.service"
	# A unit known to be good tells a broken systemd-analyze from a broken unit.
	if ! SYSTEMD_LOG_LEVEL=notice timeout 60 systemd-analyze verify --man=no \
	    "$D/control.service" > "$D/control.out" 2>&1; then
		part_skip "unit: systemd-analyze verify cannot run here: $(head -n 1 "$D/control.out")"
		return
	fi
	ran=$((ran + 1))
	# It exits 0 on unknown keys and bad values, so any word about the unit fails.
	if SYSTEMD_LOG_LEVEL=notice timeout 60 systemd-analyze verify --man=no \
	    "$D/faaswatch.service" > "$D/verify.out" 2>&1 &&
	    ! grep -q faaswatch "$D/verify.out"; then
		ok "unit: systemd-analyze verify accepts faaswatch.service"
	else
		bad "unit: systemd-analyze verify:"; cat "$D/verify.out"
	fi
	# Overall exposure on systemd's 0-10 scale, 3.0 at most ("OK").
	if timeout 60 systemd-analyze security --offline=yes --threshold=30 \
	    --no-pager "$D/faaswatch.service" > "$D/security.out" 2>&1; then
		ok "unit: systemd-analyze security: exposure $(sed -n \
		    's/.*exposure level for [^ ]*: \([0-9.]* [A-Z]*\).*/\1/p' "$D/security.out")"
	elif ! grep -q 'Overall exposure' "$D/security.out"; then
		part_skip "unit: systemd-analyze security --offline is not supported here"
	else
		bad "unit: exposure above 3.0:"; grep '✗' "$D/security.out"
	fi
	for k in "Type=simple" "User=faaswatch" "NoNewPrivileges=yes" \
	    "ProtectSystem=strict" "Restart=on-failure"; do
		grep -qx "$k" "$C/faaswatch.service" || bad "unit: no $k"
	done
	grep '^ExecStart=' "$C/faaswatch.service" | grep -q -- ' -D' &&
		bad "unit: ExecStart daemonizes (-D) in a Type=simple unit"
}

# ---- (b) capture with the unit's capabilities only --------------------------------
part_caps() {
	[ "$(id -u)" -eq 0 ] || { part_skip "capabilities: needs root (a network namespace, setpriv)"; return; }
	for t in unshare setpriv logger ip; do
		have $t || { part_skip "capabilities: no $t"; return; }
	done
	unshare -n true 2> /dev/null || { part_skip "capabilities: network namespaces are not available here"; return; }
	ran=$((ran + 1))
	caps=$(sed -n 's/^AmbientCapabilities=//p' "$C/faaswatch.service" |
	    tr '[:upper:]' '[:lower:]' | sed 's/cap_/+/g; s/ /,/g')
	[ -n "$caps" ] || { bad "capabilities: no AmbientCapabilities= in the unit"; return; }
	D=$TMPD/caps
	mkdir -p "$D"
	chmod 0711 "$TMPD"
	chmod 0777 "$D"
	cat > "$D/run.sh" <<'EOF'
ip link set lo up || exit 99
# as nobody, with only $1 (ambient, inheritable and bounding) and no way back
setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs \
    --inh-caps=-all,$1 --ambient-caps=-all,$1 --bounding-set=-all,$1 \
    "$FAASWATCH" -i lo --observer-name test -o "$D/alerts.json" \
    --stats "$D/stats.json" 2> "$D/fw.err" &
p=$!
i=0
while [ $i -lt 50 ] && kill -0 $p 2> /dev/null; do
	logger -d -n 127.0.0.1 -P 9 "packet $i" 2> /dev/null
	i=$((i + 1))
	sleep 0.1
	[ $i -eq 10 ] && kill -TERM $p
done
kill -0 $p 2> /dev/null && { kill -KILL $p; echo "still running"; }
wait $p
echo "exit $?"
EOF
	# a datagram after SIGTERM also wakes a capture blocked on a quiet lo
	export D FAASWATCH
	timeout 30 unshare -n sh "$D/run.sh" "$caps" > "$D/run.out" 2>&1
	n=$(grep -o '"capture":{"packets":[0-9]*' "$D/stats.json" 2> /dev/null |
	    tail -n 1 | sed 's/.*://')
	if grep -qx "exit 0" "$D/run.out" && [ "${n:-0}" -ge 5 ]; then
		ok "capabilities: nobody with only ${caps} captures on lo ($n packets) and exits 0 on SIGTERM"
	else
		bad "capabilities: with $caps as nobody:"; cat "$D/run.out" "$D/fw.err"
	fi
	rm -f "$D/alerts.json" "$D/stats.json"
	timeout 30 unshare -n sh "$D/run.sh" "-net_raw" > "$D/run.out" 2>&1
	grep -qx "exit 1" "$D/run.out" && ok "capabilities: without them the capture is refused" ||
		{ bad "capabilities: nobody without capabilities:"; cat "$D/run.out" "$D/fw.err"; }
}

# ---- (c) logrotate -------------------------------------------------------------
part_logrotate() {
	LR=${LOGROTATE:-$(command -v logrotate || echo /usr/sbin/logrotate)}
	[ -x "$LR" ] || { part_skip "logrotate: not installed (apt-get install logrotate)"; return; }
	ran=$((ran + 1))
	D=$TMPD/lr
	mkdir -p "$D/log"
	[ "$(id -u)" -eq 0 ] && chmod 0750 "$D/log"
	timeout 30 "$LR" -d -s "$D/state" "$C/faaswatch.logrotate" > "$D/d.out" 2>&1 &&
	    ! grep -qi error "$D/d.out" &&
	    grep -q 'rotating pattern: /var/log/faaswatch/\*.json' "$D/d.out" &&
		ok "logrotate: -d accepts faaswatch.logrotate" ||
		{ bad "logrotate -d:"; cat "$D/d.out"; }
	# The same file on a scratch directory, without systemd and rsyslog, the
	# pidfile naming a shell that records each SIGHUP.
	sed -e "s|/var/log/faaswatch/|$D/log/|" -e "s|/run/systemd/system|$D/no-systemd|" \
	    -e "s|/run/faaswatch.pid|$D/pid|g" -e "s|/etc/rsyslog.d/30-faaswatch.conf|$D/no-rsyslog|" \
	    "$C/faaswatch.logrotate" > "$D/lr.conf"
	sh -c 'trap "echo hup >> $0" HUP; while :; do sleep 0.1; done' "$D/hups" &
	HUPPID=$!
	echo $HUPPID > "$D/pid"
	sleep 0.2
	echo '{"n":1}' > "$D/log/alerts.json"
	: > "$D/log/empty.json"
	timeout 30 "$LR" -f -s "$D/state" "$D/lr.conf" > "$D/f1.out" 2>&1 || bad "logrotate -f (1)"
	echo '{"n":2}' > "$D/log/alerts.json"
	sleep 0.3
	timeout 30 "$LR" -f -s "$D/state" "$D/lr.conf" > "$D/f2.out" 2>&1 || bad "logrotate -f (2)"
	sleep 0.3
	(cd "$D/log" && ls) | tr '\n' ' ' > "$D/ls"
	if [ "$(cat "$D/ls")" = "alerts.json.1 alerts.json.2.gz empty.json " ] &&
	    [ "$(gzip -dc "$D/log/alerts.json.2.gz")" = '{"n":1}' ] &&
	    [ "$(cat "$D/log/alerts.json.1")" = '{"n":2}' ]; then
		ok "logrotate: renamed, compressed a day later, empty files left, none created"
	else
		bad "logrotate: files after two rotations: $(cat "$D/ls")"; cat "$D/f1.out" "$D/f2.out"
	fi
	[ "$(grep -c hup "$D/hups" 2> /dev/null)" = 2 ] &&
		ok "logrotate: postrotate sent SIGHUP to the pidfile's process once a rotation" ||
		{ bad "logrotate: SIGHUPs received: $(grep -c hup "$D/hups" 2> /dev/null)"; cat "$D/f1.out"; }
	grep -q copytruncate "$C/faaswatch.logrotate" && bad "logrotate: copytruncate"
}

# ---- (d) rsyslog --------------------------------------------------------------
part_rsyslog() {
	RSYSLOGD=${RSYSLOGD:-$(command -v rsyslogd || echo /usr/sbin/rsyslogd)}
	[ -x "$RSYSLOGD" ] || { part_skip "rsyslog: rsyslogd is not installed (apt-get install rsyslog)"; return; }
	ran=$((ran + 1))
	D=$TMPD/rs
	mkdir -p "$D"
	sed "s|/var/log/faaswatch/|$D/|" "$C/rsyslog-faaswatch.conf" > "$D/30-faaswatch.conf"
	# Debian's rsyslog.conf in short: rsyslog.d first, then the catch-all rules.
	cat > "$D/rsyslog.conf" <<EOF
global(workDirectory="$D")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$D/log.sock" RateLimit.Interval="0")
\$IncludeConfig $D/30-faaswatch.conf
action(type="omfile" file="$D/all.log")
EOF
	timeout 30 "$RSYSLOGD" -N1 -f "$D/rsyslog.conf" > "$D/n1.out" 2>&1 &&
		ok "rsyslog: rsyslogd -N1 accepts the snippet" ||
		{ bad "rsyslog: rsyslogd -N1:"; cat "$D/n1.out"; return; }
	have logger || { part_skip "rsyslog: no logger to send with"; return; }
	"$RSYSLOGD" -n -f "$D/rsyslog.conf" -i "$D/rsyslogd.pid" > "$D/rsyslogd.log" 2>&1 &
	RSPID=$!
	i=0
	while [ ! -S "$D/log.sock" ] && [ $i -lt 100 ] && kill -0 $RSPID 2> /dev/null; do
		i=$((i + 1))
		sleep 0.1
	done
	[ -S "$D/log.sock" ] || { bad "rsyslog: rsyslogd did not start"; cat "$D/rsyslogd.log"; return; }
	a='{"event":{"kind":"alert"},"url":{"domain":"x.workers.dev"},"message":"a  b"}'
	b='{"event":{"kind":"metric"}}'
	logger -u "$D/log.sock" -t faaswatch --id=4242 -p local5.err "$a"
	logger -u "$D/log.sock" -t faaswatch --id=4242 -p local5.info "$b"
	logger -u "$D/log.sock" -t other -p local5.info "not faaswatch"
	i=0
	while [ "$(cat "$D/syslog.json" "$D/all.log" 2> /dev/null | wc -l)" -lt 3 ] && [ $i -lt 100 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	kill $RSPID && wait $RSPID 2> /dev/null
	RSPID=
	printf '%s\n%s\n' "$a" "$b" > "$D/want"
	cmp -s "$D/want" "$D/syslog.json" &&
		ok "rsyslog: syslog.json holds faaswatch's messages exactly, one a line" ||
		{ bad "rsyslog: syslog.json:"; cat -A "$D/syslog.json"; }
	[ "$(grep -c . "$D/all.log")" = 1 ] && grep -q 'other: not faaswatch' "$D/all.log" &&
		ok "rsyslog: stop keeps them out of the later rules, others pass" ||
		{ bad "rsyslog: the catch-all file:"; cat "$D/all.log"; }
}

# ---- (e) sysusers.d and tmpfiles.d -----------------------------------------------
part_sysusers() {
	have systemd-sysusers && have systemd-tmpfiles ||
		{ part_skip "sysusers/tmpfiles: not installed (apt-get install systemd)"; return; }
	[ "$(id -u)" -eq 0 ] || { part_skip "sysusers/tmpfiles: needs root (chown in a scratch root)"; return; }
	ran=$((ran + 1))
	R=$TMPD/root
	mkdir -p "$R/etc"
	if ! timeout 30 systemd-sysusers --root="$R" "$C/faaswatch.sysusers" > "$TMPD/su.out" 2>&1 ||
	    ! id=$(awk -F: '$1 == "faaswatch" && $7 == "/usr/sbin/nologin" { print $3 ":" $4 }' "$R/etc/passwd") ||
	    [ -z "$id" ] || [ "${id%%:*}" -ge 1000 ]; then
		bad "sysusers: no system user faaswatch:"; cat "$TMPD/su.out" "$R/etc/passwd"; return
	fi
	ok "sysusers: system user faaswatch ($id), no login shell"
	timeout 30 systemd-tmpfiles --create --root="$R" "$C/faaswatch.tmpfiles" > "$TMPD/tf.out" 2>&1 ||
		{ bad "tmpfiles:"; cat "$TMPD/tf.out"; }
	for d in var/log/faaswatch var/lib/faaswatch; do
		st=$(stat -c '%a %u:%g' "$R/$d" 2> /dev/null)
		[ "$st" = "750 $id" ] && ok "tmpfiles: /$d 0750 faaswatch:faaswatch" ||
			bad "tmpfiles: /$d is '$st', not '750 $id'"
	done
}

# ---- (f) the example configuration ---------------------------------------------
part_example() {
	ran=$((ran + 1))
	E=$C/faaswatch.conf.example
	"$FAASWATCH" --help > "$TMPD/help" 2>&1 || { bad "example: faaswatch --help"; return; }
	missing=
	for k in $(grep -o -- '--[a-z][a-z-]*' "$TMPD/help" | sed 's/^--//' | sort -u); do
		case $k in config|test-config|match|help|version) continue ;; esac
		grep -Eq "^(# )?$k =" "$E" || missing="$missing $k"
	done
	[ -z "$missing" ] && ok "example: a key for every option of --help" ||
		bad "example: no key for:$missing"
	"$FAASWATCH" -t -c "$E" > "$TMPD/t.out" 2>&1 &&
		ok "example: faaswatch -t accepts it as it is" ||
		{ bad "example: faaswatch -t:"; cat "$TMPD/t.out"; }
	# Uncomment each default that is not a path (files must exist) or a user.
	sed -E 's/^# ([a-z-]+ = [^/].*)/\1/' "$E" | grep -v '^user =' > "$TMPD/all.conf"
	"$FAASWATCH" -t -c "$TMPD/all.conf" > "$TMPD/t.out" 2>&1 &&
		ok "example: faaswatch -t accepts every default uncommented" ||
		{ bad "example: faaswatch -t with the defaults uncommented:"; cat "$TMPD/t.out"; }
	grep -E '^[a-z-]+ = [0-9]+$' "$TMPD/all.conf" | while read -r k _ v; do
		# the option's help text, up to the next option
		awk -v o="--$k" 'f && /^ +-/ { exit } index($0, o " ") ||
		    $0 ~ o "$" { f = 1 } f' "$TMPD/help" | tr '\n' ' ' |
		    grep -Eq "default( interval)? $v([^0-9]|$)" || echo "$k = $v"
	done > "$TMPD/wrong"
	[ -s "$TMPD/wrong" ] && bad "example: defaults unlike --help: $(tr '\n' ' ' < "$TMPD/wrong")" ||
		ok "example: $(grep -cE '^[a-z-]+ = [0-9]+$' "$TMPD/all.conf") numeric defaults as in --help"
}

part_unit
part_caps
part_logrotate
part_rsyslog
part_sysusers
part_example
[ $ran -gt 0 ] || skip "no tool to check contrib/ with"
exit $rc
