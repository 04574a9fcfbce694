#!/usr/bin/env bash
# The photos with real faces the face tests run on, from Debian's
# libdlib19.1 (dlib's examples: 9 PASCAL VOC photos with 43 annotated
# faces, a collage of 4 people x 6 photos, 55 aligned chips of 5 people)
# and the face-api package's 6 party photos. Unpacked, not installed, into
# tests/services/faces/images/. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")"
[ -f images/dlib/faces/testing.xml ] && [ -d images/dlib/johns/John_Simm ] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && apt-get download libdlib19.1 >/dev/null 2>&1); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  (cd "$work" && apt-get download libdlib19.1 >/dev/null)
fi
dpkg-deb -x "$work"/libdlib19.1_*.deb "$work/x"
mkdir -p images/dlib
rm -rf images/dlib/faces images/dlib/johns
cp -r "$work/x/usr/share/doc/libdlib19.1/examples/faces" "$work/x/usr/share/doc/libdlib19.1/examples/johns" images/dlib/
echo "face test images in $(pwd)/images"
