#!/usr/bin/env bash
# Smoke test of the built app folder, as an officer would get it: unpack the tarball into a fresh
# temporary folder and run it in a clean environment (no venv on PATH, HOME in the temporary
# folder, QT_QPA_PLATFORM=offscreen). Every step must succeed and produce what it promises.
# Usage: bash packaging/smoke-test.sh [dist/workbench-<version>-linux-<arch>.tar.gz]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tarball=${1:-$(ls -t "$here"/../dist/workbench-*-linux-*.tar.gz | head -n 1)}
tarball=$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")
checker_python=$(command -v python3)  # only reads the PNG; the app under test uses nothing outside its folder

work=$(mktemp -d -t workbench-smoke.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home"
tar -C "$work" -xzf "$tarball"
app="$work/workbench/workbench"
cd "$work"

run() {  # run the app with a scrubbed environment; the command line is printed first
  echo "+ workbench $*"
  env -i PATH=/usr/bin:/bin HOME="$work/home" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen TMPDIR="$work" "$app" "$@"
}
fail() { echo "smoke: FAILED: $*" >&2; exit 1; }

run --version | tee version.txt
grep -q "^workbench " version.txt || fail "--version printed no version"

run classify --demo --format json > demo.json
grep -q '"3A090' demo.json || fail "classify --demo printed no 3A090 classification"

run init --demo --db demo.db
run gui --db demo.db --screenshot window.png --size 1366x768
"$checker_python" "$here/smoke/check_png.py" window.png || fail "the screenshot is blank"

run memo --db demo.db --product NVIDIA-H20-HGX-96GB --destination CN --lang zh --out memo-zh.pdf
pdftotext memo-zh.pdf memo-zh.txt
grep -q "出口" memo-zh.txt || fail "the Chinese memo holds no Chinese text (no CJK font found?)"
pdffonts memo-zh.pdf | tail -n +3 | grep -qv "^STSong" || fail "the Chinese memo embeds no font"

run init --db company.db
run import "$here/smoke/products.xlsx" --db company.db
run classify --db company.db --format json > company.json
grep -q "SMOKE-NVIDIA-H100-SXM5-80GB" company.json || fail "the imported product is not in the company catalog"

echo "smoke: passed ($(du -sm "$work/workbench" | cut -f1) MB unpacked from $(basename "$tarball"))"
