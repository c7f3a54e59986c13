# Sourced by scripts/compose-test.sh and scripts/package-test.sh: rootful podman as this
# machine needs it, and a debian:bookworm-slim image (made with debootstrap when missing: no
# registry is reachable here). Needs $state (a folder for podman's settings) and die().
[ "$(id -u)" = 0 ] || die "rootful podman needs root (run scripts/test.sh as root, or with sudo)"
for tool in podman runc debootstrap; do
  command -v "$tool" >/dev/null || die "$tool is missing: run scripts/install-deps.sh"
done
# Podman here needs runc as its runtime and ulimits it may set.
export CONTAINERS_CONF=$state/containers.conf
# netavark (with aardvark-dns: the services find each other by name), whatever CNI files exist.
printf '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]\n[engine]\nruntime = "runc"\n[network]\nnetwork_backend = "netavark"\n' \
  >"$CONTAINERS_CONF"

base=docker.io/library/debian:bookworm-slim
if ! podman image exists "$base"; then
  mirror=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  say "debian:bookworm-slim is not here and no registry is reachable: building it with" \
      "debootstrap --variant=minbase bookworm from $mirror"
  rm -rf "$state/rootfs"
  debootstrap --variant=minbase bookworm "$state/rootfs" "$mirror" >"$state/debootstrap.log" 2>&1 ||
    die "debootstrap failed (see $state/debootstrap.log)"
  rm -rf "$state"/rootfs/var/cache/apt/archives/*.deb "$state"/rootfs/var/lib/apt/lists/*
  tar -C "$state/rootfs" -c . | podman import --change 'CMD ["bash"]' - "$base" >/dev/null
  rm -rf "$state/rootfs"
fi
podman run --rm --network none "$base" true ||
  die "podman cannot run a container here (inside a container without the privileges to nest" \
      "them?): this test cannot run"
