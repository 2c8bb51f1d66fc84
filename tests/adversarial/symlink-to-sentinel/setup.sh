#!/bin/bash
set -eu
ln -s ../../../sentinel content/news/near
