#!/usr/bin/env bash
# Ingest against cp, on a generated card of RAW-sized and JPEG-sized files.
#   bench/ingest.sh [GB] [DIR]       (default 2 GB under /var/tmp)
# Prints, from one run:
#   - atelier-cli ingest to library + backup with verification, versus
#     `cp -r card A && cp -r card B && sync` (goal: ratio <= 1.2), and the
#     same with --no-verify;
#   - seconds from start to the first thumbnail (goal: < 1 s);
#   - thumbnails + previews per second versus vipsthumbnail on the same JPEGs.
set -euo pipefail
cd "$(dirname "$0")/.."
gb=${1:-2}
dir=${2:-$(mktemp -d /var/tmp/atelier-ingest-bench-XXXXXX)}
cli=_build/src/cli/atelier-cli
ninja -C _build >/dev/null
card="$dir/card/DCIM/100CANON"
mkdir -p "$card"

# Captures shot RAW + JPEG: a RAW-sized file (25 MB of noise, incompressible
# like RAW data) and a real 6000x4000 JPEG from libvips with the same name.
if [ ! -f "$dir/card/.made" ]; then
  rm -f "$card"/*
  mkdir -p "$dir/jpegs"
  vips gaussnoise "$dir/noise.v" 6000 4000 --mean 128 --sigma 40
  for i in $(seq 1 24); do vips linear "$dir/noise.v" "$dir/jpegs/$i.jpg[Q=90]" 1 "$i"; done
  rm -f "$dir/noise.v"
  jpeg_mb=$(( $(du -sb "$dir/jpegs" | cut -f1) / 24 / 1048576 ))
  n=$(( gb * 1024 / (25 + jpeg_mb) ))
  for i in $(seq 1 "$n"); do
    head -c $((25 << 20)) /dev/urandom >"$card/$(printf IMG_%04d.CR3 "$i")"
    cp "$dir/jpegs/$(( (i - 1) % 24 + 1 )).jpg" "$card/$(printf IMG_%04d.JPG "$i")"
  done
  touch "$dir/card/.made"
fi
bytes=$(du -sb "$dir/card" | cut -f1)

secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
drop() { sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true; }

run_cp() {
  rm -rf "$dir/A" "$dir/B"; drop
  local t0; t0=$(date +%s%N)
  cp -r "$dir/card" "$dir/A" && cp -r "$dir/card" "$dir/B" && sync
  secs "$t0" "$(date +%s%N)"
}
run_ingest() {
  rm -rf "$dir/lib" "$dir/bak" "$dir/cache" "$dir"/c.atelier*; mkdir -p "$dir/lib" "$dir/bak"; drop
  local t0; t0=$(date +%s%N)
  XDG_CACHE_HOME="$dir/cache" "$cli" ingest "$dir/card" --catalog "$dir/c.atelier" --library "$dir/lib" \
    --backup "$dir/bak" --json "$@" >"$dir/ingest.json"
  secs "$t0" "$(date +%s%N)"
}

cp_s=$(run_cp)
ing_s=$(run_ingest)
first=$(python3 -c "import json;print(json.load(open('$dir/ingest.json'))['first_preview_seconds'])")
copy_s=$(run_ingest --no-previews)
nov_s=$(run_ingest --no-previews --no-verify)
rm -rf "$dir/A" "$dir/B"

jpegs=("$dir"/jpegs/*.jpg)
rm -rf "$dir/thumbs"; mkdir -p "$dir/thumbs"; drop
# one thread each: during ingest previews get one core, copying the other
t0=$(date +%s%N); VIPS_CONCURRENCY=1 vipsthumbnail -s 400 -o "$dir/thumbs/%s.jpg" "${jpegs[@]}"; vt_s=$(secs "$t0" "$(date +%s%N)")
drop
# the same two images we make, the way vipsthumbnail makes them: one run per size
t0=$(date +%s%N); VIPS_CONCURRENCY=1 vipsthumbnail -s 2048 -o "$dir/thumbs/%s-2048.jpg" "${jpegs[@]}"
VIPS_CONCURRENCY=1 vipsthumbnail -s 400 -o "$dir/thumbs/%s.jpg" "${jpegs[@]}"; vt2_s=$(secs "$t0" "$(date +%s%N)")
drop
ours=$(_build/bench/bench-previews "$dir/previews" "${jpegs[@]}" | awk '/^seconds/ {print $2}')

# RAW stand-ins the way cameras make them: a full-size image (6000x4000,
# TIFF with JPEG tiles) and the camera's 1620x1080 JPEG embedded (exiv2 -it).
if [ ! -f "$dir/raws/.made" ]; then
  mkdir -p "$dir/raws"
  vips gaussnoise "$dir/noise.v" 6000 4000 --mean 128 --sigma 40
  vips colourspace "$dir/noise.v" "$dir/noise3.v" srgb
  vips gaussnoise "$dir/small.v" 1620 1080 --mean 128 --sigma 40
  for i in $(seq 1 12); do
    vips tiffsave "$dir/noise3.v" "$dir/raws/R$i.tif" --compression jpeg --Q 90 --tile
    vips jpegsave "$dir/small.v" "$dir/raws/R$i-thumb.jpg" --Q 90
    (cd "$dir/raws" && exiv2 -it "R$i.tif" && rm "R$i-thumb.jpg" && mv "R$i.tif" "R$i.dng")
  done
  rm -f "$dir"/noise*.v "$dir/small.v"
  touch "$dir/raws/.made"
fi
raws=("$dir"/raws/*.dng)
rm -rf "$dir/thumbs"; mkdir -p "$dir/thumbs"; drop
t0=$(date +%s%N); VIPS_CONCURRENCY=1 vipsthumbnail -s 400 -o "$dir/thumbs/%s.jpg" "${raws[@]}"; vt_raw_s=$(secs "$t0" "$(date +%s%N)")
drop
ours_raw=$(_build/bench/bench-previews "$dir/previews" "${raws[@]}" | awk '/^seconds/ {print $2}')

echo "card: $(( bytes / 1000000 )) MB in $(ls "$card" | wc -l) files"
echo "cp -r card A && cp -r card B && sync:   ${cp_s} s"
echo "atelier-cli ingest (+backup, verified, previews): ${ing_s} s   ratio $(awk -v a="$ing_s" -v b="$cp_s" 'BEGIN{printf "%.2f", a/b}')"
echo "atelier-cli ingest --no-previews (verified):      ${copy_s} s   ratio $(awk -v a="$copy_s" -v b="$cp_s" 'BEGIN{printf "%.2f", a/b}') (goal <= 1.2)"
echo "atelier-cli ingest --no-previews --no-verify:     ${nov_s} s   ratio $(awk -v a="$nov_s" -v b="$cp_s" 'BEGIN{printf "%.2f", a/b}')"
echo "first thumbnail after start:            ${first} s (goal < 1 s)"
echo "vipsthumbnail (400 px) on ${#jpegs[@]} JPEGs:      ${vt_s} s"
echo "vipsthumbnail -s 2048, then -s 400:      ${vt2_s} s"
echo "at_preview_make (400 + 2048 px):        ${ours} s"
echo "  ratio, files/s against the 400 px run alone:         $(awk -v a="$ours" -v b="$vt_s" 'BEGIN{printf "%.2f", b/a}')"
echo "  ratio, images/s (we make 2 per file, it makes 1):    $(awk -v a="$ours" -v b="$vt_s" 'BEGIN{printf "%.2f", 2*b/a}') (goal >= 1 on plain JPEGs)"
echo "  ratio, files/s against vipsthumbnail making both:    $(awk -v a="$ours" -v b="$vt2_s" 'BEGIN{printf "%.2f", b/a}')"
echo "vipsthumbnail (400 px) on ${#raws[@]} RAW-like files:  ${vt_raw_s} s"
echo "at_preview_make (400 + embedded):       ${ours_raw} s   ratio (files/s, ours / vipsthumbnail) $(awk -v a="$ours_raw" -v b="$vt_raw_s" 'BEGIN{printf "%.2f", b/a}') (goal >= 2 with embedded previews)"
echo "files left in $dir"
