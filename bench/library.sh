#!/usr/bin/env bash
# The Library on a big catalog: ready time, filter changes, a rating
# keypress until committed, and memory while reading the whole grid.
#   bench/library.sh [PHOTOS] [DIR]     (default 1000000 generated rows)
# Rows are generated with SQL (no image files): the grid's model and the
# catalog are what is measured. The sqlite3 shell runs the same filter's
# count and first page as the reference.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
dir=${2:-$(mktemp -d /var/tmp/atelier-library-bench-XXXXXX)}
cli=_build/src/cli/atelier-cli
ninja -C _build >/dev/null
cat="$dir/library-$n.atelier"
if [ ! -f "$cat" ]; then
  "$cli" catalog init --catalog "$cat" >/dev/null
  sqlite3 "$cat" <<SQL
PRAGMA journal_mode=WAL;
WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < $n - 1)
INSERT INTO photos (id, content_hash, file_size, original_name, file_name, library_path, capture_time,
                    body_serial, rating, color_label, picked)
SELECT printf('%08d-0000-7000-8000-%012d', i, i), printf('%032x', i), 24000000 + i,
       printf('IMG_%04d.CR3', i % 9999 + 1), printf('2026%04d_IMG_%04d.cr3', i / 9999, i % 9999 + 1),
       printf('2026/%04d/IMG_%08d.cr3', i / 9999, i),
       strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01T08:00:00Z', printf('+%d seconds', i * 7)),
       CASE i % 3 WHEN 0 THEN '032021001234' WHEN 1 THEN '083033004321' ELSE '012345678901' END,
       CASE WHEN i % 97 = 0 THEN -1 ELSE (i * 7919) % 6 END,
       CASE (i * 31) % 11 WHEN 0 THEN 'red' WHEN 1 THEN 'green' WHEN 2 THEN 'blue' ELSE 'none' END,
       CASE WHEN i % 13 = 0 THEN 1 ELSE 0 END
FROM s;
ANALYZE;
SQL
fi
_build/bench/bench-library "$cat" | tee "$dir/bench.txt"

# the reference: the same count + first page of "rating >= 4" in the sqlite3 shell
q="SELECT count(*) FROM photos p WHERE p.deleted_at IS NULL AND p.rating >= 4;
SELECT id, file_name FROM photos p WHERE p.deleted_at IS NULL AND p.rating >= 4 ORDER BY p.capture_time, p.id LIMIT 256;"
start=$(date +%s%N); sqlite3 -readonly "$cat" "$q" >/dev/null; end=$(date +%s%N)
ref=$(awk -v ns=$((end - start)) 'BEGIN { printf "%.1f", ns / 1e6 }')
ours=$(awk '/^filter_ms rating>=4/ {print $3}' "$dir/bench.txt")
echo "sqlite3 shell, rating>=4 count + first page: ${ref} ms (includes starting the shell)"
awk -v a="$ours" -v b="$ref" 'BEGIN { printf "ratio (AtPhotoList / sqlite3 shell): %.2f\n", a / b }'
echo "goals: ready < 1000 ms at 100k; filter < 100 ms at 1M; commit < 16 ms; RSS bounded after the scroll"
echo "catalog left in $dir"
