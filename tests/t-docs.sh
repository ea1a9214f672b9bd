#!/usr/bin/env bash
# The parameter tables of docs/models.md are generated from the registry:
# this fails when a parameter changed and the doc was not regenerated.
IOVSIM=${IOVSIM:-$(cd "$(dirname "$0")/.." && pwd)/iovsim}
echo "1..1"
if IOVSIM=$IOVSIM "$(dirname "$0")/../analysis/params-doc.sh" --check 2>/tmp/t-docs.$$; then
    echo "ok 1 - docs/models.md parameter tables match 'iovsim params'"
else
    echo "not ok 1 - docs/models.md parameter tables match 'iovsim params'"
    sed 's/^/# /' /tmp/t-docs.$$
fi
rm -f /tmp/t-docs.$$
