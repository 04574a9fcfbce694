#!/bin/sh
# src/core must run without a display: no GTK/GDK/libadwaita include in its
# sources and no GTK/GDK/libadwaita symbol in the built library.
set -eu
top=$1
lib=$2
hits=$(grep -rnE '#include *[<"](gtk/|gdk/|adwaita\.h)' "$top/src/core" || true)
if [ -n "$hits" ]; then
  echo "src/core includes GTK, GDK or libadwaita:"; echo "$hits"; exit 1
fi
syms=$(nm -u "$lib" 2>/dev/null | grep -E ' (gtk|gdk|gsk|adw)_' || true)
if [ -n "$syms" ]; then
  echo "libatelier-core uses GTK symbols:"; echo "$syms" | head; exit 1
fi
echo "src/core: no GTK, GDK or libadwaita includes; $(nm -u "$lib" | wc -l) undefined symbols, none from them"
