#!/bin/bash
set -eu
ln -s one.md content/news/alias.md
