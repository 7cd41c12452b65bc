#!/usr/bin/env bash
# Set up everything zhichan needs on a fresh Debian machine with Python 3.11 and pip:
# Debian packages (PostgreSQL, Chromium, CJK fonts, poppler, Pango for WeasyPrint) and a
# virtual environment in .venv with the package and its extras. Safe to run again: it only
# installs what is missing and reinstalls Python packages only when pyproject.toml changed.
#
# usage: scripts/bootstrap.sh [runtime|test|bench]
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-runtime}"
PYTHON="${PYTHON:-python3}"

debian_packages=(fonts-noto-cjk poppler-utils openssl libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
if [[ "$mode" == "test" || "$mode" == "bench" ]]; then
  debian_packages+=(postgresql chromium)
fi
if [[ "$mode" == "bench" ]]; then
  debian_packages+=(wrk)
fi

missing=()
for pkg in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "==> installing Debian packages: ${missing[*]}"
  SUDO=""
  if [[ "$(id -u)" != "0" ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ ! -x .venv/bin/python ]]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi

# The demo needs no Spark (511 MB); the tests compare DuckDB with Spark, so they install it.
# A later mode's install covers the earlier ones: runtime ⊂ test ⊂ bench.
case "$mode" in
  runtime) target="."; covered_by=(runtime test bench) ;;
  test) target=".[spark,dev]"; covered_by=(test bench) ;;
  bench) target=".[spark,dev,bench]"; covered_by=(bench) ;;
  *) echo "usage: $0 [runtime|test|bench]" >&2; exit 2 ;;
esac
hash="$(sha256sum pyproject.toml | cut -c1-16)"
installed=no
for m in "${covered_by[@]}"; do
  if [[ -f ".venv/.zhichan-$hash-$m" ]]; then installed=yes; fi
done
if [[ "$installed" == no ]]; then
  echo "==> installing Python packages ($target)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e "$target"
  touch ".venv/.zhichan-$hash-$mode"
fi
