/*
 * The job queue's Redis layout and the Lua scripts that change it,
 * shared by the site (which enqueues) and the job worker (which fetches,
 * acknowledges and retries).  Each script runs atomically in Redis.
 *
 *   agora:jobs        hash id -> payload (job JSON): every job Redis
 *                     owes, in whatever state, until it is done or dropped
 *   agora:meta        hash id -> "attempts place worker started_at": place
 *                     is the job's ready score (below), worker "-" while
 *                     nobody holds it; written when a job is first taken
 *                     (or enqueued for later)
 *   agora:ready       zset of ids, score prio * 1e13 + enqueue time (ms):
 *                     critical (0) before default (1) before bulk (2),
 *                     first in first out within a queue
 *   agora:delayed     zset of ids by run time (ms): future and retrying
 *   agora:inflight    zset of ids by visibility deadline (ms): a job whose
 *                     worker died is made ready again past its deadline
 *   agora:dead        zset of ids by time of death (ms)
 *   agora:job:<id>    hash, only for a job that failed: type, attempts,
 *                     error, failed_at
 *   agora:wake        list poked by bulk enqueues; idle workers block on
 *                     it between looks at the queue
 *   agora:stats       hash of counters: <type>:ok, :retry, :dead, requeued
 *
 * Every key is shared by all jobs, so a script touching a batch of jobs
 * uses one variadic command per key (HMGET, HSET, ZADD, ZREM, HDEL, DEL)
 * whatever the batch size: a job costs about three Redis commands from
 * enqueue to acknowledgement (bench/queue.sh counts them).
 */

#ifndef __H_AGORA_QUEUE_LUA_H
#define __H_AGORA_QUEUE_LUA_H

#define QUEUE_PRIO_SCALE	"10000000000000"

/* Jobs per call of the bulk enqueue script (Lua's unpack() limit). */
#define QUEUE_BULK_MAX		1000

/* The helpers the scripts share: a meta value's fields. */
#define QUEUE_LUA_META							\
"local S = " QUEUE_PRIO_SCALE "\n"					\
"local function num(x) return string.format('%.0f', x) end\n"		\
"local function meta(m)\n"						\
"  if not m then return nil end\n"					\
"  local a, p, w = string.match(m, '^(%d+) (%d+) (%S+)')\n"		\
"  return tonumber(a), tonumber(p), w\n"				\
"end\n"

/*
 * ARGV: id, payload, prio (0-2), run_at ms, now ms, type.
 * Returns 1 when enqueued, 0 when a job with this id is already known.
 * One job: it does not poke agora:wake, so an idle worker sees it at its
 * next look (within 100 ms); the bulk script below pokes once a call.
 */
#define QUEUE_LUA_ENQUEUE						\
QUEUE_LUA_META								\
"if redis.call('HSETNX', 'agora:jobs', ARGV[1], ARGV[2]) == 0 then\n"	\
"  return 0\n"								\
"end\n"									\
"local place = num(tonumber(ARGV[3]) * S + tonumber(ARGV[5]))\n"	\
"if tonumber(ARGV[4]) > tonumber(ARGV[5]) then\n"			\
"  redis.call('ZADD', 'agora:delayed', ARGV[4], ARGV[1])\n"		\
"  redis.call('HSET', 'agora:meta', ARGV[1], '0 ' .. place .. ' - 0')\n" \
"else\n"								\
"  redis.call('ZADD', 'agora:ready', place, ARGV[1])\n"		\
"end\n"									\
"return 1\n"

/*
 * ARGV: now ms, then per job: id, payload, prio (0-2), run_at ms (at
 * most QUEUE_BULK_MAX jobs).  Jobs whose id is already known are left
 * out.  Returns how many were enqueued.
 */
