#!/bin/bash
set -eu
ln -s /etc/passwd themes/default/static/passwd.css
