#!/bin/sh
# Sample rollback op for deploy.sh.
set -eu
echo "rolling back ${1:-DEV}"
sleep 1
echo "rolled back"
