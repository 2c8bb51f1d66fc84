#!/bin/bash
set -eu
mkdir -p content/other && cp content/counties/990101/index.md content/other/
ln -s ../other content/counties/990102
