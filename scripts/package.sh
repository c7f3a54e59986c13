#!/usr/bin/env bash
# Builds the Debian package from the tree: the `package` preset (release, installed under /usr),
# then CPack (cmake/Packaging.cmake). Prints the .deb's path on its last line.
#   scripts/package.sh            -> build/package/otrbot_<version>_amd64.deb
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in cmake dpkg-shlibdeps gzip; do
  command -v "$tool" >/dev/null || { echo "package: $tool is missing: run scripts/install-deps.sh" >&2; exit 1; }
done
cmake --preset package >/dev/null
cmake --build --preset package -j "$(nproc)" >&2
rm -f build/package/otrbot_*.deb
(cd build/package && cpack -G DEB >&2)
ls build/package/otrbot_*.deb
