#!/usr/bin/env bash
# Build the .deb, unpack it into a temporary root and run the installed app's self-test
# from there; check that the menu entry takes creditdesk:// links (check_link.py) and
# that the package refreshes the desktop database; report the bundle's unpacked size
# (target: under 200 MB).
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
# The menu entry declares the link scheme and its Exec line hands a link to the desk's
# running window (a stand-in socket); an invalid link is refused.
python installer/linux/check_link.py "$ROOT"
if command -v desktop-file-validate >/dev/null 2>&1; then
    desktop-file-validate "$ROOT/usr/share/applications/creditdesk.desktop"
fi
# The maintainer scripts refresh the desktop database (run here on the unpacked root,
# as dpkg does with DPKG_ROOT, when desktop-file-utils is installed on this machine).
dpkg-deb -e "$DEB" "$ROOT/DEBIAN"
grep -q update-desktop-database "$ROOT/DEBIAN/postinst"
grep -q update-desktop-database "$ROOT/DEBIAN/postrm"
if command -v update-desktop-database >/dev/null 2>&1; then
    CACHE="$ROOT/usr/share/applications/mimeinfo.cache"
    DPKG_ROOT="$ROOT" sh "$ROOT/DEBIAN/postinst" configure
    grep -qx 'x-scheme-handler/creditdesk=creditdesk.desktop;' "$CACHE"
    rm "$ROOT/usr/share/applications/creditdesk.desktop"
    DPKG_ROOT="$ROOT" sh "$ROOT/DEBIAN/postrm" remove
    if grep -q 'x-scheme-handler/creditdesk' "$CACHE"; then
        echo "postrm left the creditdesk scheme in $CACHE" >&2
        exit 1
    fi
    echo "desktop database: the scheme registered by postinst, forgotten by postrm"
else
    echo "desktop database: not checked (no update-desktop-database here)"
fi
MB=$(( $(du -sk "$ROOT/opt/creditdesk" | cut -f1) / 1024 ))
echo "installed bundle: ${MB} MB unpacked (target under 200 MB)"
if [ "$MB" -ge 200 ]; then
    echo "warning: the bundle is over the 200 MB target" >&2
fi
