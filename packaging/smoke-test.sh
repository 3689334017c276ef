#!/usr/bin/env bash
# Smoke test of the built app folder, as an officer would get it: unpack the tarball into a fresh
# temporary folder and run it in a clean environment (no venv on PATH, HOME in the temporary
# folder, QT_QPA_PLATFORM=offscreen). Every step must succeed and produce what it promises.
# Usage: bash packaging/smoke-test.sh [dist/workbench-<version>-linux-<arch>.tar.gz]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tarball=${1:-$(ls -t "$here"/../dist/workbench-*-linux-*.tar.gz | head -n 1)}
tarball=$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")
checker_python=$(command -v python3)  # only reads the PNG and the xlsx; the app under test uses nothing outside its folder
# Signs a throwaway rules bundle (needs the cryptography package: the build venv has it).
signer_python=${SMOKE_SIGNER_PYTHON:-$here/../build/bundle-venv/bin/python}
[ -x "$signer_python" ] || signer_python=$(command -v python3)

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
# In Chinese too: the translation travels as package data and Qt draws CJK text with system fonts.
run gui --db demo.db --screenshot window-zh.png --size 1366x768 --lang zh --view screening
"$checker_python" "$here/smoke/check_png.py" window-zh.png || fail "the Chinese screenshot is blank"

run memo --db demo.db --product NVIDIA-H20-HGX-96GB --destination CN --lang zh --out memo-zh.pdf
pdftotext memo-zh.pdf memo-zh.txt
grep -q "出口" memo-zh.txt || fail "the Chinese memo holds no Chinese text (no CJK font found?)"
pdffonts memo-zh.pdf | tail -n +3 | grep -qv "^STSong" || fail "the Chinese memo embeds no font"

run init --db company.db
run import "$here/smoke/products.xlsx" --db company.db
run classify --db company.db --format json > company.json
grep -q "SMOKE-NVIDIA-H100-SXM5-80GB" company.json || fail "the imported product is not in the company catalog"
# A larger import computes its audit entry in a forked child beside the insert: the frozen app must
# fork and come back, and the log and the catalog's state must verify afterwards.
"$checker_python" - bulk.csv <<'PY'
import csv, sys
with open(sys.argv[1], "w", newline="", encoding="utf-8") as fh:
    w = csv.writer(fh)
    w.writerow(["part_number", "vendor", "name", "product_type", "fp16_tflops", "die_area_mm2"])
    for i in range(3000):
        w.writerow([f"SMOKE-BULK-{i:05d}", "Acme", f"Bulk {i}", "ic", 100 + i % 900, 400 + i % 300])
PY
run import bulk.csv --db company.db | tail -n 1 | tee bulk.txt
grep -q "3000 added" bulk.txt || fail "the 3,000-row import did not write its rows"
run audit verify --db company.db | tee verify.txt
grep -q "intact" verify.txt || fail "the audit log or the catalog's state does not verify after the large import"

# The workbook export (openpyxl) holds the catalog.
run export --db demo.db --out catalog.xlsx
"$checker_python" - catalog.xlsx <<'PY' || fail "the exported workbook is not a workbook of the catalog"
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    assert "xl/workbook.xml" in z.namelist(), "no workbook part"
    text = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/") and n.endswith(".xml"))
assert "NVIDIA-H20-HGX-96GB" in text, "no catalog product in the workbook"
PY

# Screening: a Chinese name in simplified (pypinyin) and traditional (OpenCC) characters matches
# the Latin-script list entry (rapidfuzz scores it).
run screening load "$here/smoke/csl_sample.csv" --db company.db
run screen "华为技术有限公司" --db company.db --format json > screen-zh.json
grep -q '"el-huawei"' screen-zh.json || fail "screening a simplified Chinese name found no match"
run screen "華為技術有限公司" --db company.db > screen-zht.txt
grep -q "read as simplified '华为技术有限公司'" screen-zht.txt || fail "a traditional Chinese name was not read as simplified"

# Signatures (cryptography): a rules bundle built by the app from its own rules, signed with a
# throwaway key, verifies; the same bundle with one byte changed, or under the release keys, does not.
run update build "$work/workbench/_internal/workbench/_data/rulesets" --sequence 1 \
  --rules-current-to 2099-01-01 --out "$work/rules.zip"
"$signer_python" "$here/smoke/sign_bundle.py" "$work/rules.zip" "$work/throwaway.pub" \
  || fail "could not sign the smoke bundle (set SMOKE_SIGNER_PYTHON to a python with cryptography)"
verify() { env -i PATH=/usr/bin:/bin HOME="$work/home" LANG=C.UTF-8 TMPDIR="$work" "$@" "$app" update verify "$bundle"; }
bundle="$work/rules.zip"
verify WORKBENCH_TRUSTED_KEYS="$work/throwaway.pub" | grep -q "signature OK" || fail "a correctly signed bundle did not verify"
if verify 2>/dev/null; then fail "a bundle signed by an unknown key verified"; fi
cp "$work/rules.zip" "$work/tampered.zip" && cp "$work/rules.zip.minisig" "$work/tampered.zip.minisig"
"$checker_python" -c "import sys; d = bytearray(open(sys.argv[1], 'rb').read()); d[100] ^= 1; open(sys.argv[1], 'wb').write(d)" "$work/tampered.zip"
bundle="$work/tampered.zip"
if verify WORKBENCH_TRUSTED_KEYS="$work/throwaway.pub" 2>/dev/null; then fail "a tampered bundle verified"; fi
echo "+ rules bundle: signed one verifies, unknown key and tampered copy refused"

# The size budget: 150 MB unpacked (icu_subset.py falls back to the full ICU data, 26 MB more,
# where no C compiler is installed; SMOKE_MAX_MB raises the budget for such a build).
size=$(du -sm "$work/workbench" | cut -f1)
[ "$size" -le "${SMOKE_MAX_MB:-150}" ] || fail "the app folder is ${size} MB unpacked, over ${SMOKE_MAX_MB:-150} MB"
echo "smoke: passed (${size} MB unpacked from $(basename "$tarball"))"
