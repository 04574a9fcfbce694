#!/bin/sh
# Fails when a source file with translatable strings is missing from
# po/POTFILES.in, or when POTFILES.in names a file that does not exist.
set -eu
top=${1:-$(dirname "$0")/..}
cd "$top"
status=0
listed=$(grep -v '^#' po/POTFILES.in | sed '/^$/d')
found=$( { grep -rlE '(^|[^A-Za-z0-9_])(_|N_|C_|NC_|g_dngettext|ngettext)\(' src --include='*.c' || true;
           grep -rl 'translatable="yes"' ui --include='*.ui' || true;
           ls data/*.desktop.in data/*.metainfo.xml.in data/*.gschema.xml 2>/dev/null || true; } | sort -u)
for f in $found; do
  if ! printf '%s\n' "$listed" | grep -qxF "$f"; then
    echo "po/POTFILES.in is missing $f (it has translatable strings)"
    status=1
  fi
done
for f in $listed; do
  if [ ! -f "$f" ]; then
    echo "po/POTFILES.in lists $f, which does not exist"
    status=1
  fi
done
[ $status -eq 0 ] && echo "POTFILES.in lists all $(printf '%s\n' "$found" | wc -l) files with translatable strings"
exit $status
