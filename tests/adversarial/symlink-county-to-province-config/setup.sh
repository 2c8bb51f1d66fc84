#!/bin/bash
set -eu
rm content/counties/990101/index.md
ln -s ../../../hearth.yaml content/counties/990101/index.md
