#!/bin/bash
set -eu
sed -i 's/测试行动/测试\\u000b行动/' content/records/campaign.json
