#!/bin/sh
# shared-fingerprints.sh - JA3 equals tshark's for every TLS ClientHello of
# the shared captures (per flow, the first hello; hellos faaswatch rejects as
# malformed are counted as such), JA4 reproduces every published value of
# ../shared/pcaps/expected-ja4.tsv, and every TLS or QUIC flow whose
# ClientHello was whole carries a JA4 ("t..." over TCP, "q..." over QUIC).
. "$(dirname "$0")/lib.sh"
need_jq
need_shared
[ -n "${TSHARK:-}" ] && [ -x "$TSHARK" ] || skip "tshark is not installed (apt-get install tshark)"
P=$FAASWATCH_SHARED/pcaps
same=0; bad=0; malformed_ok=0
for f in "$P"/public/*.pcap* "$P"/crafted/*.pcap "$P"/lab/*.pcap; do
	"$TSHARK" -r "$f" -Y 'tls.handshake.type==1 && tcp' -T fields \
	    -e ip.src -e ipv6.src -e tcp.srcport -e tls.handshake.ja3 2>/dev/null |
	    awk -F'\t' '$4 != "" { k = ($1 != "" ? $1 : $2) " " $3; if (!(k in s)) { s[k] = 1; print k, $4 } }' |
	    sort > "$TMPD/tshark"
	[ -s "$TMPD/tshark" ] || continue
	fw -r "$f" --connections - --stats - -o /dev/null 2>/dev/null > "$TMPD/out"
	"$JQ" -r 'select(.event.kind=="event" and .network.transport=="tcp" and .tls.client.ja3) | "\(.source.ip) \(.source.port) \(.tls.client.ja3)"' \
	    "$TMPD/out" | sort > "$TMPD/ours"
	malformed=$("$JQ" -r 'select(.event.kind=="metric") | .faaswatch.stats.tls.malformed' "$TMPD/out")
	while read -r ip port ja3; do
		if grep -q "^$ip $port $ja3\$" "$TMPD/ours"; then
			same=$((same + 1))
		elif ! grep -q "^$ip $port " "$TMPD/ours" && [ "$malformed" -gt 0 ]; then
			malformed_ok=$((malformed_ok + 1))
			echo "note ${f#$P/} $ip:$port: no JA3 (hello rejected as malformed; tshark: $ja3)"
		else
			bad=$((bad + 1))
			echo "FAIL ${f#$P/} $ip:$port: tshark $ja3, faaswatch $(grep "^$ip $port " "$TMPD/ours" | cut -d' ' -f3)"
		fi
	done < "$TMPD/tshark"
done
echo "JA3: $same equal to tshark's, $malformed_ok malformed hellos, $bad different"
[ "$same" -gt 50 ] || { echo "FAIL: too few hellos compared"; bad=$((bad + 1)); }

tail -n +2 "$P/expected-ja4.tsv" | while IFS='	' read -r file ja4 src; do
	if fw -r "$P/$file" --connections - -o /dev/null 2>/dev/null |
	    "$JQ" -r 'select(.event.kind=="event") | .tls.client.ja4 // empty' | grep -qx "$ja4"; then
		echo "ok   JA4 $ja4 in $file"
	else
		echo "FAIL JA4 $ja4 not found in $file"; echo x >> "$TMPD/failed"
	fi
done
for f in "$P"/public/*.pcap* "$P"/lab/*.pcap; do
	fw -r "$f" --connections - -o /dev/null 2>/dev/null |
	    "$JQ" -r 'select(.event.kind=="event" and .tls.client.ja3 and .faaswatch.sni_partial != true) |
	        (if .network.transport == "udp" then "^q" else "^t" end) as $re |
	        select((.tls.client.ja4 // "") | test($re) | not) |
	        "FAIL \(.source.ip):\(.source.port) \(.network.transport) has no fitting JA4"' \
	    > "$TMPD/noja4"
	if [ -s "$TMPD/noja4" ]; then sed "s|^|${f#$P/}: |" "$TMPD/noja4"; echo x >> "$TMPD/failed"; fi
done
[ -f "$TMPD/failed" ] && bad=$((bad + 1))
[ $bad -eq 0 ]
