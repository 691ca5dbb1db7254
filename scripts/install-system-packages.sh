#!/usr/bin/env bash
# Debian packages Shuzhi needs beyond Python: WeasyPrint's libraries (with harfbuzz-subset,
# without which CJK fonts take ~17 s per page), a CJK font, gettext for the catalogues, and
# (for the browser tests, with --test) Debian's Chromium. Installs what is missing when run as
# root on Debian; otherwise prints what to install and carries on.
set -euo pipefail

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(chromium)
fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || echo "apt-get update failed; trying the existing package lists"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "WARNING: missing Debian packages: ${missing[*]}" >&2
  echo "         install them with: sudo apt-get install ${missing[*]}" >&2
fi
