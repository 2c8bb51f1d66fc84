#!/bin/bash
set -eu
# data:\n k1:\n  k2:\n   k3: ... each key one space further in.
awk 'BEGIN { print "data:"; for (i = 1; i <= 3000; i++) printf "%*sk%d:\n", i, "", i }' >> hearth.yaml
