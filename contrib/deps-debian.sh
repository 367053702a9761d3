#!/bin/sh
# deps-debian.sh [--test] - installs, as root, the Debian 12 packages that
# faaswatch needs to build; with --test also those its test suite uses.
set -eu
build="build-essential autoconf automake pkg-config
	libpcap-dev libndpi-dev libmaxminddb-dev libjansson-dev libssl-dev"
test="libcmocka-dev jq mandoc valgrind tshark clang libclang-rt-14-dev
	rsyslog libmaxmind-db-writer-perl systemd logrotate iproute2
	openssl curl tcpreplay"
pkgs=$build
[ "${1:-}" = "--test" ] && pkgs="$build $test"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps-debian.sh: run as root (apt-get install)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
echo "deps-debian.sh: installed $(echo $pkgs | wc -w) packages"