#define QUEUE_LUA_ENQUEUE_MANY						\
QUEUE_LUA_META								\
"local now = tonumber(ARGV[1])\n"					\
"local ids = {}\n"							\
"for i = 2, #ARGV - 3, 4 do ids[#ids + 1] = ARGV[i] end\n"		\
"if #ids == 0 then return 0 end\n"					\
"local known = redis.call('HMGET', 'agora:jobs', unpack(ids))\n"	\
"local h, r, d, m, seen = {}, {}, {}, {}, {}\n"				\
"for j, id in ipairs(ids) do\n"						\
"  local i = 2 + (j - 1) * 4\n"						\
"  if not known[j] and not seen[id] then\n"				\
"    seen[id] = true\n"							\
"    h[#h + 1] = id\n"							\
"    h[#h + 1] = ARGV[i + 1]\n"						\
"    local place = num(tonumber(ARGV[i + 2]) * S + now)\n"		\
"    if tonumber(ARGV[i + 3]) > now then\n"				\
"      d[#d + 1] = ARGV[i + 3]\n"					\
"      d[#d + 1] = id\n"						\
"      m[#m + 1] = id\n"						\
"      m[#m + 1] = '0 ' .. place .. ' - 0'\n"				\
"    else\n"								\
"      r[#r + 1] = place\n"						\
"      r[#r + 1] = id\n"						\
"    end\n"								\
"  end\n"								\
"end\n"									\
"if #h == 0 then return 0 end\n"					\
"redis.call('HSET', 'agora:jobs', unpack(h))\n"				\
"if #d > 0 then\n"							\
"  redis.call('ZADD', 'agora:delayed', unpack(d))\n"			\
"  redis.call('HSET', 'agora:meta', unpack(m))\n"			\
"end\n"									\
"if #r > 0 then\n"							\
"  redis.call('ZADD', 'agora:ready', unpack(r))\n"			\
"  redis.call('LPUSH', 'agora:wake', 1)\n"				\
"  redis.call('LTRIM', 'agora:wake', 0, 15)\n"				\
"end\n"									\
"return #h / 2\n"

/*
 * ARGV: now ms, visibility ms, max jobs, worker name.
 * Moves due delayed jobs and expired in-flight jobs to ready, then takes
 * up to max jobs into flight.  Returns a flat list id, payload, attempts.
 * An expired job (its worker died) goes back to its first place in its
 * queue, by its enqueue time: put behind everything that arrived since,
 * it would wait for all of that on top of the visibility timeout.  A
 * retry goes to the back of its queue.
 */
#define QUEUE_LUA_FETCH							\
QUEUE_LUA_META								\
"local now = tonumber(ARGV[1])\n"					\
"local function back(key, requeue)\n"					\
"  local ids = redis.call('ZRANGEBYSCORE', key, '-inf', now,\n"	\
"      'LIMIT', 0, 500)\n"						\
"  if #ids == 0 then return end\n"					\
"  redis.call('ZREM', key, unpack(ids))\n"				\
"  local ms = redis.call('HMGET', 'agora:meta', unpack(ids))\n"		\
"  local z = {}\n"							\
"  for i, id in ipairs(ids) do\n"					\
"    local _, p = meta(ms[i])\n"					\
"    if p then\n"							\
"      if not requeue then p = math.floor(p / S) * S + now end\n"	\
"      z[#z + 1] = num(p)\n"						\
"      z[#z + 1] = id\n"						\
"    end\n"								\
"  end\n"								\
"  if #z > 0 then redis.call('ZADD', 'agora:ready', unpack(z)) end\n"	\
"  if requeue then\n"							\
"    redis.call('HINCRBY', 'agora:stats', 'requeued', #ids)\n"		\
"  end\n"								\
"end\n"									\
"back('agora:delayed', false)\n"					\
"back('agora:inflight', true)\n"					\
"local popped = redis.call('ZPOPMIN', 'agora:ready', tonumber(ARGV[3]))\n" \
"if #popped == 0 then return {} end\n"					\
"local ids, places = {}, {}\n"						\
"for i = 1, #popped, 2 do\n"						\
"  ids[#ids + 1] = popped[i]\n"						\
"  places[#places + 1] = popped[i + 1]\n"				\
"end\n"									\
"local pl = redis.call('HMGET', 'agora:jobs', unpack(ids))\n"		\
"local ms = redis.call('HMGET', 'agora:meta', unpack(ids))\n"		\
"local out, m, z = {}, {}, {}\n"					\
"local deadline = num(now + tonumber(ARGV[2]))\n"			\
"for i, id in ipairs(ids) do\n"						\
"  if pl[i] then\n"							\
"    local a = (meta(ms[i]) or 0) + 1\n"				\
"    m[#m + 1] = id\n"							\
"    m[#m + 1] = a .. ' ' .. places[i] .. ' ' .. ARGV[4] .. ' ' ..\n"	\
"        ARGV[1]\n"							\
"    z[#z + 1] = deadline\n"						\
"    z[#z + 1] = id\n"							\
"    out[#out + 1] = id\n"						\
"    out[#out + 1] = pl[i]\n"						\
"    out[#out + 1] = a\n"						\
"  end\n"								\
"end\n"									\
"if #z > 0 then\n"							\
"  redis.call('HSET', 'agora:meta', unpack(m))\n"			\
"  redis.call('ZADD', 'agora:inflight', unpack(z))\n"			\
"end\n"									\
"return out\n"

