#!/bin/bash
set -eu
printf '\n分页\f符与退格\b符。\n' >> content/news/one.md
