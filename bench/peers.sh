#!/usr/bin/env bash
# Agora's blog index beside the Django, FastAPI and Express
# versions in ../shared/peers, on the same seeded PostgreSQL, in one run.
# Builds the prod flavor, lets the peers' script start and stop it.
#   bench/peers.sh            one round (~5 minutes)
#   ROUNDS=5 bench/peers.sh   medians of five rounds
# The strict check wants a no-database route to answer "hello"; /healthz
# answers "ok", so measuring it (the framework's own ceiling) takes
# PROJECT_HELLO_PATH=/healthz PROJECT_VERIFY=loose.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# ../shared/peers beside the main checkout (a worktree is one level lower).
peers=${PEERS_DIR:-$root/../shared/peers}
[ -d "$peers" ] || [ ! -d "$root/../../shared/peers" ] ||
	peers=$root/../../shared/peers
[ -x "$peers/run.sh" ] || [ -f "$peers/run.sh" ] || {
	echo "bench: no peers at $peers (set PEERS_DIR)" >&2
	exit 1
}

scripts/deps.sh
scripts/build.sh prod
mkdir -p var/bench

# The site on :8890, two workers like the peers, no Redis needed for
# anonymous reads.  Its settings come from the environment run.sh gives
# (DATABASE_URL of the benchmark database).
sed -e "s|bind\t\t127.0.0.1 8888|bind\t\t127.0.0.1 8890|" \
    -e "s|^pidfile\t\tkore.pid|pidfile\t\tvar/bench/kore.pid|" \
    kore.conf >var/bench/kore.conf
secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')

cat >var/bench/start.sh <<EOF2
#!/usr/bin/env bash
cd "$root"
export AGORA_CONFIG=/dev/null AGORA_SECRET_KEY=$secret
export AGORA_DATABASE_URL="\$DATABASE_URL" AGORA_REDIS=unix:$root/var/bench/none.sock
exec kore -fnrc var/bench/kore.conf >var/bench/kore.log 2>&1
EOF2
chmod +x var/bench/start.sh

cat >var/bench/setup.sh <<EOF2
#!/usr/bin/env bash
# Apply Agora's migrations to the benchmark database (as its owner).
set -euo pipefail
cd "$root"
psql -X -q -v ON_ERROR_STOP=1 -c "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;"
for f in sql/[0-9][0-9][0-9]_*.sql; do
	psql -X -q -v ON_ERROR_STOP=1 --single-transaction -f "\$f" >/dev/null
done
EOF2
chmod +x var/bench/setup.sh

PROJECT_NAME=agora PROJECT_URL=http://127.0.0.1:8890 \
    PROJECT_CMD="$root/var/bench/start.sh" \
    PROJECT_SETUP_CMD="$root/var/bench/setup.sh" \
    PROJECT_SEED_SQL="$peers/sql/project_seed.example.sql" \
    PROJECT_BLOG_PATH="/blog?page=3" \
    PROJECT_API_PATH="/api/v1/blog/posts?page=3" \
    PROJECT_HELLO_PATH="${PROJECT_HELLO_PATH-}" \
    PROJECT_VERIFY="${PROJECT_VERIFY:-strict}" \
    RESULTS_MD="$root/var/bench/peers-results.md" \
    RESULTS_JSONL="$root/var/bench/peers-results.jsonl" \
    bash "$peers/run.sh"
echo "bench: report in var/bench/peers-results.md"
