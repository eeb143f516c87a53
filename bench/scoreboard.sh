#!/usr/bin/env bash
# The one scoreboard: the three peer harnesses of ../shared/peers (the
# blog index with /healthz, real-time chat, the job queue), each with
# Agora in the same run, and the project's own queue benchmark; then one
# table (each harness's rows, Agora's ratio to the best peer, the date
# and the machine) written into README.md between the scoreboard
# markers.  Runs from a fresh clone (the harnesses clone and build the
# committed HEAD themselves; commit first).
#   bench/scoreboard.sh                   everything (about 40 minutes)
#   SCOREBOARD="queue own" bench/scoreboard.sh   some parts; the others
#                                         keep the reports of a last run
# Reports: var/bench/scoreboard/{blog,chat,queue}.md and own.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
peers=${PEERS_DIR:-$root/../shared/peers}
[ -d "$peers" ] || [ ! -d "$root/../../shared/peers" ] ||
	peers=$root/../../shared/peers
[ -f "$peers/run.sh" ] || {
	echo "scoreboard: no peers at $peers (set PEERS_DIR)" >&2
	exit 1
}
parts=${SCOREBOARD:-blog chat queue own}
out=var/bench/scoreboard
mkdir -p "$out"
scratch=$(mktemp -d /tmp/agora-scoreboard.XXXXXX)
chmod 755 "$scratch"	# the harnesses run PostgreSQL as postgres
trap 'rm -rf "$scratch"' EXIT
want() { case " $parts " in *" $1 "*) return 0;; esac; return 1; }

# The harnesses write their reports and data next to themselves: they
# run from copies, so the shared folder is only read.
harness_copy() {	# name
	cp -r "$peers/$1" "$scratch/$1"
	chmod -R u+w "$scratch/$1"
	rm -f "$scratch/$1/results.md" "$scratch/$1/results.jsonl"
}

if want blog; then
	echo "scoreboard: blog index (bench/peers.sh)"
	# It keeps its cluster and logs in data/ beside itself: a copy too.
	mkdir -p "$scratch/blog"
	for f in "$peers"/*; do
		case ${f##*/} in chat|queue|data|results.*) ;;
		*) cp -r "$f" "$scratch/blog/" ;; esac
	done
	chmod -R u+w,go+rX "$scratch/blog"
	PEERS_DIR=$scratch/blog bench/peers.sh
	cp var/bench/peers-results.md "$out/blog.md"
fi
if want chat; then
	echo "scoreboard: chat"
	harness_copy chat
	AGORA_SRC=$root bash "$scratch/chat/run.sh"
	cp "$scratch/chat/results.md" "$out/chat.md"
fi
if want queue; then
	echo "scoreboard: job queue"
	harness_copy queue
	AGORA_SRC=$root bash "$scratch/queue/run.sh"
	cp "$scratch/queue/results.md" "$out/queue.md"
fi
if want own; then
	echo "scoreboard: bench/queue.sh"
	bench/queue.sh 100000 | grep 'worker process' >"$out/own.txt"
fi

machine="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo |
    cut -d: -f2 | xargs)), Linux $(uname -r)"
python3 bench/scoreboard.py README.md "$machine" "$out/blog.md" \
    "$out/chat.md" "$out/queue.md" "$out/own.txt"
echo "scoreboard: README.md updated"
