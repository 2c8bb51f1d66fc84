#!/bin/bash
set -eu
ln -s /etc/passwd content/news/evil.md
