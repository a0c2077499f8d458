#!/bin/sh
# Prints its whole environment, one variable a line: what a job's script can see.
env
