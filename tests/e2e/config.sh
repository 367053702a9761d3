#!/bin/sh
# config.sh - the configuration file (faaswatch.conf(5)): every key is a
# long option; the command line overrides the file (a list it filled is
# replaced); flags take yes/no; `-t` checks a configuration and the files
# it names and reports errors with their line numbers; -D, -u and --chroot
# are refused without -i; SIGHUP reads the file again: a class of the
# catalogue switched on takes effect at once, a table size is reported as
# needing a restart.
. "$(dirname "$0")/lib.sh"
need_jq
demo=$top_srcdir/pcaps/demo/demo.pcap

cat > "$TMPD/good.conf" <<EOF2
# a comment, then blank lines

read = $demo
output = $TMPD/alerts.json
  connections = "$TMPD/conns.json"
observer-name = "from the file"
min-checkins = 8
fleet-suppress = no
no-promisc = yes
EOF2
out=$("$FAASWATCH" -c "$TMPD/good.conf" -t 2>&1) && echo "$out" | grep -q "is ok" &&
    ok "-t: $out" || bad "-t on a good file: $out"
"$FAASWATCH" -c "$TMPD/good.conf" || fail "faaswatch exit $?"
[ "$(count "$TMPD/alerts.json" '.event.kind=="alert" and .observer.name=="from the file"')" -eq 2 ] &&
    [ -s "$TMPD/conns.json" ] && ok "the file's input, outputs and observer name are used" ||
    bad "the file's settings were not used"
rm -f "$TMPD/alerts.json"
"$FAASWATCH" -c "$TMPD/good.conf" -o "$TMPD/cli.json" --observer-name cli ||
    fail "faaswatch exit $?"
[ ! -e "$TMPD/alerts.json" ] && [ "$(count "$TMPD/cli.json" '.event.kind=="alert" and .observer.name=="cli"')" -eq 2 ] &&
    ok "the command line replaces the file's alert outputs and observer name" ||
    bad "the command line did not override the file"
"$FAASWATCH" -c "$TMPD/good.conf" --min-checkins 32 -o "$TMPD/k.json" ||
    fail "faaswatch exit $?"
[ "$(count "$TMPD/k.json" '.rule.id=="faaswatch-periodic-beacon" and .faaswatch.update==false and .faaswatch.checkins>=32')" -eq 1 ] &&
    [ "$(count "$TMPD/cli.json" '.rule.id=="faaswatch-periodic-beacon" and .faaswatch.checkins==8')" -eq 1 ] &&
    ok "a threshold on the command line overrides the file's (first alert at 32 check-ins, not 8)" ||
    bad "--min-checkins 32 did not override the file's 8"

check_bad() {	# check_bad WHAT LINE PATTERN: the file $TMPD/bad.conf
	out=$("$FAASWATCH" -c "$TMPD/bad.conf" -t 2>&1)
	st=$?
	if [ $st -ne 0 ] && echo "$out" | grep -q "bad.conf:$2: .*$3"; then
		ok "$1: $out"
	else
		bad "$1 (exit $st): $out"
	fi
}
printf 'read = %s\n\n# x\nbogus-key = 1\n' "$demo" > "$TMPD/bad.conf"
check_bad "an unknown key" 4 "unknown key 'bogus-key'"
printf 'read = %s\nmin-checkins = many\n' "$demo" > "$TMPD/bad.conf"
check_bad "a bad number" 2 "not a number"
printf 'read = %s\nsyslog = maybe\n' "$demo" > "$TMPD/bad.conf"
check_bad "a bad flag" 2 "not yes or no"
printf 'read = %s\noutput\n' "$demo" > "$TMPD/bad.conf"
check_bad "no '='" 2 "expected 'key = value'"
printf 'read = %s\nhelp = yes\n' "$demo" > "$TMPD/bad.conf"
check_bad "a command-line-only key" 2 "unknown key 'help'"
printf 'read = %s\nsuppress = %s/none.conf\n' "$demo" "$TMPD" > "$TMPD/bad.conf"
out=$("$FAASWATCH" -c "$TMPD/bad.conf" -t 2>&1) && bad "-t accepted a missing suppression file" ||
    ok "-t checks the files named: $out"
