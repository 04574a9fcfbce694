#!/usr/bin/env bash
# Uploads to an S3-compatible server on loopback (s3rver from the test
# services, without the verifying front, the same for every client):
#   bench/s3.sh [TOTAL_MB [BIG_GB]]    (defaults 1000 and 4)
# TOTAL_MB of photo-sized files (25 MB each) go up with curl (one PUT per
# file, one at a time, unsigned payload), then with Atelier one PUT per file
# (signed SHA-256), in 8 MiB parts 4 at once, and 4 files at once (one PUT
# each, as the upload queue sends them). Then one BIG_GB file in parts, for
# Atelier's peak resident memory. Prints the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
total=${1:-1000}
big=${2:-4}
ninja -C _build >/dev/null
dir=$(mktemp -d /var/tmp/atelier-s3-bench-XXXXXX)
server=""
trap '[ -z "$server" ] || kill "$server" 2>/dev/null; rm -rf "$dir"' EXIT

mkdir -p "$dir/files" "$dir/data"
n=$(( total / 25 ))
for i in $(seq -w 1 "$n"); do head -c 25000000 /dev/urandom > "$dir/files/IMG_$i.CR3"; done
cat "$dir"/files/* > /dev/null   # in the page cache for everyone

node --openssl-legacy-provider -e '
  const S3rver = require(process.argv[1] + "/tests/services/s3/node_modules/s3rver");
  new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: process.argv[2] })
    .run().then((a) => console.log("ready " + a.port));' "$PWD" "$dir/data" > "$dir/port" &
server=$!
for _ in $(seq 50); do grep -q ready "$dir/port" 2>/dev/null && break; sleep 0.1; done
endpoint="http://127.0.0.1:$(awk '{print $2}' "$dir/port")"
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
_build/src/cli/atelier-cli s3 mb --endpoint "$endpoint" --bucket bench

ms () { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

start=$(date +%s%N)
for f in "$dir"/files/*; do
  curl -s -f -o /dev/null --aws-sigv4 "aws:amz:us-east-1:s3" --user S3RVER:S3RVER -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" \
    -T "$f" "$endpoint/bench/curl/$(basename "$f")"
done
curl_ms=$(ms "$start")
rm -rf "$dir/data/bench/curl"
echo "curl, one PUT per file:          ${curl_ms} ms for $n files"
single=$(_build/bench/bench-s3 "$endpoint" bench single single "$dir"/files/*)
rm -rf "$dir/data/bench/single"
echo "atelier, one PUT per file:       $single"
parallel=$(_build/bench/bench-s3 "$endpoint" bench parallel parallel "$dir"/files/*)
rm -rf "$dir/data/bench/parallel"
echo "atelier, 8 MiB parts, 4 at once: $parallel"
files=$(_build/bench/bench-s3 "$endpoint" bench files files "$dir"/files/*)
rm -rf "$dir/data/bench/files"
echo "atelier, 4 files at once:        $files"
rm -rf "$dir/files"

dd if=/dev/urandom of="$dir/big.bin" bs=1M count=$(( big * 1024 )) status=none
bigrun=$(_build/bench/bench-s3 "$endpoint" bench parallel big "$dir/big.bin")
echo "atelier, one ${big} GB file in parts: $bigrun"

awk -v c="$curl_ms" -v s="$(echo "$single" | awk '{print $2}')" -v p="$(echo "$parallel" | awk '{print $2}')" \
    -v f="$(echo "$files" | awk '{print $2}')" \
    -v rss="$(echo "$bigrun" | awk '{print $(NF-1)}')" -v mb="$total" 'BEGIN {
  printf "ratio atelier one PUT per file / curl: %.2f   (goal <= 1.1)\n", s / c
  printf "ratio atelier in parallel parts / curl: %.2f   (goal < 1)\n", p / c
  printf "ratio atelier 4 files at once / curl: %.2f\n", f / c
  printf "throughput: curl %.0f MB/s, atelier %.0f MB/s single, %.0f MB/s in parts, %.0f MB/s 4 files at once\n",
    mb / (c / 1000), mb / (s / 1000), mb / (p / 1000), mb / (f / 1000)
  printf "peak resident memory uploading the big file: %.0f MB   (goal < 100)\n", rss / 1024 }'
