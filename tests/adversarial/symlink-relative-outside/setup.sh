#!/bin/bash
set -eu
rm content/records/report.csv
ln -s ../../../../../../../../etc/passwd content/records/report.csv
