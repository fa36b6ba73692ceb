#!/usr/bin/env bash
# Build the .deb, unpack it into a temporary root and run the installed app's self-test
# from there; report the bundle's unpacked size (target: under 200 MB).
#
#   bash installer/linux/check-deb.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
bash installer/linux/build-deb.sh
DEB=$(ls -t build/creditdesk_*.deb | head -1)
ROOT=$(mktemp -d /tmp/creditdesk-root.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT
dpkg-deb -x "$DEB" "$ROOT"
test -x "$ROOT/opt/creditdesk/creditdesk"
test -f "$ROOT/usr/share/applications/creditdesk.desktop"
# The installed binary alone: no source tree on the path, no virtual environment.
env -i PATH=/usr/bin:/bin HOME="$ROOT/home" QT_QPA_PLATFORM=offscreen \
    "$ROOT/opt/creditdesk/creditdesk" --self-test
MB=$(( $(du -sk "$ROOT/opt/creditdesk" | cut -f1) / 1024 ))
echo "installed bundle: ${MB} MB unpacked (target under 200 MB)"
if [ "$MB" -ge 200 ]; then
    echo "warning: the bundle is over the 200 MB target" >&2
fi
