#!/bin/sh
# Sample POST op: the notification a real pipeline would send to a chat or mail system.
set -eu
echo "notify: ${1:-job} ended"
