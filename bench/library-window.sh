#!/usr/bin/env bash
# The Library page in the real window under Xvfb, on the demo studio:
# time until the first screenful of photos is drawn, and resident memory
# before and after scrolling the whole grid (a frame drawn at every stop).
#   bench/library-window.sh [PHOTOS] [DIR] [STEPS]   (default 100000 photos, 2000 stops)
# DIR keeps the demo catalog and library between runs (making 100k takes a while).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
dir=${2:-/var/tmp/atelier-library-window-$n}
steps=${3:-2000}
ninja -C _build >/dev/null
if [ ! -f "$dir/catalog.atelier" ]; then
  mkdir -p "$dir/library"
  _build/src/cli/atelier-cli demo --catalog "$dir/catalog.atelier" --library "$dir/library" --photos "$n" >/dev/null
fi
export GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$PWD/_build/data" GDK_BACKEND=x11 GTK_A11Y=none NO_AT_BRIDGE=1
# a thumbnail cache of its own: the first run makes thumbnails as it goes
# (the demo makes none; ingest would have), later runs find them; COLD=1
# starts from an empty cache
export XDG_CACHE_HOME="$dir/cache"
# (only Atelier's thumbnails: the rest of that cache is fontconfig's, whose
# rebuild would cost a second that is not Atelier's)
[ "${COLD:-0}" = 1 ] && rm -rf "$XDG_CACHE_HOME/atelier"
dbus-run-session -- xvfb-run -a -s '-screen 0 1600x1000x24' \
  _build/bench/bench-library-window "$dir/catalog.atelier" "$dir/library" "$steps" | tee "$dir/window.txt"
awk '/^ready_ms/ { r = $2 } /^rss_kb_ready/ { a = $2 } /^rss_kb_after_scroll/ { b = $2 }
     END { printf "goal: ready < 1000 ms: %s; RSS after the scroll / at ready: %.2f\n", (r < 1000 ? "yes" : "no"), b / a }' "$dir/window.txt"
