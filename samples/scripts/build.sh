#!/bin/sh
# Sample PRE op: pretends to build, streaming a few lines into the job log.
set -eu
echo "building with args: $*"
for part in restore compile test package; do
    echo "$part..."
    sleep 1
done
echo "build ok"
