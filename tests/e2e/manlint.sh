#!/bin/sh
# manlint.sh - the manual pages are clean under mandoc -Tlint.
. "$(dirname "$0")/lib.sh"
[ -n "${MANDOC:-}" ] && [ -x "$MANDOC" ] || skip "mandoc is not installed (apt-get install mandoc)"
for m in "$top_srcdir"/man/*.[0-9]; do
	if "$MANDOC" -Tlint -W warning "$m"; then echo "ok   $(basename "$m")"
	else echo "FAIL $(basename "$m")"; rc=1; fi
done
exit $rc
