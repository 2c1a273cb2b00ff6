#!/usr/bin/env bash
# Debian packages the tests and the service need. Installs only what is missing,
# so a machine that already has them does no network work.
set -euo pipefail
packages=(
  espeak-ng sox libsox-fmt-all   # synthetic dictation for tests
  flite festival festvox-us-slt-hts festvox-kallpc16k  # more synthetic voices for the dictation set (tests/dictations)
  chromium                       # browser tests (Playwright drives Debian's Chromium)
  postgresql                     # storage tests run on PostgreSQL as well as SQLite
  libportaudio2 pulseaudio pulseaudio-utils  # microphone capture and a virtual input for its tests
  libasound2-plugins             # ALSA's "pulse" device: PortAudio's way into that virtual input
  fonts-dejavu-core              # a Unicode font for the PDF export
  tzdata                         # time zone of dates in exported documents
)
missing=()
for pkg in "${packages[@]}"; do
  [[ $pkg == \#* ]] && continue
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
