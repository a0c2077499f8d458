#!/bin/sh
# Exits with the code given as first argument (3 when none).
echo "about to fail"
exit "${1:-3}"
