#!/bin/sh
# Sample RUN op: pretends to deploy to the environment given as first argument.
# DEPLOY_FAIL=1 in the service's environment makes it fail, to see a trap and the rollback.
set -eu
target="${1:-DEV}"
echo "deploying to $target"
sleep 2
if [ "${DEPLOY_FAIL:-0}" = 1 ]; then
    echo "deploy to $target failed (DEPLOY_FAIL=1)" >&2
    exit 3
fi
echo "deployed to $target"
