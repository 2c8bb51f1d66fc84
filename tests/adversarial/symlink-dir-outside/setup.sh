#!/bin/bash
set -eu
ln -s /etc content/counties/990101/etc
