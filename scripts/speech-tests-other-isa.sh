#!/usr/bin/env bash
# The speech tests again under another CPU instruction set than this machine's own.
#
# CTranslate2's int8 matrix products go through oneDNN, which picks its kernels by the CPU
# (AVX-512 VNNI, AVX2, ...), so Whisper's exact words can differ from one CPU to the next.
# Running the speech tests a second time with oneDNN capped shows here what another CPU
# would produce: with AVX-512 present, capped at AVX2 (a Zen 3 / older Intel machine);
# without it, at SSE4.1 with CTranslate2's generic kernels.
#
#   scripts/speech-tests-other-isa.sh            # the second ISA this machine can show
#   scripts/speech-tests-other-isa.sh all        # every setting: unset, AVX2, SSE4.1+GENERIC
#   scripts/speech-tests-other-isa.sh all tests/transcription/test_flags.py   # other tests
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-other}
shift || true
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(tests/transcription tests/drafting)
python=.venv/bin/python

run() {  # run NAME ENV...
  local name=$1; shift
  echo "== speech tests with $name"
  env "$@" "$python" -m pytest -q -p no:cacheprovider "${tests[@]}"
}

if [ "$mode" = all ]; then
  run "this CPU's own instruction set" ONEDNN_MAX_CPU_ISA=DEFAULT
  run "oneDNN capped at AVX2" ONEDNN_MAX_CPU_ISA=AVX2
  run "SSE4.1 and generic CTranslate2 kernels" ONEDNN_MAX_CPU_ISA=SSE41 CT2_FORCE_CPU_ISA=GENERIC
elif grep -qw avx512f /proc/cpuinfo; then
  run "oneDNN capped at AVX2" ONEDNN_MAX_CPU_ISA=AVX2
else
  run "SSE4.1 and generic CTranslate2 kernels" ONEDNN_MAX_CPU_ISA=SSE41 CT2_FORCE_CPU_ISA=GENERIC
fi
