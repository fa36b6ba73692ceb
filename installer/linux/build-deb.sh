#!/usr/bin/env bash
# Build the one-folder bundle with PyInstaller and wrap it as a .deb.
#
#   bash installer/linux/build-deb.sh            # from the repository root, in its venv
#
# Output: build/dist/creditdesk/ (the bundle) and build/creditdesk_<version>_<arch>.deb.
# The architecture is the build machine's (dpkg --print-architecture): run the same
# script on an arm64 UOS/Kylin machine for an arm64 package; nothing here is x86-only.
# Needs: the app installed in the active environment (pip install -e .), dpkg-deb.
set -euo pipefail
cd "$(dirname "$0")/../.."

python -m pip install -q "pyinstaller>=6.10"
python -m ui.i18n build >/dev/null                 # translations compiled into the bundle
python -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath build/dist --workpath build/pyinstaller installer/creditdesk.spec

VERSION=$(python -c 'from importlib.metadata import version; print(version("creditdesk"))')
ARCH=$(dpkg --print-architecture)
STAGE=build/deb/creditdesk_${VERSION}_${ARCH}
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
         "$STAGE/usr/share/icons/hicolor/256x256/apps"
cp -a build/dist/creditdesk "$STAGE/opt/creditdesk"
ln -s /opt/creditdesk/creditdesk "$STAGE/usr/bin/creditdesk"
install -m 644 resources/icons/creditdesk.png "$STAGE/usr/share/icons/hicolor/256x256/apps/"
install -m 644 installer/linux/creditdesk.desktop "$STAGE/usr/share/applications/"
SIZE_KB=$(du -sk "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$SIZE_KB/" \
    installer/linux/control.in > "$STAGE/DEBIAN/control"
install -m 755 installer/linux/postinst "$STAGE/DEBIAN/postinst"  # desktop database
install -m 755 installer/linux/postrm "$STAGE/DEBIAN/postrm"
dpkg-deb --build --root-owner-group "$STAGE" "build/creditdesk_${VERSION}_${ARCH}.deb" >/dev/null
echo "bundle: build/dist/creditdesk ($(du -sh build/dist/creditdesk | cut -f1) unpacked)"
echo "package: build/creditdesk_${VERSION}_${ARCH}.deb ($(du -h "build/creditdesk_${VERSION}_${ARCH}.deb" | cut -f1))"
