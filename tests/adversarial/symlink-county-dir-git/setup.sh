#!/bin/bash
set -eu
mkdir -p .git && echo "token-SECRET" > .git/credentials
ln -s ../../../.git content/counties/990101/repo
