#!/bin/sh
# install.sh - `make install DESTDIR=...` installs the program, both
# manual pages, the example configuration and every contrib file to their
# usual places (under the configured prefix), and `make uninstall` takes
# them all back.
. "$(dirname "$0")/lib.sh"
command -v make > /dev/null 2>&1 || skip "make is not installed"
D=$TMPD/root
make -s -C "$top_builddir" install DESTDIR="$D" > "$TMPD/install.log" 2>&1 ||
    { cat "$TMPD/install.log"; fail "make install failed"; }
prefix=$(sed -n 's/^prefix = //p' "$top_builddir/Makefile")
sysconfdir=$(sed -n 's/^sysconfdir = //p' "$top_builddir/Makefile" |
    sed "s|\${prefix}|$prefix|")
for f in \
    "$prefix/sbin/faaswatch" \
    "$prefix/share/man/man8/faaswatch.8" \
    "$prefix/share/man/man5/faaswatch.conf.5" \
    "$prefix/share/doc/faaswatch/faaswatch.conf.example" \
    "$prefix/lib/systemd/system/faaswatch.service" \
    "$prefix/lib/sysusers.d/faaswatch.conf" \
    "$prefix/lib/tmpfiles.d/faaswatch.conf" \
    "$sysconfdir/logrotate.d/faaswatch" \
    "$sysconfdir/rsyslog.d/30-faaswatch.conf"; do
	if [ -s "$D$f" ]; then echo "ok   $f"
	else echo "FAIL $f not installed"; rc=1; fi
done
"$D$prefix/sbin/faaswatch" --version > /dev/null 2>&1 &&
    echo "ok   the installed program runs" || { echo "FAIL the installed program does not run"; rc=1; }
grep -q "^ExecStart=$prefix/sbin/faaswatch -c $sysconfdir/faaswatch/faaswatch.conf" \
    "$D$prefix/lib/systemd/system/faaswatch.service" &&
    echo "ok   the unit names this build's paths" ||
    { echo "FAIL the unit's ExecStart: $(grep ^ExecStart= "$D$prefix/lib/systemd/system/faaswatch.service")"; rc=1; }
make -s -C "$top_builddir" uninstall DESTDIR="$D" > "$TMPD/uninstall.log" 2>&1 ||
    { cat "$TMPD/uninstall.log"; fail "make uninstall failed"; }
left=$(find "$D" -type f | sed "s|^$D||")
[ -z "$left" ] && echo "ok   make uninstall removes every file" ||
    { echo "FAIL left after uninstall: $left"; rc=1; }
exit $rc
