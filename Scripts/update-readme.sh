#!/usr/bin/env bash
# Regenerates the catalog table in README.md from `edgewise catalog --markdown`.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product edgewise >/dev/null
table=$(.build/release/edgewise catalog --markdown)
python3 - "$table" <<'PY'
import re, sys
table = sys.argv[1]
text = open("README.md").read()
new = re.sub(r"<!-- catalog:begin -->.*<!-- catalog:end -->",
             "<!-- catalog:begin -->\n" + table + "\n<!-- catalog:end -->", text, flags=re.S)
open("README.md", "w").write(new)
PY
echo "README.md catalog table updated"