/*
 * ARGV: per finished job: id, type.  Forgets them and counts them per
 * type.  Returns how many were still in flight.
 */
#define QUEUE_LUA_ACK							\
"local ids, keys, count = {}, {}, {}\n"					\
"for i = 1, #ARGV - 1, 2 do\n"						\
"  ids[#ids + 1] = ARGV[i]\n"						\
"  keys[#keys + 1] = 'agora:job:' .. ARGV[i]\n"				\
"  count[ARGV[i + 1]] = (count[ARGV[i + 1]] or 0) + 1\n"		\
"end\n"									\
"if #ids == 0 then return 0 end\n"					\
"local n = redis.call('ZREM', 'agora:inflight', unpack(ids))\n"	\
"redis.call('HDEL', 'agora:jobs', unpack(ids))\n"			\
"redis.call('HDEL', 'agora:meta', unpack(ids))\n"			\
"redis.call('DEL', unpack(keys))\n"					\
"for t, c in pairs(count) do\n"						\
"  redis.call('HINCRBY', 'agora:stats', t .. ':ok', c)\n"		\
"end\n"									\
"return n\n"

/*
 * ARGV: id, error, retry at ms (0: no more attempts, the job is dead),
 * now ms, type.  Returns 1, or 0 when the job is no longer known.
 */
#define QUEUE_LUA_FAIL							\
QUEUE_LUA_META								\
"local id = ARGV[1]\n"							\
"redis.call('ZREM', 'agora:inflight', id)\n"				\
"local a = meta(redis.call('HGET', 'agora:meta', id))\n"		\
"if not a then return 0 end\n"						\
"local t = ARGV[5]\n"							\
"if t == '' then t = 'unknown' end\n"					\
"redis.call('HSET', 'agora:job:' .. id, 'type', t, 'attempts', a,\n"	\
"    'error', ARGV[2], 'failed_at', ARGV[4])\n"				\
"if tonumber(ARGV[3]) == 0 then\n"					\
"  redis.call('ZADD', 'agora:dead', ARGV[4], id)\n"			\
"  redis.call('HINCRBY', 'agora:stats', t .. ':dead', 1)\n"		\
"else\n"								\
"  redis.call('ZADD', 'agora:delayed', ARGV[3], id)\n"			\
"  redis.call('HINCRBY', 'agora:stats', t .. ':retry', 1)\n"		\
"end\n"									\
"return 1\n"

/*
 * ARGV: ids.  Hands jobs taken but not started back to the queue (the
 * worker is stopping, or a slow job came first), without counting the
 * attempt, in the place they had.
 */
