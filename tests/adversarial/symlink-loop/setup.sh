#!/bin/bash
set -eu
ln -s . content/news/loop
