#!/usr/bin/env bash
# proto_check.sh — the wire contract's own checks, run by make test:
#   buf lint      the .proto files follow buf STANDARD rules (proto/buf.yaml
#                 lists the one exception and why);
#   buf breaking  nothing in proto/ breaks wire or JSON compatibility with
#                 the released protos (released/proto, the v1 protos as
#                 released at 88f60bf, tagged proto-v1; or
#                 KUMPPANI_PROTO_BASELINE: any git ref), so a wire break
#                 fails the build;
#   and that the breaking check can fail at all: a deliberately broken copy
#   (a field's type changed) must be refused.
# buf comes from npm (@bufbuild/buf, installed by scripts/deps.sh into .tools/).
set -euo pipefail
cd "$(dirname "$0")/.."

buf=.tools/node_modules/.bin/buf
if [[ ! -x $buf ]]; then
    echo "proto_check: $buf is missing; run make deps" >&2
    exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The baseline: the released protos committed under released/proto (a
# clone of any depth has them), or KUMPPANI_PROTO_BASELINE, any git ref.
mkdir -p "$work/against" "$work/broken"
if [[ -n ${KUMPPANI_PROTO_BASELINE:-} ]]; then
    baseline=$KUMPPANI_PROTO_BASELINE
    if ! git rev-parse -q --verify "$baseline^{commit}" >/dev/null; then
        echo "proto_check: baseline $baseline not found" >&2
        exit 1
    fi
    git archive "$baseline" proto | tar -x -C "$work/against"
else
    baseline="released/proto (v1)"
    cp -r released/proto "$work/against/"
fi

"$buf" lint proto
"$buf" breaking proto --against "$work/against/proto"

cp -r proto "$work/broken/"
sed -i 's/^  string correlation_id = 1;/  int64 correlation_id = 1;/' "$work/broken/proto/kumppani/v1/envelope.proto"
if "$buf" breaking "$work/broken/proto" --against "$work/against/proto" >/dev/null 2>&1; then
    echo "proto_check: buf breaking accepted a changed field type: the check proves nothing" >&2
    exit 1
fi
echo "proto_check: buf lint clean; no breaking change against $baseline"