#define QUEUE_LUA_RELEASE						\
QUEUE_LUA_META								\
"if #ARGV == 0 then return 0 end\n"					\
"local held = redis.call('ZMSCORE', 'agora:inflight', unpack(ARGV))\n"	\
"local ids = {}\n"							\
"for i, s in ipairs(held) do\n"						\
"  if s then ids[#ids + 1] = ARGV[i] end\n"				\
"end\n"									\
"if #ids == 0 then return 0 end\n"					\
"redis.call('ZREM', 'agora:inflight', unpack(ids))\n"			\
"local ms = redis.call('HMGET', 'agora:meta', unpack(ids))\n"		\
"local m, z = {}, {}\n"							\
"for i, id in ipairs(ids) do\n"						\
"  local a, p = meta(ms[i])\n"						\
"  if p then\n"								\
"    m[#m + 1] = id\n"							\
"    m[#m + 1] = math.max(a - 1, 0) .. ' ' .. num(p) .. ' - 0'\n"	\
"    z[#z + 1] = num(p)\n"						\
"    z[#z + 1] = id\n"							\
"  end\n"								\
"end\n"									\
"if #z > 0 then\n"							\
"  redis.call('HSET', 'agora:meta', unpack(m))\n"			\
"  redis.call('ZADD', 'agora:ready', unpack(z))\n"			\
"end\n"									\
"return #z / 2\n"

/*
 * ARGV: new deadline ms, worker name, ids.  The heartbeat of a process
 * whose jobs run long: pushes back the visibility deadline of the jobs
 * it still holds (in flight and taken by it), so nobody takes them while
 * they run.  Returns how many were extended.
 */
#define QUEUE_LUA_EXTEND						\
QUEUE_LUA_META								\
"if #ARGV < 3 then return 0 end\n"					\
"local ids = {}\n"							\
"for i = 3, #ARGV do ids[#ids + 1] = ARGV[i] end\n"			\
"local held = redis.call('ZMSCORE', 'agora:inflight', unpack(ids))\n"	\
"local ms = redis.call('HMGET', 'agora:meta', unpack(ids))\n"		\
"local z = {}\n"							\
"for i, id in ipairs(ids) do\n"						\
"  local _, _, w = meta(ms[i])\n"					\
"  if held[i] and w == ARGV[2] then\n"					\
"    z[#z + 1] = ARGV[1]\n"						\
"    z[#z + 1] = id\n"							\
"  end\n"								\
"end\n"									\
"if #z > 0 then redis.call('ZADD', 'agora:inflight', 'XX', unpack(z)) end\n" \
"return #z / 2\n"

/* ARGV: id, now ms.  A dead job gets a fresh set of attempts. */
#define QUEUE_LUA_REVIVE						\
QUEUE_LUA_META								\
"local id = ARGV[1]\n"							\
"if redis.call('ZREM', 'agora:dead', id) == 0 then return 0 end\n"	\
"local _, p = meta(redis.call('HGET', 'agora:meta', id))\n"		\
"if not p then return 0 end\n"						\
"local place = num(math.floor(p / S) * S + tonumber(ARGV[2]))\n"	\
"redis.call('HSET', 'agora:meta', id, '0 ' .. place .. ' - 0')\n"	\
"redis.call('HSET', 'agora:job:' .. id, 'attempts', 0)\n"		\
"redis.call('ZADD', 'agora:ready', place, id)\n"			\
"redis.call('LPUSH', 'agora:wake', 1)\n"				\
"redis.call('LTRIM', 'agora:wake', 0, 15)\n"				\
"return 1\n"

/* ARGV: id.  Deletes a dead job for good. */
#define QUEUE_LUA_DROP							\
"if redis.call('ZREM', 'agora:dead', ARGV[1]) == 0 then return 0 end\n" \
"redis.call('HDEL', 'agora:jobs', ARGV[1])\n"				\
"redis.call('HDEL', 'agora:meta', ARGV[1])\n"				\
"redis.call('DEL', 'agora:job:' .. ARGV[1])\n"				\
"return 1\n"

#endif /* !__H_AGORA_QUEUE_LUA_H */
