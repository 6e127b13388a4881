#!/usr/bin/env bash
# Accuracy and throughput of phiguard-redact next to the Python anchors
# (Presidio, scrubadub), in one run on the same generated text:
#
#   ../shared/bench/setup-anchors.sh          # once: installs the anchors
#   crates/redact/scripts/compare_anchors.sh  # from the repository root
#
# VENV (default ~/.cache/phiguard-anchors) and SHARED (default
# ../shared beside the repository) can be overridden.
set -euo pipefail
crate=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$crate/../../../shared}
venv=${VENV:-$HOME/.cache/phiguard-anchors}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "# machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$shared/bench/gen_text.py" "$work/synth.txt" --bytes 1048576 --seed 7

echo "# phiguard-redact (same text: gen_text.py is deterministic for a seed)"
cargo run --quiet --release -p phiguard-redact --example eval -- --bytes 1048576 --seed 7

if [[ -x $venv/bin/python ]]; then
  echo "# Presidio"
  "$venv/bin/python" "$shared/bench/presidio_bench.py" "$work/synth.txt" \
    --gold "$work/synth.txt.spans.jsonl" --no-spans
  echo "# scrubadub"
  "$venv/bin/python" "$shared/bench/scrubadub_bench.py" "$work/synth.txt" \
    --gold "$work/synth.txt.spans.jsonl" >/dev/null
else
  echo "# anchors not installed: run $shared/bench/setup-anchors.sh first"
fi
