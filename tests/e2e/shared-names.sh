#!/bin/sh
# shared-names.sh - every TLS ClientHello name that tshark 4.0 extracts from
# the shared captures (../shared/pcaps/MANIFEST.tsv) is found by faaswatch,
# and every lab capture is attributed as ../shared/pcaps/lab/EXPECTED.tsv says.
# QUIC names are checked by shared-quic.sh.
. "$(dirname "$0")/lib.sh"
need_jq
need_shared
P=$FAASWATCH_SHARED/pcaps
rc=0; n=0
tail -n +2 "$P/MANIFEST.tsv" | while IFS='	' read -r file repo path commit lic bytes desc snis; do
	exp=$(echo "$snis" | tr ';' '\n' | grep '^TLS:' | grep -v '<none>' | sed 's/^TLS://' | sort -u)
	[ -n "$exp" ] || continue
	fw -r "$P/$file" --connections - -o /dev/null 2>/dev/null |
	    "$JQ" -r 'select(.event.kind=="event") | .tls.client.server_name // empty' |
	    sort -u > "$TMPD/got"
	missing=$(echo "$exp" | comm -23 - "$TMPD/got")
	if [ -n "$missing" ]; then echo "FAIL $file: missing $(echo $missing)"; echo x >> "$TMPD/failed"
	else echo "ok   $file: $(echo $exp)"; fi
done
tail -n +2 "$P/lab/EXPECTED.tsv" | while IFS='	' read -r file name sni how; do
	case $how in quic*|ech*) continue;; esac	# the hard-name cases: their own tests
	out=$(fw -r "$P/lab/$file" --connections - -o /dev/null 2>/dev/null)
	if [ "$name" = "-" ]; then
		echo "ok   lab/$file: (DNS only)"; continue
	fi
	name=${name%% *}
	got=$(echo "$out" | "$JQ" -r --arg n "$name" 'select(.event.kind=="event" and .destination.domain==$n) | "\(.tls.client.server_name // "-")|\(.faaswatch.name_source)"' | sort -u | head -1)
	want_src=sni; case $how in http*) want_src=http;; esac
	want_sni=$sni
	if [ "$got" = "$want_sni|$want_src" ]; then echo "ok   lab/$file: $name by $want_src"
	else echo "FAIL lab/$file: want $name ($want_sni|$want_src), got '$got'"; echo x >> "$TMPD/failed"; fi
done
[ -f "$TMPD/failed" ] && exit 1
exit 0
