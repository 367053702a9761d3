#!/bin/sh
# geo.sh - alerts and connection records carry destination.as.* and
# destination.geo.* from MaxMind-format databases built here, at test time,
# by tests/tools/mkmmdb.pl (no binary database is committed): the demo's
# server 10.99.0.1 is put in an AS of our own.  A file that is not a
# database is refused at start with a reason.
. "$(dirname "$0")/lib.sh"
need_jq
command -v perl > /dev/null || skip "perl is not installed"
printf '# the lab network of pcaps/demo\n10.99.0.0/24\t64512\tExample Edge Networks\tDE\tGermany\tFrankfurt am Main\tEU\t50.1109\t8.6821\n' \
    > "$TMPD/net.txt"
perl "$top_srcdir/tests/tools/mkmmdb.pl" "$TMPD/net.txt" "$TMPD" > "$TMPD/mk.log" 2>&1
case $? in
0) ;;
3) skip "MaxMind::DB::Writer is missing (apt-get install libmaxmind-db-writer-perl)";;
*) cat "$TMPD/mk.log"; fail "mkmmdb.pl";;
esac
fw -r "$top_srcdir/pcaps/demo/demo.pcap" --mmdb-asn "$TMPD/asn.mmdb" \
    --mmdb-city "$TMPD/city.mmdb" --connections - > "$TMPD/out.json" ||
    fail "faaswatch exit $?"
for f in '.event.kind=="alert" and .destination.as.number==64512 and .destination.as.organization.name=="Example Edge Networks" and .destination.geo.country_iso_code=="DE" and .destination.geo.city_name=="Frankfurt am Main"' \
    '.event.kind=="event" and .destination.ip=="10.99.0.1" and .destination.as.number==64512'; do
	n=$(count "$TMPD/out.json" "$f")
	if [ "$n" -ge 1 ]; then echo "ok   $n x $f"; else echo "FAIL none: $f"; rc=1; fi
done
n=$(count "$TMPD/out.json" '.event.kind=="alert" and .destination.as == null')
[ "$n" -eq 0 ] && echo "ok   every alert has an AS" || { echo "FAIL $n alerts without AS"; rc=1; }
echo "not a database" > "$TMPD/bad.mmdb"
if fw -r "$top_srcdir/pcaps/demo/demo.pcap" --mmdb-asn "$TMPD/bad.mmdb" > /dev/null 2> "$TMPD/err"; then
	echo "FAIL a bad database was accepted"; rc=1
else
	grep -q "bad.mmdb" "$TMPD/err" && echo "ok   bad database refused: $(cat "$TMPD/err")" ||
	    { echo "FAIL no reason given"; rc=1; }
fi
exit $rc
