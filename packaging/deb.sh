#!/usr/bin/env bash
# Builds the two Debian packages into dist/ from binaries already built:
#   ewarong_<version>_amd64.deb      the counter (GUI and CLI), menu entry, icons, man page, completions
#   ewarong-hub_<version>_amd64.deb  the district hub, with its systemd unit; no GUI library
# Usage: packaging/deb.sh [--profile release|debug] [--out DIR]
# release.sh builds with --release first; CI packages its debug build (stripped) for the install
# test (packaging/install-test.sh installs them and checks the unit). Needs dpkg-deb and strip.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=release
out=dist
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) profile="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
bin="target/$profile"
for b in ewarong ewarong-hub; do
  [ -x "$bin/$b" ] || { echo "$bin/$b is missing: build it first (cargo build --profile $profile --workspace)" >&2; exit 1; }
done
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
arch=$(dpkg --print-architecture)
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The binary, stripped of debug symbols (a debug build is ten times the size otherwise).
install_bin() { install -D -m 0755 "$1" "$2"; strip --strip-debug "$2"; }

# --- the counter ---------------------------------------------------------------------------
t="$work/ewarong"
install_bin "$bin/ewarong" "$t/usr/bin/ewarong"
install -D -m 0644 packaging/terminal/ewarong.desktop "$t/usr/share/applications/ewarong.desktop"
for s in 16 32 48 64 128 256; do
  install -D -m 0644 "assets/icons/ewarong-$s.png" "$t/usr/share/icons/hicolor/${s}x${s}/apps/ewarong.png"
done
install -D -m 0644 assets/icons/ewarong.svg "$t/usr/share/icons/hicolor/scalable/apps/ewarong.svg"
"$bin/ewarong" generate man --out "$t/usr/share/man/man1"
"$bin/ewarong" generate completions --out "$t/generated"
install -D -m 0644 "$t/generated/ewarong.bash" "$t/usr/share/bash-completion/completions/ewarong"
install -D -m 0644 "$t/generated/_ewarong" "$t/usr/share/zsh/vendor-completions/_ewarong"
install -D -m 0644 "$t/generated/ewarong.fish" "$t/usr/share/fish/vendor_completions.d/ewarong.fish"
rm -r "$t/generated"
gzip -9n "$t"/usr/share/man/man1/*.1
install -D -m 0644 README.md "$t/usr/share/doc/ewarong/README.md"
install -D -m 0644 docs/cli.md "$t/usr/share/doc/ewarong/cli.md"
mkdir -p "$t/DEBIAN"
# The GUI opens these with dlopen, so no tool finds them from the binary: OpenGL/EGL for glow,
# xkbcommon and the Wayland and X11 client libraries for winit.
cat > "$t/DEBIAN/control" <<CONTROL
Package: ewarong
Version: $version
Architecture: $arch
Maintainer: ewarong maintainers <maintainers@users.noreply.r-seed-e69b733d.example>
Section: misc
Priority: optional
Depends: libc6, libgcc-s1, libgl1, libegl1, libxkbcommon0, libxkbcommon-x11-0, libwayland-client0, libwayland-egl1, libwayland-cursor0, libx11-6, libx11-xcb1, libxcursor1, libxrandr2, libxi6
Recommends: fonts-noto-core
Installed-Size: $(du -sk "$t/usr" | cut -f1)
Homepage: https://example.invalid/ewarong
Description: offline-first transaction terminal for Program Sembako e-warong shops
 Terminal kasir e-warong: catat belanja KPM atas empat kelompok pangan ke buku besar
 lokal yang ditandatangani, juga tanpa sinyal; sinkron ke hub kabupaten lewat jaringan
 atau flashdisk. Records KPM purchases into a signed local ledger, offline too, and
 syncs them to the district hub over the network or a USB stick.
CONTROL
dpkg-deb --root-owner-group -Zxz --build "$t" "$out/ewarong_${version}_${arch}.deb" >/dev/null

# --- the hub ---------------------------------------------------------------------------------
h="$work/ewarong-hub"
install_bin "$bin/ewarong-hub" "$h/usr/bin/ewarong-hub"
install -D -m 0644 packaging/hub/ewarong-hub.service "$h/lib/systemd/system/ewarong-hub.service"
install -D -m 0640 packaging/hub/hub.env "$h/etc/ewarong-hub/hub.env"
"$bin/ewarong-hub" generate-man --out "$h/usr/share/man/man1"
gzip -9n "$h"/usr/share/man/man1/*.1
install -D -m 0644 docs/sync.md "$h/usr/share/doc/ewarong-hub/README.md"
mkdir -p "$h/DEBIAN"
install -m 0755 packaging/hub/postinst packaging/hub/prerm "$h/DEBIAN/"
echo /etc/ewarong-hub/hub.env > "$h/DEBIAN/conffiles"
cat > "$h/DEBIAN/control" <<CONTROL
Package: ewarong-hub
Version: $version
Architecture: $arch
Maintainer: ewarong maintainers <maintainers@users.noreply.r-seed-e69b733d.example>
Section: net
Priority: optional
Depends: libc6, libgcc-s1, adduser
Suggests: postgresql
Installed-Size: $(du -sk "$h" | cut -f1)
Homepage: https://example.invalid/ewarong
Description: district hub for ewarong e-warong terminals
 Hub kabupaten: menerima batch yang ditandatangani dari terminal e-warong, menerbitkan
 kebijakan, katalog dan daftar KPM. Receives signed batches from e-warong terminals and
 publishes policy, catalogue and roster; embedded SQLite or PostgreSQL. Runs as the
 systemd service ewarong-hub under its own system user.
CONTROL
dpkg-deb --root-owner-group -Zxz --build "$h" "$out/ewarong-hub_${version}_${arch}.deb" >/dev/null

ls -l "$out"/ewarong_"$version"_"$arch".deb "$out"/ewarong-hub_"$version"_"$arch".deb
