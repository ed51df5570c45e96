#!/usr/bin/env bash
# Makes sure Debian's Chromium is present for the browser end-to-end tests (test/e2e, driven through
# playwright-core, which never downloads a browser of its own). Installs it with apt when missing and
# we may; otherwise stops with one sentence, like ensure-system-deps.sh does for mosquitto and influxd.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # --no-install-recommends: the headless tests need no fonts, codecs or desktop integration beyond
  # what the package itself pulls in.
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
  [ -x "$CHROMIUM" ] && exit 0
  echo "apt-get installed chromium but $CHROMIUM is missing; check the package's file list with: dpkg -L chromium" >&2
  exit 1
fi

echo "The browser tests need Debian's Chromium at $CHROMIUM; install it with: sudo apt-get install -y chromium" >&2
exit 1
