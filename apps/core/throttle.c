/*
 * Login throttling: after 5 failed attempts for one (username, address)
 * within 15 minutes further attempts are refused with 429 until the
 * window ends.  Counted in Redis under a hash of the pair, so neither the
 * name nor the address is stored in clear.  Without Redis the check is
 * skipped (logins keep working) and the outage is logged by redis.c.
 */

#include <stdio.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <sodium.h>

#include "core/core.h"

#define THROTTLE_MAX		5
#define THROTTLE_WINDOW		(15 * 60)

static void	throttle_key(const char *, const char *, char *, size_t);

/*
 * Returns 1 when this (username, ip) may not try now, with the seconds
 * to wait in *retry_after; 0 otherwise.
 */
int
core_throttle_check(const char *username, const char *ip, int *retry_after)
{
	redisReply	*r;
	char		 key[96];
	long long	 count, ttl;

	throttle_key(username, ip, key, sizeof(key));

	if ((r = core_redis_command("GET %s", key)) == NULL)
		return (0);
	count = (r->type == REDIS_REPLY_STRING) ? strtoll(r->str, NULL, 10) : 0;
	core_redis_free(r);

	if (count < THROTTLE_MAX)
		return (0);

	ttl = THROTTLE_WINDOW;
	if ((r = core_redis_command("TTL %s", key)) != NULL) {
		if (r->type == REDIS_REPLY_INTEGER && r->integer > 0)
			ttl = r->integer;
		core_redis_free(r);
	}

	*retry_after = (int)ttl;
	return (1);
}

/* Count a failed attempt; the window starts with the first failure. */
void
core_throttle_fail(const char *username, const char *ip)
{
	redisReply	*r;
	char		 key[96];

	throttle_key(username, ip, key, sizeof(key));

	if ((r = core_redis_command("INCR %s", key)) == NULL)
		return;
	if (r->type == REDIS_REPLY_INTEGER && r->integer == 1)
		core_redis_free(core_redis_command("EXPIRE %s %d", key,
		    THROTTLE_WINDOW));
	core_redis_free(r);
}

/* A successful login forgets earlier failures. */
void
core_throttle_clear(const char *username, const char *ip)
{
	char		key[96];

	throttle_key(username, ip, key, sizeof(key));
	core_redis_free(core_redis_command("DEL %s", key));
}

static void
throttle_key(const char *username, const char *ip, char *key, size_t len)
{
	crypto_generichash_state	st;
	u_int8_t			h[16];
	char				hex[33];

	crypto_generichash_init(&st, core_cfg.secret, 32, sizeof(h));
	crypto_generichash_update(&st, (const u_int8_t *)username,
	    strlen(username) + 1);
	crypto_generichash_update(&st, (const u_int8_t *)ip, strlen(ip));
	crypto_generichash_final(&st, h, sizeof(h));
	core_hex(h, sizeof(h), hex);
	(void)snprintf(key, len, "throttle:login:%s", hex);
}
