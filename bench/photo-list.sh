#!/usr/bin/env bash
# Library paging: AtPhotoList against the sqlite3 shell running the same
# page queries on the same catalog. Prints both and the ratio (ours / sqlite3;
# near 1 means the model adds little to SQLite itself).
#   bench/photo-list.sh CATALOG [PAGES]
set -euo pipefail
cd "$(dirname "$0")/.."
catalog=${1:?usage: bench/photo-list.sh CATALOG [PAGES]}
pages=${2:-400}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

ninja -C _build bench/bench-photo-list >/dev/null
_build/bench/bench-photo-list "$catalog" "$pages" 7 >"$tmp/ours" 2>"$tmp/offsets"
ours=$(awk '/^page_ms/ {print $2}' "$tmp/ours")
photos=$(awk '/^photos/ {print $2}' "$tmp/ours")

cols="id, file_name, original_name, library_path, capture_time, capture_offset, camera_make, camera_model, body_serial, width, height, rating, color_label, picked, project_id, content_hash"
while read -r off; do
  echo "SELECT $cols FROM photos WHERE deleted_at IS NULL ORDER BY capture_time, id LIMIT 256 OFFSET $off;"
done <"$tmp/offsets" >"$tmp/queries.sql"
start=$(date +%s%N)
sqlite3 -readonly "$catalog" <"$tmp/queries.sql" >/dev/null
end=$(date +%s%N)
ref=$(awk -v ns=$((end - start)) -v n="$pages" 'BEGIN { printf "%.3f", ns / 1e6 / n }')

echo "photos in catalog:            $photos"
echo "AtPhotoList, ms per page:     $ours"
echo "sqlite3 shell, ms per page:   $ref"
awk -v a="$ours" -v b="$ref" 'BEGIN { printf "ratio (AtPhotoList / sqlite3): %.2f\n", a / b }'
