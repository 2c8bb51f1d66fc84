#!/bin/bash
set -eu
mkdir -p content/counties/990102 && cp content/counties/990101/station.csv content/counties/990102/station.csv
rm content/counties/990101/station.csv
ln -s ../990102/station.csv content/counties/990101/station.csv
