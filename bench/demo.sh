#!/usr/bin/env bash
# The demo studio at scale: `atelier-cli demo --photos N` (default 100000)
# against cp copying the library it produced, and the sqlite3 shell loading
# the same photo rows from CSV. Prints times and ratios (ours / reference).
#   bench/demo.sh [N] [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
dir=${2:-$(mktemp -d /var/tmp/atelier-bench-XXXXXX)}
cli=_build/src/cli/atelier-cli
ninja -C _build >/dev/null
mkdir -p "$dir/library"

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

start=$(date +%s%N)
"$cli" demo --catalog "$dir/catalog.atelier" --library "$dir/library" --photos "$n" >"$dir/demo.log" 2>&1
demo_ms=$(ms "$start")

start=$(date +%s%N)
cp -a "$dir/library" "$dir/library-copy"
sync
cp_ms=$(ms "$start")

sqlite3 -readonly "$dir/catalog.atelier" -csv "SELECT * FROM photos" >"$dir/photos.csv"
sqlite3 "$dir/reference.db" "$(sqlite3 "$dir/catalog.atelier" '.schema photos' | sed 's/CREATE INDEX/CREATE INDEX IF NOT EXISTS/')" 
start=$(date +%s%N)
sqlite3 "$dir/reference.db" -cmd '.mode csv' ".import $dir/photos.csv photos"
import_ms=$(ms "$start")

bytes=$(du -sb "$dir/library" | cut -f1)
echo "photos:                        $n ($((bytes / 1000000)) MB of JPEG)"
echo "atelier-cli demo:              ${demo_ms} ms ($(awk -v n="$n" -v t="$demo_ms" 'BEGIN { printf "%.0f", n / (t / 1000) }') photos/s)"
echo "cp -a of the same library:     ${cp_ms} ms"
echo "sqlite3 .import of the rows:   ${import_ms} ms"
awk -v a="$demo_ms" -v b="$cp_ms" 'BEGIN { printf "ratio demo / cp:               %.1f\n", a / b }'
awk -v a="$demo_ms" -v b="$import_ms" 'BEGIN { printf "ratio demo / sqlite3 import:   %.1f\n", a / b }'
"$cli" catalog check --catalog "$dir/catalog.atelier"
echo "catalog and library left in $dir"
