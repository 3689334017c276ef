#!/usr/bin/env bash
# One-stop set-up on a fresh Debian machine: system libraries Qt, Xvfb, Chinese fonts and PDF
# checks need (shared/reference/machine-setup.md), then a virtualenv in .venv with the workbench
# installed (non-editable, as users get it) plus the test extras.
# Usage: bash packaging/setup.sh            (idempotent; re-running only refreshes the install)
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libgl1 libegl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3
  xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxkbcommon-x11-0
  fonts-wqy-microhei poppler-utils minisign)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: please install these Debian packages first: ${missing[*]}" >&2
    exit 1
  fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
# Non-editable install: the tests exercise the package layout a user gets (rulesets/ and
# resources/ copied into the wheel), not just the source tree.
.venv/bin/python -m pip install -q --force-reinstall --no-deps . >/dev/null
.venv/bin/python -m pip install -q ".[test]"
echo "setup: ready (.venv/bin/workbench)"
