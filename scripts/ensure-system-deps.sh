#!/usr/bin/env bash
# Makes sure the Debian services the integration tests and benchmarks start (mosquitto, influxd) are
# present. Installs them with apt when missing and we may; otherwise stops with one sentence.
set -euo pipefail

missing=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
command -v influxd >/dev/null 2>&1 || [ -x /usr/bin/influxd ] || missing+=(influxdb)
if [ "${NEED_CHROMIUM:-0}" = 1 ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages the tests need: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # --no-install-recommends keeps the packages' own system services out of the way;
  # the tests start their own instances on free ports.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts the packaged daemons where an init system runs; the tests never use them.
  for svc in mosquitto influxdb; do
    command -v systemctl >/dev/null 2>&1 && systemctl stop "$svc" >/dev/null 2>&1 || true
  done
  exit 0
fi

echo "The tests need these Debian packages: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}" >&2
exit 1
