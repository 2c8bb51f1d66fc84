#!/bin/bash
set -eu
mkdir -p .git && printf "[remote \"origin\"]\n\turl = https://token-SECRET@example.org/x\n" > .git/config
ln -s ../../../.git/config content/counties/990101/brand.mustache
