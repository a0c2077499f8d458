#!/bin/sh
# Writes its arguments to stdout and stderr, and the TOKEN variable (a secret in the tests).
echo "out: $1"
echo "err: $2" >&2
echo "token $TOKEN"
