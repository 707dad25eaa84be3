#!/usr/bin/env bash
# Installs the two packages from dist/ on this machine as a person would and checks them:
#   the counter: `ewarong --version`, the menu entry, icons, man page, completions, and the GUI
#   started from /usr/bin under Xvfb, with a screenshot (dist/install-test-gui.png);
#   the hub: its system user and owner-only directories, `systemd-analyze verify` on the unit,
#   the service's own command line run as its user, answering on loopback, and a reinstall that
#   keeps the hub key.
# Needs root (apt). Used by .ci/run after packaging/deb.sh; prints its time.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
deb_t=$(ls dist/ewarong_*.deb | head -1)
deb_h=$(ls dist/ewarong-hub_*.deb | head -1)
fail() { echo "install test: $*" >&2; exit 1; }

apt-get update -qq
apt-get install -y -qq "./$deb_t" "./$deb_h" xvfb xdotool imagemagick curl systemd >/dev/null

echo "== the counter"
version=$(ewarong --version)
echo "$version"
[[ "$version" =~ ^ewarong\ [0-9]+\.[0-9]+\.[0-9]+\+[0-9a-f]{12}$|^ewarong\ [0-9.]+\+unknown$ ]] \
  || fail "unexpected --version: $version"
for f in /usr/share/applications/ewarong.desktop \
         /usr/share/icons/hicolor/48x48/apps/ewarong.png \
         /usr/share/icons/hicolor/scalable/apps/ewarong.svg \
         /usr/share/man/man1/ewarong.1.gz /usr/share/man/man1/ewarong-sale.1.gz \
         /usr/share/bash-completion/completions/ewarong \
         /usr/share/zsh/vendor-completions/_ewarong \
         /usr/share/fish/vendor_completions.d/ewarong.fish; do
  [ -s "$f" ] || fail "$f is missing"
done
grep -q '^Exec=ewarong$' /usr/share/applications/ewarong.desktop || fail "desktop entry Exec"
zcat /usr/share/man/man1/ewarong.1.gz | grep -q 'change\\-hub' || fail "ewarong(1) does not list change-hub"
[ -s /usr/share/man/man1/ewarong-change-hub.1.gz ] || fail "no page for ewarong change-hub"

# The GUI from the installed path, as the menu entry starts it, on a fresh user's data.
export HOME; HOME=$(mktemp -d)
Xvfb :97 -screen 0 1366x768x24 >/dev/null 2>&1 &
xvfb=$!
gui=""
trap 'kill $xvfb 2>/dev/null || true; kill $gui 2>/dev/null || true' EXIT
sleep 1
DISPLAY=:97 /usr/bin/ewarong >/tmp/ewarong-install-gui.log 2>&1 &
gui=$!
window=""
for _ in $(seq 1 60); do
  window=$(DISPLAY=:97 xdotool search --name 'e-Warong' 2>/dev/null | head -1 || true)
  [ -n "$window" ] && break
  sleep 1
done
[ -n "$window" ] || { cat /tmp/ewarong-install-gui.log >&2; fail "no window within 60 s"; }
sleep 3
DISPLAY=:97 import -window root dist/install-test-gui.png
colours=$(convert dist/install-test-gui.png -format '%k' info:)
[ "$colours" -gt 16 ] || fail "the screenshot is nearly blank ($colours colours)"
kill "$gui"; wait "$gui" 2>/dev/null || true
echo "GUI: window up, screenshot dist/install-test-gui.png ($colours colours)"

echo "== the hub"
getent passwd ewarong-hub >/dev/null || fail "no system user ewarong-hub"
[ "$(stat -c '%U %a' /var/lib/ewarong-hub)" = "ewarong-hub 700" ] || fail "/var/lib/ewarong-hub is $(stat -c '%U %a' /var/lib/ewarong-hub)"
[ "$(stat -c '%U:%G %a' /etc/ewarong-hub/hub.env)" = "root:ewarong-hub 640" ] || fail "hub.env is $(stat -c '%U:%G %a' /etc/ewarong-hub/hub.env)"
systemd-analyze verify /lib/systemd/system/ewarong-hub.service
echo "systemd-analyze verify: clean"
if ldd /usr/bin/ewarong-hub | grep -E 'libGL|libEGL|libwayland|libX11|libxkbcommon'; then
  fail "the hub links a GUI library"
fi
# No systemd as PID 1 here: run what ExecStart runs, as the service user, with its settings.
set -a; . /etc/ewarong-hub/hub.env; set +a
# Something else answering on the port would pass for the installed hub: refuse to start then.
if curl -fsS http://127.0.0.1:7419/v1/health >/dev/null 2>&1; then
  fail "127.0.0.1:7419 already answers: stop whatever serves there and run again"
fi
runuser -u ewarong-hub -- /usr/bin/ewarong-hub serve --listen 127.0.0.1:7419 >/tmp/ewarong-install-hub.log 2>&1 &
hub=$!
for _ in $(seq 1 30); do
  curl -fsS http://127.0.0.1:7419/v1/health >/dev/null 2>&1 && break
  kill -0 "$hub" 2>/dev/null || break
  sleep 1
done
kill -0 "$hub" 2>/dev/null || { cat /tmp/ewarong-install-hub.log >&2; fail "the installed hub stopped"; }
curl -fsS http://127.0.0.1:7419/v1/health | grep -q hub_public_key || { cat /tmp/ewarong-install-hub.log >&2; fail "the hub does not answer"; }
kill "$hub"; wait "$hub" 2>/dev/null || true
[ "$(stat -c '%U %a' /var/lib/ewarong-hub/hub.key)" = "ewarong-hub 600" ] || fail "hub.key is $(stat -c '%U %a' /var/lib/ewarong-hub/hub.key)"
before=$(sha256sum /var/lib/ewarong-hub/hub.key)
dpkg -i "$deb_h" >/dev/null
[ "$(sha256sum /var/lib/ewarong-hub/hub.key)" = "$before" ] || fail "a reinstall changed the hub key"
echo "hub: user, directories, unit, health on loopback, key kept across a reinstall"

ls -l "$deb_t" "$deb_h"
echo "== install test took $(( $(date +%s) - started )) s"
