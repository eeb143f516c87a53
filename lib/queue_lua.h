/*
 * The job queue's Redis layout and the Lua scripts that change it,
 * shared by the site (which enqueues) and the job worker (which fetches,
 * acknowledges and retries).  Each script runs atomically in Redis.
 *
 *   agora:job:<id>    hash: payload (job JSON), prio, type, attempts,
 *                     enqueued_at, worker, started_at, error, failed_at
 *   agora:ready       zset of ids, score prio * 1e13 + enqueue time (ms):
 *                     critical (0) before default (1) before bulk (2),
 *                     first in first out within a queue
 *   agora:delayed     zset of ids by run time (ms): future and retrying
 *   agora:inflight    zset of ids by visibility deadline (ms): a job whose
 *                     worker died is made ready again past its deadline
 *   agora:dead        zset of ids by time of death (ms)
 *   agora:wake        list poked on enqueue; idle workers block on it
 *   agora:stats       hash of counters: <type>:ok, :retry, :dead, requeued
 */

#ifndef __H_AGORA_QUEUE_LUA_H
#define __H_AGORA_QUEUE_LUA_H

#define QUEUE_PRIO_SCALE	"10000000000000"

/*
 * ARGV: id, payload, prio (0-2), run_at ms, now ms, type.
 * Returns 1 when enqueued, 0 when a job with this id is already known.
 */
#define QUEUE_LUA_ENQUEUE						\
"local k = 'agora:job:' .. ARGV[1]\n"					\
"if redis.call('EXISTS', k) == 1 then return 0 end\n"			\
"redis.call('HSET', k, 'payload', ARGV[2], 'prio', ARGV[3],\n"		\
"    'type', ARGV[6], 'attempts', 0, 'enqueued_at', ARGV[5])\n"		\
"if tonumber(ARGV[4]) > tonumber(ARGV[5]) then\n"			\
"  redis.call('ZADD', 'agora:delayed', ARGV[4], ARGV[1])\n"		\
"else\n"								\
"  redis.call('ZADD', 'agora:ready',\n"					\
"      tonumber(ARGV[3]) * " QUEUE_PRIO_SCALE " + tonumber(ARGV[5]),\n"	\
"      ARGV[1])\n"							\
"end\n"									\
"redis.call('LPUSH', 'agora:wake', 1)\n"				\
"redis.call('LTRIM', 'agora:wake', 0, 15)\n"				\
"return 1\n"

/*
 * ARGV: now ms, visibility ms, max jobs, worker name.
 * Moves due delayed jobs and expired in-flight jobs to ready, then takes
 * up to max jobs into flight.  Returns a flat list id, payload, attempts.
 * An expired job (its worker died) goes back to its first place in its
 * queue, by its enqueue time: put behind everything that arrived since,
 * it would wait for all of that on top of the visibility timeout.
 */
#define QUEUE_LUA_FETCH							\
"local now = tonumber(ARGV[1])\n"					\
"local function ready(id, stat)\n"					\
"  local k = 'agora:job:' .. id\n"					\
"  local prio = redis.call('HGET', k, 'prio')\n"			\
"  if prio then\n"							\
"    local at = now\n"							\
"    if stat then\n"							\
"      at = tonumber(redis.call('HGET', k, 'enqueued_at')) or now\n"	\
"      redis.call('HINCRBY', 'agora:stats', stat, 1)\n"		\
"    end\n"								\
"    redis.call('ZADD', 'agora:ready',\n"				\
"        tonumber(prio) * " QUEUE_PRIO_SCALE " + at, id)\n"		\
"  end\n"								\
"end\n"									\
"for _, id in ipairs(redis.call('ZRANGEBYSCORE', 'agora:delayed',\n"	\
"    '-inf', now, 'LIMIT', 0, 500)) do\n"				\
"  redis.call('ZREM', 'agora:delayed', id)\n"				\
"  ready(id, nil)\n"							\
"end\n"									\
"for _, id in ipairs(redis.call('ZRANGEBYSCORE', 'agora:inflight',\n"	\
"    '-inf', now, 'LIMIT', 0, 500)) do\n"				\
"  redis.call('ZREM', 'agora:inflight', id)\n"				\
"  ready(id, 'requeued')\n"						\
"end\n"									\
"local out = {}\n"							\
"local popped = redis.call('ZPOPMIN', 'agora:ready', tonumber(ARGV[3]))\n" \
"for i = 1, #popped, 2 do\n"						\
"  local id = popped[i]\n"						\
"  local k = 'agora:job:' .. id\n"					\
"  local payload = redis.call('HGET', k, 'payload')\n"			\
"  if payload then\n"							\
"    local n = redis.call('HINCRBY', k, 'attempts', 1)\n"		\
"    redis.call('HSET', k, 'worker', ARGV[4], 'started_at', now)\n"	\
"    redis.call('ZADD', 'agora:inflight', now + tonumber(ARGV[2]), id)\n" \
"    out[#out + 1] = id\n"						\
"    out[#out + 1] = payload\n"						\
"    out[#out + 1] = n\n"						\
"  end\n"								\
"end\n"									\
"return out\n"

