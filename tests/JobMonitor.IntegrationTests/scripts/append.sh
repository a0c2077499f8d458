#!/bin/sh
# Appends one line to the file named by SIDE_EFFECT_FILE: proof of how many times it ran.
echo "ran $$" >> "$SIDE_EFFECT_FILE"
echo "appended"
