#!/bin/sh
# Starts a child process and waits for it, printing both pids so that a test can check the whole tree is killed.
sleep 300 &
echo "child $!"
echo "parent $$"
wait