/* ARGV: ids of finished jobs.  Forgets them and counts them per type. */
#define QUEUE_LUA_ACK							\
"for _, id in ipairs(ARGV) do\n"					\
"  local k = 'agora:job:' .. id\n"					\
"  local t = redis.call('HGET', k, 'type')\n"				\
"  redis.call('ZREM', 'agora:inflight', id)\n"				\
"  redis.call('DEL', k)\n"						\
"  if t then redis.call('HINCRBY', 'agora:stats', t .. ':ok', 1) end\n"	\
"end\n"									\
"return #ARGV\n"

/*
 * ARGV: id, error, retry at ms (0: no more attempts, the job is dead),
 * now ms.  Returns 1, or 0 when the job is no longer known.
 */
#define QUEUE_LUA_FAIL							\
"local k = 'agora:job:' .. ARGV[1]\n"					\
"redis.call('ZREM', 'agora:inflight', ARGV[1])\n"			\
"if redis.call('EXISTS', k) == 0 then return 0 end\n"			\
"local t = redis.call('HGET', k, 'type')\n"				\
"redis.call('HSET', k, 'error', ARGV[2], 'failed_at', ARGV[4])\n"	\
"if tonumber(ARGV[3]) == 0 then\n"					\
"  redis.call('ZADD', 'agora:dead', ARGV[4], ARGV[1])\n"		\
"  redis.call('HINCRBY', 'agora:stats', t .. ':dead', 1)\n"		\
"else\n"								\
"  redis.call('ZADD', 'agora:delayed', ARGV[3], ARGV[1])\n"		\
"  redis.call('HINCRBY', 'agora:stats', t .. ':retry', 1)\n"		\
"end\n"									\
"return 1\n"

/*
 * ARGV: ids.  Hands jobs taken but not started back to the queue (the
 * worker is stopping, or a slow job came first), without counting the
 * attempt, in the place they had.
 */
#define QUEUE_LUA_RELEASE						\
"local now = redis.call('TIME')\n"					\
"local ms = now[1] * 1000 + math.floor(now[2] / 1000)\n"		\
"for _, id in ipairs(ARGV) do\n"					\
"  local k = 'agora:job:' .. id\n"					\
"  if redis.call('ZREM', 'agora:inflight', id) == 1 then\n"		\
"    local prio = redis.call('HGET', k, 'prio')\n"			\
"    if prio then\n"							\
"      local at = tonumber(redis.call('HGET', k, 'enqueued_at')) or ms\n" \
"      redis.call('HINCRBY', k, 'attempts', -1)\n"			\
"      redis.call('ZADD', 'agora:ready',\n"				\
"          tonumber(prio) * " QUEUE_PRIO_SCALE " + at, id)\n"		\
"    end\n"								\
"  end\n"								\
"end\n"									\
"return #ARGV\n"

/*
 * ARGV: new deadline ms, worker name, ids.  The heartbeat of a process
 * whose jobs run long: pushes back the visibility deadline of the jobs
 * it still holds (in flight and taken by it), so nobody takes them while
 * they run.  Returns how many were extended.
 */
#define QUEUE_LUA_EXTEND						\
"local n = 0\n"								\
"for i = 3, #ARGV do\n"							\
"  local id = ARGV[i]\n"						\
"  if redis.call('ZSCORE', 'agora:inflight', id) and\n"		\
"      redis.call('HGET', 'agora:job:' .. id, 'worker') == ARGV[2] then\n" \
"    redis.call('ZADD', 'agora:inflight', 'XX', ARGV[1], id)\n"		\
"    n = n + 1\n"							\
"  end\n"								\
"end\n"									\
"return n\n"

/* ARGV: id, now ms.  A dead job gets a fresh set of attempts. */
#define QUEUE_LUA_REVIVE						\
"local k = 'agora:job:' .. ARGV[1]\n"					\
"if redis.call('ZREM', 'agora:dead', ARGV[1]) == 0 then return 0 end\n" \
"local prio = redis.call('HGET', k, 'prio')\n"				\
"if not prio then return 0 end\n"					\
"redis.call('HSET', k, 'attempts', 0)\n"				\
"redis.call('ZADD', 'agora:ready',\n"					\
"    tonumber(prio) * " QUEUE_PRIO_SCALE " + tonumber(ARGV[2]), ARGV[1])\n" \
"redis.call('LPUSH', 'agora:wake', 1)\n"				\
"redis.call('LTRIM', 'agora:wake', 0, 15)\n"				\
"return 1\n"

/* ARGV: id.  Deletes a dead job for good. */
#define QUEUE_LUA_DROP							\
"if redis.call('ZREM', 'agora:dead', ARGV[1]) == 0 then return 0 end\n" \
"redis.call('DEL', 'agora:job:' .. ARGV[1])\n"				\
"return 1\n"

#endif /* !__H_AGORA_QUEUE_LUA_H */
