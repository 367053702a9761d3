#!/bin/sh
# cli.sh - the command line: --match, --version, --help, exit statuses.
. "$(dirname "$0")/lib.sh"
check() {	# check WANT_STATUS DESCRIPTION CMD...
	want=$1; what=$2; shift 2
	"$@" > "$TMPD/out" 2> "$TMPD/err"; got=$?
	if [ "$got" -eq "$want" ]; then echo "ok   $what (exit $got)"
	else echo "FAIL $what: exit $got, want $want"; cat "$TMPD/out" "$TMPD/err" | head -5; rc=1; fi
}
has() {		# has FILE TEXT
	if grep -qF -- "$2" "$1"; then echo "ok   output has '$2'"
	else echo "FAIL output lacks '$2'"; head -5 "$1"; rc=1; fi
}

check 0 "API Gateway name" "$FAASWATCH" --match abc123def4.execute-api.us-east-1.amazonaws.com
has "$TMPD/out" "API Gateway"
check 0 "Lambda URL" "$FAASWATCH" --match x.lambda-url.eu-west-1.on.aws
has "$TMPD/out" "Lambda function URLs"
check 0 "workers.dev, any case, trailing dot" "$FAASWATCH" --match DEMO-Beacon.Workers.Dev.
has "$TMPD/out" "Cloudflare"
check 1 "evilworkers.dev is not workers.dev" "$FAASWATCH" --match evilworkers.dev
has "$TMPD/out" "no catalogue entry"
check 1 "workers.dev.evil.com" "$FAASWATCH" --match workers.dev.evil.com
check 0 "cdn class is reported, not counted" "$FAASWATCH" --match d111111abcdef8.cloudfront.net
has "$TMPD/out" "not counted"
check 0 "--version" "$FAASWATCH" --version
has "$TMPD/out" "faaswatch"
check 0 "--help" "$FAASWATCH" --help
has "$TMPD/out" "--connections"
check 2 "no input" "$FAASWATCH"
check 2 "unknown option" "$FAASWATCH" --no-such-option
check 2 "bad number" "$FAASWATCH" -r x --max-flows lots
check 2 "-r and -i together" "$FAASWATCH" -r x -i lo
check 2 "bad class list" "$FAASWATCH" -r x --classes serverless,nonsense
check 1 "unreadable file" "$FAASWATCH" -r "$TMPD/does-not-exist.pcap"
has "$TMPD/err" "does-not-exist.pcap"
check 1 "missing interface" "$FAASWATCH" -i no-such-if0
has "$TMPD/err" "no-such-if0"
check 1 "unwritable output" "$FAASWATCH" -r "$top_srcdir/pcaps/lab/curl__demo-beacon.workers.dev.pcap" -o /nonexistent/dir/out.json
printf 'not a pcap at all\n' > "$TMPD/garbage.pcap"
check 1 "not a capture file" "$FAASWATCH" -r "$TMPD/garbage.pcap"
check 1 "bad BPF filter" "$FAASWATCH" -r "$top_srcdir/pcaps/lab/curl__demo-beacon.workers.dev.pcap" -f "port port"
# stdin
if "$FAASWATCH" -r - --connections - < "$top_srcdir/pcaps/lab/curl__demo-beacon.workers.dev.pcap" > "$TMPD/stdin.json" 2>&1 &&
   grep -q demo-beacon.workers.dev "$TMPD/stdin.json"; then echo "ok   -r - reads stdin"
else echo "FAIL -r - reads stdin"; rc=1; fi
exit $rc
