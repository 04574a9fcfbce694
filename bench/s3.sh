#!/usr/bin/env bash
# Uploads to an S3-compatible server on loopback (s3rver from the test
# services, without the verifying front, the same for every client):
#   bench/s3.sh [TOTAL_MB [BIG_GB]]    (defaults 1000 and 4)
# TOTAL_MB of photo-sized files (25 MB each) go up one PUT per file, one at
# a time, with curl (unsigned payload) and Atelier (signed SHA-256) in turns,
# the best of three runs each, and once with curl sending Atelier's
# checksum; then in 8 MiB parts 4 at once (as the upload queue sends files
# over 8 MiB), with curl and with Atelier; then 4 files at once with Atelier,
# one PUT each. Then one BIG_GB file in parts, for Atelier's peak resident
# memory, and that file downloaded by curl and by Atelier. Prints the ratios.
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

# One PUT per file, curl and Atelier taking turns, three times; the best run
# of each counts (two processes share two cores with s3rver: runs vary by
# 15 %), and each round's own ratio is printed too
curl_ms=0
single_ms=0
for round in 1 2 3; do
  start=$(date +%s%N)
  for f in "$dir"/files/*; do
    curl -s -f -o /dev/null --aws-sigv4 "aws:amz:us-east-1:s3" --user S3RVER:S3RVER -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" \
      -T "$f" "$endpoint/bench/curl/$(basename "$f")"
  done
  t=$(ms "$start")
  rm -rf "$dir/data/bench/curl"
  echo "curl, one PUT per file:          ${t} ms for $n files"
  echo "$t" >> "$dir/curl-round"
  [ "$curl_ms" -gt 0 ] && [ "$curl_ms" -le "$t" ] || curl_ms=$t
  single=$(_build/bench/bench-s3 "$endpoint" bench single single "$dir"/files/*)
  rm -rf "$dir/data/bench/single"
  echo "atelier, one PUT per file:       $single"
  t=$(echo "$single" | awk '{print $2}')
  echo "  round $round: atelier / curl $(awk -v a="$t" -v b="$(tail -n 1 "$dir/curl-round")" 'BEGIN { printf "%.2f", a / b }')"
  [ "$single_ms" -gt 0 ] && [ "$single_ms" -le "$t" ] || single_ms=$t
done

# what the integrity rule costs: curl with the checksum Atelier sends (each
# file's SHA-256 worked out by openssl first, signed and as x-amz-checksum-sha256)
start=$(date +%s%N)
for f in "$dir"/files/*; do
  openssl dgst -sha256 -binary "$f" > "$dir/sum"
  hex=$(od -An -tx1 "$dir/sum" | tr -d ' \n')
  b64=$(base64 < "$dir/sum")
  curl -s -f -o /dev/null --aws-sigv4 "aws:amz:us-east-1:s3" --user S3RVER:S3RVER -H "x-amz-content-sha256: $hex" \
    -H "x-amz-checksum-sha256: $b64" -T "$f" "$endpoint/bench/curl-sum/$(basename "$f")"
done
curl_sum_ms=$(ms "$start")
rm -rf "$dir/data/bench/curl-sum"
echo "curl, one PUT per file with SHA-256: ${curl_sum_ms} ms for $n files"

# curl with parallel parts: per file, CreateMultipartUpload, its 8 MiB parts
# four at once (cut beforehand, outside the time), CompleteMultipartUpload
mkdir -p "$dir/parts"
for f in "$dir"/files/*; do split -b 8388608 -d -a 2 "$f" "$dir/parts/$(basename "$f")."; done
s3curl () { curl -s -f --aws-sigv4 "aws:amz:us-east-1:s3" --user S3RVER:S3RVER -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$@"; }
start=$(date +%s%N)
for f in "$dir"/files/*; do
  name=$(basename "$f")
  id=$(s3curl -X POST "$endpoint/bench/curl-parts/$name?uploads" | sed -n 's:.*<UploadId>\(.*\)</UploadId>.*:\1:p')
  i=0
  pids=()
  for part in "$dir/parts/$name".*; do
    i=$((i + 1))
    s3curl -o /dev/null -D "$dir/parts/etag.$i" -T "$part" "$endpoint/bench/curl-parts/$name?partNumber=$i&uploadId=$id" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  xml="<CompleteMultipartUpload>"
  for j in $(seq 1 $i); do
    etag=$(tr -d '\r' < "$dir/parts/etag.$j" | sed -n 's/^[Ee][Tt][Aa][Gg]: *//p')
    xml="$xml<Part><PartNumber>$j</PartNumber><ETag>$etag</ETag></Part>"
  done
  s3curl -o /dev/null -X POST -H "Content-Type: application/xml" --data-binary "$xml</CompleteMultipartUpload>" \
    "$endpoint/bench/curl-parts/$name?uploadId=$id"
