#!/bin/sh
# shared-dns-ech.sh - the hard DNS and ECH cases of ../shared/pcaps:
# DNS over TCP (several messages per segment, messages across segments)
# and fragmented DNS responses (IPv4 and IPv6) are parsed, as many
# responses as tshark sees; HTTPS records' ECH configs teach ECH public
# names; a real ECH ClientHello is flagged and Chrome's GREASE ECH is not.
. "$(dirname "$0")/lib.sh"
need_jq
need_shared
[ -n "${TSHARK:-}" ] && [ -x "$TSHARK" ] || skip "tshark is not installed (apt-get install tshark)"
P=$FAASWATCH_SHARED/pcaps
stats() { fw -r "$1" --stats - -o /dev/null 2>/dev/null | "$JQ" -r "select(.event.kind==\"metric\") | .faaswatch.stats | $2"; }
for f in public/sv__dns_dns-tcp-multirequest-buffer__dns-tcp-multirequest-buffer.pcap \
    public/sv__dns_dns-tcp-www-google-com__dns.pcap public/sv__dns-tcp-ts-gap__input.pcap \
    lab/digtcp__api.example.com.pcap public/ndpi__dns_fragmented.pcap \
    public/zeek__ipv6-fragmented-dns.pcap; do
	want=$("$TSHARK" -r "$P/$f" -Y 'dns.flags.response==1' 2>/dev/null | wc -l)
	got=$(stats "$P/$f" '.dns.responses')
	if [ "$got" -eq "$want" ]; then echo "ok   $f: $got DNS responses, as tshark"
	else echo "FAIL $f: $got DNS responses, tshark $want"; rc=1; fi
done
for f in public/ndpi__dns_fragmented.pcap public/zeek__ipv6-fragmented-dns.pcap; do
	got=$(stats "$P/$f" '.decode.defrag.reassembled')
	if [ "$got" -ge 1 ]; then echo "ok   $f: $got datagrams reassembled"
	else echo "FAIL $f: nothing reassembled"; rc=1; fi
done
got=$(stats "$P/public/sv__dns_dns-tcp-www-google-com__dns.pcap" '.dns.answers')
[ "$got" -eq 12 ] && echo "ok   DNS over TCP: 12 addresses" || { echo "FAIL DNS over TCP: $got addresses, want 12"; rc=1; }
got=$(stats "$P/public/zeek__ech.pcap" '.tls.ech_public_names')
[ "$got" -ge 2 ] && echo "ok   HTTPS record ECH config: public name learned" || { echo "FAIL zeek__ech: $got ECH public names"; rc=1; }
ech() { fw -r "$P/$1" --connections - -o /dev/null 2>/dev/null | count /dev/stdin '.event.kind=="event" and .faaswatch.ech==true'; }
n=$(ech public/zeek__tls13-ech.pcap)
[ "$n" -ge 1 ] && echo "ok   zeek__tls13-ech: $n ECH flows" || { echo "FAIL zeek__tls13-ech not flagged"; rc=1; }
for f in lab/chromium__demo-app.vercel.app.pcap public/zeek__chrome-1250-tls-x25519-kyber.pcap public/ndpi__tls_ech.pcapng; do
	n=$(ech "$f")
	[ "$n" -eq 0 ] && echo "ok   $f: GREASE ECH not flagged" || { echo "FAIL $f: $n flows flagged ECH"; rc=1; }
done
out=$(fw -r "$P/lab/ech__demo-beacon.workers.dev.pcap" --connections - -o /dev/null 2>/dev/null)
n=$(echo "$out" | count /dev/stdin '.event.kind=="event" and .destination.domain=="demo-beacon.workers.dev" and .tls.client.server_name=="cloudflare-ech.com" and .faaswatch.name_source=="ech+dns" and .faaswatch.ech==true')
[ "$n" -eq 1 ] && echo "ok   lab ech__: attributed through DNS, outer name kept" || { echo "FAIL lab ech__"; rc=1; }
exit $rc
