#!/usr/bin/env bash
# Installs the feed consumers the end-to-end tests read their feeds with
# (tests/consumers/check-feed): newsboat, and feedparser for the system python3 (which also
# brings the sqlite3 module the newsboat check reads newsboat's cache with).
#
#   bash scripts/setup-test-tools.sh        # once per machine; Debian or Ubuntu
#
# Everything comes from the distribution's packages (apt-get): newsboat, python3,
# python3-feedparser. Safe to run again: it installs only what is missing and says what it
# does. Needs root for apt-get (CI runs as root; elsewhere it uses sudo when there is one).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "setup-test-tools: $*"; }

# Package for each thing the checks need, and the command that proves it is there.
# /usr/bin/python3 on purpose: python3-feedparser installs into the system Python only.
need=()
command -v newsboat >/dev/null 2>&1 || need+=(newsboat)
if ! [ -x /usr/bin/python3 ]; then
  need+=(python3 python3-feedparser)
elif ! /usr/bin/python3 -c 'import feedparser' >/dev/null 2>&1; then
  need+=(python3-feedparser)
elif ! /usr/bin/python3 -c 'import sqlite3' >/dev/null 2>&1; then
  need+=(libpython3-stdlib)
fi

if [ ${#need[@]} -eq 0 ]; then
  say "newsboat and feedparser already installed; nothing to do"
else
  if ! command -v apt-get >/dev/null 2>&1; then
    say "apt-get not found: install ${need[*]} with this system's package manager" >&2
    exit 1
  fi
  sudo=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      say "not root and no sudo: run as root, or install ${need[*]} yourself" >&2
      exit 1
    fi
  fi
  say "installing ${need[*]} (apt-get)"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The checker's own view decides: it is what the tests run.
if ! tests/consumers/check-feed --tools | sed 's/^/setup-test-tools: /'; then
  say "the consumer checks still miss a tool (see above)" >&2
  exit 1
fi
say "ready"
