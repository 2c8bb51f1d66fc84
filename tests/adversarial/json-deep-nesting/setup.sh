#!/bin/bash
set -eu
{ printf '%.0s[' $(seq 100000); printf '%.0s]' $(seq 100000); echo; } > content/records/campaign.json
