#!/usr/bin/env bash
# A release into dist/: the release binaries, the two Debian packages, the Windows installer
# (packaging/windows.sh: cross-build, NSIS, smoke test under wine), SHA256SUMS over every file,
# SHA256SUMS.sig (Ed25519, the release key) and release-key.pem, then the signature checked the
# way a district IT officer checks it (openssl, and ewarong-release verify).
# Usage: packaging/release.sh --key RELEASE_KEY_FILE
#   The key is made once with: target/release/ewarong-release init --key FILE
#   (sealed with EWARONG_KEY_PASSPHRASE when that is set; keep it off the build machine).
set -euo pipefail
cd "$(dirname "$0")/.."
key=""
while [ $# -gt 0 ]; do
  case "$1" in
    --key) key="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ -n "$key" ] || { echo "usage: packaging/release.sh --key RELEASE_KEY_FILE" >&2; exit 2; }
started=$(date +%s)
rm -rf dist && mkdir -p dist
cargo build --release --locked --workspace --bins
packaging/deb.sh --profile release --out dist
packaging/windows.sh
( cd dist && sha256sum -- *.deb *.exe > SHA256SUMS )
target/release/ewarong-release sign --key "$key" dist/SHA256SUMS
target/release/ewarong-release public --key "$key" > dist/release-key.pem
# Checked as the README tells a district IT officer to check it.
( cd dist && sha256sum -c SHA256SUMS )
openssl pkeyutl -verify -pubin -inkey dist/release-key.pem -rawin \
  -in dist/SHA256SUMS -sigfile dist/SHA256SUMS.sig
target/release/ewarong-release verify --public dist/release-key.pem dist/SHA256SUMS
ls -l dist
echo "== release.sh took $(( $(date +%s) - started )) s"
