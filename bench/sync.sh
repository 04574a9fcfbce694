#!/usr/bin/env bash
# Sync at scale on loopback, with a throwaway PostgreSQL 15:
#   bench/sync.sh [N]    (default 100000)
# Pushes N photos' rows, pulls them into a new workstation (the initial
# sync), then pushes N field changes and pulls them; beside it, psql's
# \copy of N equivalent rows is the reference. Prints the ratio
# (push + merge of the fields) / (\copy).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
ninja -C _build >/dev/null
bin=/usr/lib/postgresql/15/bin
dir=$(mktemp -d /tmp/atelier-sync-bench-XXXXXX)
as_pg=()
if [ "$(id -u)" -eq 0 ]; then as_pg=(runuser -u postgres --); chown postgres "$dir"; fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo postgres-bench > "$dir/pw"; chmod 600 "$dir/pw"; [ ${#as_pg[@]} -eq 0 ] || chown postgres "$dir/pw"
"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres --pwfile "$dir/pw" --auth-local=trust --auth-host=scram-sha-256 \
  --no-sync >/dev/null
mkdir -p "$dir/sock"; [ ${#as_pg[@]} -eq 0 ] || chown postgres "$dir/sock"
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir/sock" start >/dev/null
trap '"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null; rm -rf "$dir"' EXIT

admin="host=$dir/sock port=$port user=postgres dbname=postgres"
cli=_build/src/cli/atelier-cli
"$cli" server migrate --server "$admin" >/dev/null
"$cli" server add-studio --server "$admin" --name Bench >/dev/null
"$cli" server add-workstation --server "$admin" --studio Bench --name bench --password bench-pw >/dev/null
url="host=127.0.0.1 port=$port dbname=postgres user=bench password=bench-pw"
mkdir -p "$dir/catalogs"
G_MESSAGES_DEBUG=${SYNC_DEBUG:-} ${SYNC_PERF:-} _build/bench/bench-sync "$dir/catalogs" "$url" "$n" | tee "$dir/out.txt"

# the reference: the same number of (table, row, column, value, clock, node) rows through psql's \copy
python3 - "$n" > "$dir/cells.tsv" <<'PY'
import sys
n = int(sys.argv[1])
for i in range(n):
    print(f"photos\t{i:08d}-0000-7000-8000-{i:012d}\trating\t{i % 6}\t{(1767254400000 + i) << 16}\t42")
PY
psql=(psql -X -q -h "$dir/sock" -p "$port" -U postgres -d postgres)
"${psql[@]}" -c "CREATE TABLE ref (tbl text, pk text, col text, val jsonb, hlc bigint, node bigint)"
start=$(date +%s%N)
"${psql[@]}" -c "\\copy ref FROM '$dir/cells.tsv'"
ref_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "psql \\copy of $n rows:       ${ref_ms} ms"
# where the time goes: the same rows copied straight into a table keyed and
# indexed as sync_cell is (no merge, no clocks: the floor of any merge)
"${psql[@]}" -c "CREATE TABLE keyed (studio_id text, tbl text, pk text, col text, val jsonb, hlc bigint, node bigint,
  xid xid8 NOT NULL DEFAULT pg_current_xact_id(), seq bigserial, bucket text NOT NULL DEFAULT '',
  PRIMARY KEY (studio_id, tbl, pk, col)); CREATE INDEX ON keyed (studio_id, bucket, xid, seq)"
sed 's/^/01a2283d-394c-7032-8be8-c510ea38840c\t/' "$dir/cells.tsv" > "$dir/keyed.tsv"
start=$(date +%s%N)
"${psql[@]}" -c "\\copy keyed (studio_id, tbl, pk, col, val, hlc, node) FROM '$dir/keyed.tsv'"
keyed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "psql \\copy into a table keyed like sync_cell: ${keyed_ms} ms"
push_ms=$(awk '/^push \+ merge/ {print $5}' "$dir/out.txt")
pull=$(awk '/^pull \(fields\)/ {gsub(/[(]/, "", $(NF-1)); print $(NF-1)}' "$dir/out.txt")
initial=$(awk '/^initial sync/ {print $5}' "$dir/out.txt")
awk -v a="$push_ms" -v b="$ref_ms" -v k="$keyed_ms" -v p="$pull" -v i="$initial" 'BEGIN {
  printf "ratio (push + merge) / (\\copy): %.2f   (goal <= 3)\n", a / b
  printf "  (against the keyed \\copy: %.2f)\n", a / k
  printf "pull: %s fields/s   (goal >= 100000)\n", p
  printf "initial sync of the photos into a new workstation: %.1f s   (goal < 10 s)\n", i / 1000 }'
