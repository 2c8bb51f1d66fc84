#!/bin/bash
set -eu
mkdir -p plugins && ln -s ../hearth.yaml plugins/x.lua
