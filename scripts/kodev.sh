#!/bin/sh
# Run kodev from any clone directory name.
#
# kodev 4.1.0 names the project after the current directory and insists on
# conf/<name>.conf and src/.  src is a committed link to apps/; this script
# adds the two git-ignored links that make the directory name irrelevant:
#   conf/<name>.conf -> ../kore.conf   (what kodev checks and `kodev run` loads)
#   app.so           -> <name>.so      (what kore.conf loads)
set -eu
cd "$(dirname "$0")/.."
name=$(basename "$(pwd)")
if [ "$name" = build ]; then
	echo "kodev.sh: the clone directory must not be named 'build'" >&2
	exit 1
fi
ln -sfn ../kore.conf "conf/$name.conf"
[ "$name" = app ] || ln -sfn "$name.so" app.so
mkdir -p var/tmp_body var/media
exec kodev "$@"