printf 'domain=x.workers.dev\n' > "$TMPD/sup.conf"
printf 'read = %s\nsuppress = %s/sup.conf\n' "$demo" "$TMPD" > "$TMPD/bad.conf"
out=$("$FAASWATCH" -c "$TMPD/bad.conf" -t 2>&1) && bad "-t accepted a broken suppression file" ||
    ok "-t parses the suppression file: $out"
out=$("$FAASWATCH" -c "$TMPD/nowhere.conf" -t 2>&1) && bad "-t accepted a missing file" ||
    ok "a missing configuration file: $out"
out=$("$FAASWATCH" -r "$demo" -D 2>&1); st=$?
[ $st -eq 2 ] && ok "-D without -i: $out" || bad "-D without -i (exit $st): $out"
out=$("$FAASWATCH" -r "$demo" -u nobody 2>&1); st=$?
[ $st -eq 2 ] && ok "-u without -i: $out" || bad "-u without -i (exit $st): $out"

# ---- SIGHUP: the file again ------------------------------------------------------
retime=$top_builddir/tests/tools/pcap_retime
if command -v mkfifo > /dev/null 2>&1 && [ -x "$retime" ]; then
	tpl=$top_srcdir/pcaps/lab/curl__demo-beacon.workers.dev.pcap
	t0=1795824000
	"$retime" --seed 31 -o "$TMPD/a.pcap" --start $((t0 + 17)) \
	    --until $((t0 + 2 * 3600)) --sleep 300 --jitter 0.1 "$tpl" > /dev/null &&
	"$retime" --seed 32 -o "$TMPD/b.pcap" --start $((t0 + 2 * 3600 + 17)) \
	    --until $((t0 + 4 * 3600)) --sleep 300 --jitter 0.1 "$tpl" > /dev/null ||
	    fail "pcap_retime"
	# workers.dev is of class edge: not counted at first
	printf 'read = -\noutput = %s/hup.json\nclasses = serverless,cdn\n' "$TMPD" > "$TMPD/hup.conf"
	mkfifo "$TMPD/in"
	"$FAASWATCH" --observer-name test -c "$TMPD/hup.conf" < "$TMPD/in" 2> "$TMPD/hup.err" &
	pid=$!
	exec 3> "$TMPD/in"
	cat "$TMPD/a.pcap" >&3
	sleep 1
	printf 'read = -\noutput = %s/hup.json\nmax-flows = 4096\n' "$TMPD" > "$TMPD/hup.conf"
	kill -HUP $pid
	tail -c +25 "$TMPD/b.pcap" >&3
	exec 3>&-
	wait $pid || bad "faaswatch exit $? after SIGHUP"
	n=$(count "$TMPD/hup.json" '.rule.id=="faaswatch-periodic-beacon" and .faaswatch.update==false')
	first=$("$JQ" -r 'select(.rule.id=="faaswatch-periodic-beacon") | .["@timestamp"]' "$TMPD/hup.json" | head -1)
	case $first in
	2026-11-28T0[23]:*) [ "$n" -eq 1 ] &&
	    ok "SIGHUP: the edge class switched on by the file counts from then on (alert at $first)" ||
	    bad "SIGHUP: $n periodicity alerts" ;;
	*)	bad "SIGHUP: the periodicity alert at '$first', expected in the second half" ;;
	esac
	grep -q "table size or timeout changed; that takes a restart" "$TMPD/hup.err" &&
	    ok "SIGHUP: $(grep restart "$TMPD/hup.err")" ||
	    { bad "SIGHUP: no restart warning for max-flows"; cat "$TMPD/hup.err"; }
else
	echo "skip SIGHUP part: no mkfifo or pcap_retime"
fi
exit $rc
