#!/bin/bash
set -eu
ln -s missing.md content/news/gone.md
