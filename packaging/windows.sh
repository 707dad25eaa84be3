#!/usr/bin/env bash
# Windows, from this Linux machine: a cross-build to x86_64-pc-windows-gnu (rustup's target and
# Debian's mingw-w64), the installer (Debian's nsis), and a smoke test under Debian's wine:
# a silent install, `ewarong.exe --version`, `init --demo`, one sale and the audit from the
# installed copy, the window started from the Start menu's target (screenshot), and a silent
# uninstall that leaves the ledger. Writes dist/ewarong-setup-<version>.exe and
# dist/windows-smoke-gui.png. Run by packaging/release.sh; prints its time.
set -euo pipefail
cd "$(dirname "$0")/.."
out=dist
started=$(date +%s)
target=x86_64-pc-windows-gnu
export DEBIAN_FRONTEND=noninteractive
for tool in x86_64-w64-mingw32-gcc makensis wine convert Xvfb xdotool; do
  command -v "$tool" >/dev/null 2>&1 || {
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends gcc-mingw-w64-x86-64-posix mingw-w64-x86-64-dev \
      nsis wine wine64 imagemagick xvfb xdotool >/dev/null
    break
  }
done
rustup target list --installed | grep -qx "$target" || rustup target add "$target"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
cargo build --release --locked --target "$target" -p ewarong --bin ewarong
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
mkdir -p "$out"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "target/$target/release/ewarong.exe" "$stage/ewarong.exe"
x86_64-w64-mingw32-strip --strip-debug "$stage/ewarong.exe"
python3 packaging/windows/pe_subsystem.py "$stage/ewarong.exe" "$stage/ewarong-gui.exe" gui
convert assets/icons/ewarong-16.png assets/icons/ewarong-32.png assets/icons/ewarong-48.png \
  assets/icons/ewarong-256.png "$stage/ewarong.ico"
printf '%s\r\n' "ewarong $version" "" \
  "Buka ewarong dari menu Start. Data (buku besar) ada di %LOCALAPPDATA%\\ewarong dan tidak dihapus saat uninstall." \
  "Open ewarong from the Start menu. The data (the ledger) is in %LOCALAPPDATA%\\ewarong; uninstalling keeps it." \
  "Baris perintah / command line: ewarong.exe --help" > "$stage/README.txt"
setup="$out/ewarong-setup-$version.exe"
makensis -V2 -DVERSION="$version" -DSRC="$stage" -DOUT="$(realpath -m "$setup")" packaging/windows/ewarong.nsi
ls -l "$setup" "$stage/ewarong.exe"

echo "== smoke test under wine"
export WINEPREFIX="$stage/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;bcryptprimitives=n"
Xvfb :96 -screen 0 1366x768x24 >/dev/null 2>&1 &
xvfb=$!
gui=""
cleanup() {
  kill "$xvfb" 2>/dev/null || true
  if [ -n "$gui" ]; then kill "$gui" 2>/dev/null || true; fi
  wineserver -k 2>/dev/null || true
  wineserver -w 2>/dev/null || true
  rm -rf "$stage" || true
}
trap cleanup EXIT
export DISPLAY=:96
wineboot -i >/dev/null 2>&1
# wine 8 lacks bcryptprimitives.dll (Windows 10 has it); a stand-in for the test only.
x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  packaging/windows/wine-bcryptprimitives.c packaging/windows/wine-bcryptprimitives.def -ladvapi32
wine "$setup" /S
user=$(whoami)
installed="$WINEPREFIX/drive_c/users/$user/AppData/Local/Programs/ewarong"
for f in ewarong.exe ewarong-gui.exe uninstall.exe ewarong.ico; do
  [ -s "$installed/$f" ] || { echo "not installed: $installed/$f" >&2; exit 1; }
done
shortcut=$(find "$WINEPREFIX/drive_c/users/$user" -name 'ewarong.lnk' | head -1)
[ -n "$shortcut" ] || { echo "no Start menu entry" >&2; exit 1; }
echo "installed per user: $installed; Start menu: ${shortcut#"$WINEPREFIX/"}"
exe="$installed/ewarong.exe"
run() { wine "$exe" --data-dir 'C:\ewarong-smoke' "$@" | tr -d '\r'; }
run --version
run init --terminal-id smoke-01 --demo >/dev/null
run sale --card 6032980000000010 --pin 123456 --item beras-medium=1 --operator kasir --operator-pin 1111 | head -3
status=0
run audit > "$stage/audit.txt" || status=$?
cat "$stage/audit.txt"
# No key from outside the ledger: UTUH, PENULIS BELUM DIVERIFIKASI (exit 5), never BERSIH.
[ "$status" -eq 5 ] || { echo "audit exit $status, expected 5" >&2; exit 1; }
pub=$(run key show | head -1 | awk '{print $NF}')
run audit --pubkey "$pub" | grep -q BERSIH
echo "audit with the terminal key pinned: BERSIH"
# The window, started as the Start menu starts it. wine has no DirectX 12 here, so glow (wine's
# OpenGL on Mesa's software renderer) stands in for wgpu.
EWARONG_RENDERER=glow wine "$installed/ewarong-gui.exe" --data-dir 'C:\ewarong-smoke' >/dev/null 2>&1 &
gui=$!
window=""
for _ in $(seq 1 90); do
  window=$(xdotool search --name 'e-Warong' 2>/dev/null | head -1 || true)
  [ -n "$window" ] && break
  sleep 1
done
if [ -n "$window" ]; then
  sleep 5
  import -window root "$out/windows-smoke-gui.png"
  echo "window: up under wine, screenshot $out/windows-smoke-gui.png"
else
  echo "window: did not appear under wine within 90 s" >&2
  exit 1
fi
kill "$gui" 2>/dev/null || true
wine "$installed/uninstall.exe" /S
sleep 3
[ ! -e "$installed/ewarong.exe" ] || { echo "uninstall left ewarong.exe" >&2; exit 1; }
[ -e "$WINEPREFIX/drive_c/ewarong-smoke/ledger.sqlite3" ] || { echo "uninstall removed the ledger" >&2; exit 1; }
echo "uninstalled; the ledger stays"
echo "== windows.sh took $(( $(date +%s) - started )) s"
