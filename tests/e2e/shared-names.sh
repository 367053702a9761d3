#!/bin/sh
# shared-names.sh - every TLS and QUIC ClientHello name that tshark 4.0
# extracts from the shared captures (../shared/pcaps/MANIFEST.tsv) is found
# by faaswatch, and every lab capture is attributed as
# ../shared/pcaps/lab/EXPECTED.tsv says (the Chromium QUIC one, whose name
# tshark cannot show, and the ECH one included).
. "$(dirname "$0")/lib.sh"
need_jq
need_shared
P=$FAASWATCH_SHARED/pcaps
rc=0; n=0
tail -n +2 "$P/MANIFEST.tsv" | while IFS='	' read -r file repo path commit lic bytes desc snis; do
	exp=$(echo "$snis" | tr ';' '\n' | grep -E '^(TLS|QUIC):' | grep -v '<none>' | sed -E 's/^(TLS|QUIC)://' | sort -u)
	[ -n "$exp" ] || continue
	fw -r "$P/$file" --connections - -o /dev/null 2>/dev/null |
	    "$JQ" -r 'select(.event.kind=="event") | .tls.client.server_name // empty' |
	    sort -u > "$TMPD/got"
	missing=$(echo "$exp" | comm -23 - "$TMPD/got")
	if [ -n "$missing" ]; then echo "FAIL $file: missing $(echo $missing)"; echo x >> "$TMPD/failed"
	else echo "ok   $file: $(echo $exp)"; fi
done
tail -n +2 "$P/lab/EXPECTED.tsv" | while IFS='	' read -r file name sni how; do
	out=$(fw -r "$P/lab/$file" --connections - -o /dev/null 2>/dev/null)
	if [ "$name" = "-" ]; then
		echo "ok   lab/$file: (DNS only)"; continue
	fi
	name=${name%% *}
	want_src=sni
	case $how in http*) want_src=http;; quic*) want_src=quic;; ech*) want_src=ech+dns;; esac
	n=$(echo "$out" | "$JQ" -c --arg n "$name" --arg s "$sni" --arg src "$want_src" \
	    'select(.event.kind=="event" and .destination.domain==$n and .faaswatch.name_source==$src and (.tls.client.server_name // "-")==$s)' | wc -l)
	if [ "$n" -ge 1 ]; then echo "ok   lab/$file: $name by $want_src (SNI $sni)"
	else echo "FAIL lab/$file: no flow named $name by $want_src with SNI $sni"; echo x >> "$TMPD/failed"; fi
done
[ -f "$TMPD/failed" ] && exit 1
exit 0
