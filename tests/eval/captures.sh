#!/bin/sh
# captures.sh - the packet-level part of `make eval`: labelled captures
# generated from the real lab recordings by pcap_retime (nothing
# committed), run through faaswatch itself, with what each rule said.
#   captures.sh BUILDDIR SRCDIR
# Exit status 1 when a beacon is missed or a benign capture alerts.
B=${1:?builddir}
S=${2:?srcdir}
FW=$B/src/faaswatch
RT=$B/tests/tools/pcap_retime
JQ=${JQ:-jq}
command -v "$JQ" > /dev/null 2>&1 || { echo "captures: jq is not installed; skipped"; exit 0; }
T=$(mktemp -d "${TMPDIR:-/tmp}/faaswatch-eval.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
curl_tpl=$S/pcaps/lab/curl__demo-beacon.workers.dev.pcap
ka_tpl=$S/pcaps/lab/keepalive4__demo-beacon.workers.dev.pcap
t0=1795824000
rc=0

gen() {	# gen NAME ARGS...: a flow-mode capture of the curl check-in
	n=$1
	shift
	"$RT" -o "$T/$n.pcap" "$@" "$curl_tpl" > /dev/null 2>&1
}
gen beacon-5m-sym25 --seed 1 --start $t0 --until $((t0 + 6 * 3600)) \
    --sleep 300 --jitter 0.25 --model symmetric
gen beacon-60s-cs50 --seed 2 --start $t0 --until $((t0 + 3600)) \
    --sleep 60 --jitter 0.5 --model reduce
gen beacon-1h-add20 --seed 3 --start $t0 --until $((t0 + 36 * 3600)) \
    --sleep 3600 --jitter 0.2 --model additive
gen beacon-4h-sym10 --seed 4 --start $t0 --until $((t0 + 72 * 3600)) \
    --sleep 14400 --jitter 0.1 --model symmetric
gen poisson-5m --seed 5 --start $t0 --until $((t0 + 6 * 3600)) \
    --sleep 300 --model poisson
gen poisson-1h --seed 6 --start $t0 --until $((t0 + 36 * 3600)) \
    --sleep 3600 --model poisson
"$RT" -o "$T/ka.pcap" --seed 7 --start $t0 --count 96 --sleep 1 --jitter 0 \
    --model reduce "$ka_tpl" > /dev/null 2>&1 &&
"$RT" -o "$T/keepalive-60s-sym20.pcap" --seed 8 --stretch-gaps 0.5 --to 60 \
    --jitter 0.2 --model symmetric "$T/ka.pcap" > /dev/null 2>&1

printf '\nPacket-level captures (the lab curl and keep-alive check-ins, retimed):\n'
printf '%-22s %-7s %8s | %-24s | %-10s\n' capture label checkins \
    "faaswatch periodicity" "reference"
for f in "$T"/beacon-*.pcap "$T"/keepalive-*.pcap "$T"/poisson-*.pcap; do
	n=$(basename "$f" .pcap)
	case $n in poisson-*) label=benign ;; *) label=beacon ;; esac
	"$FW" -r "$f" --observer-name eval --connections "$T/c.json" \
	    > "$T/o.json" 2> /dev/null
	ck=$("$JQ" -s '[.[] | select(.event.kind=="event" and .destination.domain=="demo-beacon.workers.dev") | .faaswatch.checkins] | add // 0' "$T/c.json")
	per=$("$JQ" -r -s '[.[] | select(.rule.id=="faaswatch-periodic-beacon" and .faaswatch.update==false)] | first |
	    if . == null then "-" else "\(.faaswatch.period_s | floor) s after \(.faaswatch.checkins_total) ck" end' "$T/o.json")
	ref=$("$JQ" -s '[.[] | select(.rule.id=="faaswatch-ref-t1584-007")] | length' "$T/o.json")
	rm -f "$T/c.json"
	printf '%-22s %-7s %8s | %-24s | %-10s\n' "$n" $label "$ck" "$per" \
	    "$ref alerts"
	if [ $label = beacon ] && [ "$per" = - ]; then rc=1; fi
	if [ $label = benign ] && [ "$per" != - ]; then rc=1; fi
done
[ $rc -eq 0 ] && echo "  every beacon found, no benign capture alerted" ||
    echo "  MISSED: a beacon not found or a benign capture alerted"
exit $rc
