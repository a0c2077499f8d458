#!/bin/sh
# Floods its output: one line of 100000 characters, then 600 lines of 5000 characters.
head -c 100000 /dev/zero | tr '\0' 'y'
echo
head -c 3000000 /dev/zero | tr '\0' 'x' | fold -w 5000
