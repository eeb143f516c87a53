#!/usr/bin/env bash
# What a chat message costs PostgreSQL: the site's message statement
# (bench/chat_sql.c prints it; the credential check, the room lock, the
# posting allowance, the insert, the author's read position and the
# notifications), prepared as the site sends it, beside a plain INSERT of
# the same row, each from 1 and from 4 clients (pgbench, 10 s), in a
# database of its own on the test environment's PostgreSQL.  The
# posting allowance is raised for the run, as the chat peers' harness
# does, so that every message is stored.  Prints a table (and writes it
# to var/bench/chat-sql.md).
set -euo pipefail
cd "$(dirname "$0")/.."

. bench/lib.sh
db=agora_chatsqlbench
trap 'bench_db_drop $db; [ -z "$started" ] || scripts/services.sh stop test' EXIT
bench_db $db
q() { PGDATABASE=$db psql -X -At -q -v ON_ERROR_STOP=1 -c "$1"; }

q "INSERT INTO users (username, email, password_hash)
   VALUES ('cs_bench', 'cs_bench@example.com', 'x')"
uid=$(q "SELECT id FROM users WHERE username = 'cs_bench'")
hash=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
q "INSERT INTO api_tokens (user_id, token_hash, name)
   VALUES ($uid, '\\x$hash', 'bench')"
# Four public rooms: clients post to rooms of their own (pgbench's
# client_id), as people do, and to one room together (-c4 on one room).
for i in 0 1 2 3; do
	q "INSERT INTO chat_rooms (kind, name, created_by)
	   VALUES ('public', 'bench$i', $uid)"
done
first=$(q "SELECT min(id) FROM chat_rooms WHERE name LIKE 'bench%'")
def=$(q "SELECT pg_get_functiondef('chat_take_token(bigint)'::regprocedure)")
printf '%s\n' "$def" | sed -e 's/least(10,/least(1000000,/' \
    -e 's/VALUES (p_user, 10)/VALUES (p_user, 1000000)/' |
    PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1

cc -O1 -w -Iapps -Ilib -I/usr/include/postgresql -DKORE_USE_PGSQL \
    -DKORE_USE_TASKS -o build/chat_sql bench/chat_sql.c
body="'a message of about the usual length, naming nobody'"
for shape in own shared; do
	if [ $shape = own ]; then room="$first + :client_id % 4"; else room=$first; fi
	{
		echo "\\set room $room"
		build/chat_sql | sed -e 's/\$1/:room/g' -e "s/\\\$2/$uid/g" \
		    -e "s/\\\$3/$body/g" -e "s/\\\$4/'token'/g" \
		    -e "s/\\\$5/'$hash'/g" \
		    -e "s/HH24:MI:SS/HH24' || chr(58) || 'MI' || chr(58) || 'SS/g"
		echo ';'
	} >var/bench/chat-post-$shape.sql
	{
		echo "\\set room $room"
		echo "INSERT INTO chat_messages (room_id, author_id, body)"
		echo " VALUES (:room, $uid, $body);"
	} >var/bench/chat-insert-$shape.sql
done

tps() {	# script clients
	PGDATABASE=$db pgbench -n -M prepared -c "$2" -j "$2" -T 10 -f "$1" \
	    2>/dev/null | awk '/^tps/ { printf "%.0f", $3 }'
}
out=var/bench/chat-sql.md
{
	echo "A chat message in PostgreSQL, $(date -u +%Y-%m-%d), $(nproc) cores,"
	echo "load average $(cut -d' ' -f1 /proc/loadavg) at the start; pgbench -M prepared, 10 s each."
	echo
	echo "| clients | rooms | message statement, per s | plain INSERT, per s | statement's cost in INSERTs |"
	echo "|---:|---|---:|---:|---:|"
	for run in "1 own" "4 own" "4 shared"; do
		set -- $run
		p=$(tps var/bench/chat-post-$2.sql "$1")
		i=$(tps var/bench/chat-insert-$2.sql "$1")
		awk -v c="$1" -v r="$2" -v p="$p" -v i="$i" 'BEGIN {
			printf "| %d | %s | %d | %d | %.1f× |\n", c,
			    (r == "own" ? "one each" : "one for all"), p, i,
			    (p > 0 ? i / p : 0) }'
	done
} | tee "$out"
