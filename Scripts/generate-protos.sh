#!/usr/bin/env bash
# Regenerates the Swift for Protos/*.proto into the targets that use it.
#
# The generated files are committed, so a normal build needs neither protoc nor the plugin; run this
# only after editing a .proto. Needs protoc (Debian: `apt-get install -y protobuf-compiler`) and builds
# protoc-gen-swift from the swift-protobuf dependency this package already pins, so the generator and
# the runtime library are always the same version.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v protoc >/dev/null || { echo "protoc not found: apt-get install -y protobuf-compiler" >&2; exit 1; }
swift build --product protoc-gen-swift >/dev/null
plugin="$(swift build --product protoc-gen-swift --show-bin-path)/protoc-gen-swift"

out=Sources/EdgeImport/ONNX/Generated
mkdir -p "$out"
protoc --plugin=protoc-gen-swift="$plugin" \
       --swift_out="$out" --swift_opt=Visibility=Public \
       -I Protos Protos/onnx-subset.proto
echo "protoc $(protoc --version | cut -d' ' -f2), $("$plugin" --version 2>/dev/null || echo protoc-gen-swift) -> $out"
ls -l "$out"
