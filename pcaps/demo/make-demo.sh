#!/bin/sh
# make-demo.sh PCAP_RETIME [OUT]: rebuild the demo capture from the lab
# recordings in ../lab with the built pcap_retime (tests/tools/pcap_retime.c).
# Deterministic: the same tool and recordings give the same bytes.
#
# Story (all times 2026-11-28 UTC, one client 10.99.0.2):
#   09:00-13:00  a beacon to demo-beacon.workers.dev every 5 min -20 %
#                (Cobalt Strike "reduce" jitter: 240..300 s), DNS + HTTPS GET
#   10:05-11:50  a dozen www.example.com fetches at irregular times
#                (within two clock hours: a browsing session, not a beacon)
#   09:47, 12:21 two bulk downloads (256 KiB) from demo-app.vercel.app
#   10:31, 12:39 two one-off API calls to an API Gateway URL (python urllib)
# TCP payloads are cut to 16 bytes past the first 1024 bytes of each client
# stream and the first 256 bytes of each server stream (ClientHello,
# ServerHello and DNS stay whole; record lengths keep the original size).
set -eu
tool=${1:?usage: make-demo.sh PCAP_RETIME [OUT]}
here=$(cd "$(dirname "$0")" && pwd)
lab=$here/../lab
out=${2:-$here/demo.pcap}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
t0=1795856400				# 2026-11-28 09:00:00 UTC
snap="--snap-payload 16 --keep-head 1024 --keep-server-head 256"

"$tool" --seed 11 -o "$tmp/beacon.pcap" $snap \
    --start $((t0 + 37)) --until $((t0 + 4 * 3600)) \
    --sleep 300 --jitter 0.2 --model reduce \
    "$lab/curl__demo-beacon.workers.dev.pcap"
"$tool" --seed 12 -o "$tmp/www.pcap" $snap \
    --start $((t0 + 3600 + 5 * 60 + 41)) --count 12 --until $((t0 + 2 * 3600 + 50 * 60)) \
    --sleep 480 --jitter 0.75 --model symmetric \
    "$lab/curl__www.example.com.pcap"
"$tool" --seed 13 -o "$tmp/bulk1.pcap" $snap --start $((t0 + 47 * 60 + 12)) \
    --count 1 --sleep 1 "$lab/curlrange__demo-app.vercel.app.pcap"
"$tool" --seed 14 -o "$tmp/bulk2.pcap" $snap \
    --start $((t0 + 3 * 3600 + 21 * 60 + 5)) \
    --count 1 --sleep 1 "$lab/curlrange__demo-app.vercel.app.pcap"
"$tool" --seed 15 -o "$tmp/apigw.pcap" $snap \
    --start $((t0 + 3600 + 31 * 60 + 50)) --count 2 \
    --sleep 7700 --jitter 0.05 --model symmetric \
    "$lab/py__x1y2z3w4.execute-api.eu-central-1.amazonaws.com.pcap"
"$tool" -o "$out" --merge "$tmp/beacon.pcap" "$tmp/www.pcap" \
    "$tmp/bulk1.pcap" "$tmp/bulk2.pcap" "$tmp/apigw.pcap"
