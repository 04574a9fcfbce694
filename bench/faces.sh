#!/usr/bin/env bash
# Face detection and description, photos a second on both cores:
#   bench/faces.sh [ROUNDS]    (default 4: the 6 photos 4 times, 24 photos)
# The face-api package's six 1920-px party photos (22 faces), as PNG, go
# through Atelier's engine (2 workers) and through the reference library
# itself (face-api on tfjs's WASM backend: one process, and two processes
# for both cores, counting only the library's own time, not its PNG
# decoding). Prints the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-4}
ninja -C _build >/dev/null
models=data/faces/node_modules/@vladmandic/face-api/model
ref=tests/services/faces
dir=$(mktemp -d /tmp/atelier-faces-bench-XXXXXX)
trap 'rm -rf "$dir"' EXIT
photos=()
for i in 1 2 3 4 5 6; do
  vips copy "$models/../demo/sample$i.jpg" "$dir/sample$i.png"
done
for r in $(seq "$rounds"); do for i in 1 2 3 4 5 6; do photos+=("$dir/sample$i.png"); done; done
n=${#photos[@]}
half=$(( n / 2 ))

one=$(_build/bench/bench-faces 1 "${photos[@]}")
echo "atelier, 1 worker:              $one"
two=$(_build/bench/bench-faces 2 "${photos[@]}")
echo "atelier, 2 workers:             $two"

single=$(cd "$ref" && node faceref.js --time "$OLDPWD/$models" "${photos[@]}")
echo "reference, 1 process:           $single"
(cd "$ref" && node faceref.js --time "$OLDPWD/$models" "${photos[@]:0:$half}") > "$dir/a" &
(cd "$ref" && node faceref.js --time "$OLDPWD/$models" "${photos[@]:$half}") > "$dir/b" &
wait
echo "reference, 2 processes:         $(cat "$dir/a") | $(cat "$dir/b")"

awk -v n="$n" -v ours="$(echo "$two" | awk '{print $(NF-1)}')" -v one_ms="$(echo "$single" | awk '{print $1}')" \
    -v a="$(awk '{print $1}' "$dir/a")" -v b="$(awk '{print $1}' "$dir/b")" 'BEGIN {
  both = n / ((a > b ? a : b) / 1000); alone = n / (one_ms / 1000)
  printf "atelier: %.2f photos/s (goal >= 4)\n", ours
  printf "reference: %.2f photos/s in one process, %.2f in two\n", alone, both
  printf "ratio atelier / reference on both cores: %.2f   (goal >= 3)\n", ours / both
  printf "ratio atelier / reference in one process: %.2f\n", ours / alone }'
