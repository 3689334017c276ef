#!/usr/bin/env bash
# Build the one-folder app with PyInstaller: dist/workbench/ (run dist/workbench/workbench) and
# dist/workbench-<version>-linux-x86_64.tar.gz. The build tools go into their own venv
# (build/bundle-venv), installed here from the package index: nothing installed by hand is used.
# Usage: bash packaging/build-bundle.sh        (prints the build time and the unpacked size)
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

PYTHON=${PYTHON:-python3}
VENV=build/bundle-venv
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
# The app as users get it (a wheel with rulesets/ and resources/ inside), then PyInstaller.
"$VENV/bin/python" -m pip install -q --force-reinstall --no-deps . >/dev/null
"$VENV/bin/python" -m pip install -q . "pyinstaller>=6.10,<7" "pyinstaller-hooks-contrib>=2024.8"

rm -rf build/pyinstaller dist/workbench
"$VENV/bin/python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --workpath build/pyinstaller --distpath dist packaging/workbench.spec

version=$("$VENV/bin/python" -c "import workbench; print(workbench.__version__)")
arch=$(uname -m)
tarball="dist/workbench-${version}-linux-${arch}.tar.gz"
tar -C dist -czf "$tarball" workbench

end=$(date +%s)
size=$(du -sm dist/workbench | cut -f1)
echo "build-bundle: dist/workbench/ (${size} MB unpacked), $tarball ($(du -m "$tarball" | cut -f1) MB), built in $((end - start)) s"
echo "build-bundle: largest parts:"
du -sm dist/workbench/_internal/* 2>/dev/null | sort -rn | head -8 | sed 's/^/  /'
