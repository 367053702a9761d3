#!/bin/sh
# demo-reproducible.sh - pcaps/demo/demo.pcap is exactly what
# pcaps/demo/make-demo.sh makes from the lab recordings with the built
# pcap_retime: the committed demo has the provenance its README gives.
. "$(dirname "$0")/lib.sh"
need_retime
sh "$top_srcdir/pcaps/demo/make-demo.sh" "$retime" "$TMPD/demo.pcap" > /dev/null ||
    fail "make-demo.sh"
cmp "$TMPD/demo.pcap" "$top_srcdir/pcaps/demo/demo.pcap" || fail "demo.pcap differs"
echo "ok   demo.pcap regenerates byte for byte"