done
curl_parts_ms=$(ms "$start")
rm -rf "$dir/data/bench/curl-parts" "$dir/parts"
echo "curl, 8 MiB parts, 4 at once:    ${curl_parts_ms} ms for $n files"
parallel=$(_build/bench/bench-s3 "$endpoint" bench parallel parallel "$dir"/files/*)
rm -rf "$dir/data/bench/parallel"
echo "atelier, 8 MiB parts, 4 at once: $parallel"
files=$(_build/bench/bench-s3 "$endpoint" bench files files "$dir"/files/*)
rm -rf "$dir/data/bench/files"
echo "atelier, 4 files at once:        $files"
rm -rf "$dir/files"

dd if=/dev/urandom of="$dir/big.bin" bs=1M count=$(( big * 1024 )) status=none
bigrun=$(_build/bench/bench-s3 "$endpoint" bench big parallel "$dir/big.bin")
echo "atelier, one ${big} GB file in parts: $bigrun"
rm -f "$dir/big.bin"

# and back: the big file downloaded by curl, then by atelier-cli s3 get
start=$(date +%s%N)
s3curl -o "$dir/big.curl" "$endpoint/bench/big/big.bin"
get_curl_ms=$(ms "$start")
rm -f "$dir/big.curl"
start=$(date +%s%N)
_build/src/cli/atelier-cli s3 get --endpoint "$endpoint" --bucket bench big/big.bin "$dir/big.got" > /dev/null
get_ms=$(ms "$start")
rm -f "$dir/big.got"
echo "download of the ${big} GB file: curl ${get_curl_ms} ms, atelier ${get_ms} ms"

awk -v c="$curl_ms" -v cs="$curl_sum_ms" -v cp="$curl_parts_ms" -v s="$single_ms" -v p="$(echo "$parallel" | awk '{print $2}')" \
    -v f="$(echo "$files" | awk '{print $2}')" \
    -v rss="$(echo "$bigrun" | awk '{print $(NF-1)}')" -v mb="$total" -v g="$get_ms" -v gc="$get_curl_ms" 'BEGIN {
  printf "ratio atelier one PUT per file / curl: %.2f   (goal <= 1.1)\n", s / c
  printf "  (against curl sending the same SHA-256: %.2f)\n", s / cs
  printf "ratio atelier in parallel parts / curl in parallel parts: %.2f   (goal < 1)\n", p / cp
  printf "ratio atelier in parallel parts / curl one PUT per file: %.2f\n", p / c
  printf "ratio atelier 4 files at once / curl: %.2f\n", f / c
  printf "throughput: curl %.0f MB/s (%.0f MB/s in parts), atelier %.0f MB/s single, %.0f MB/s in parts, %.0f MB/s 4 files at once\n",
    mb / (c / 1000), mb / (cp / 1000), mb / (s / 1000), mb / (p / 1000), mb / (f / 1000)
  printf "ratio atelier download / curl: %.2f\n", g / gc
  printf "peak resident memory uploading the big file: %.0f MB   (goal < 100)\n", rss / 1024 }'
