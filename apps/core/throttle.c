/*
 * Rate limits kept in Redis (the numbers: limits.h).
 *
 * A limit is a set of fixed-window counters taken together by one Lua
 * script, so checking and counting are one atomic step: however many
 * requests arrive at once, at most `max` of them get through a window.
 * Keys are keyed hashes of what they count (account names, addresses),
 * so neither is stored in clear.  Without Redis the limits are skipped
 * (logins and posting keep working) and the outage is logged by redis.c.
 */

#include <stdio.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <sodium.h>

#include "core/core.h"

#define THROTTLE_KEYS_MAX	2

/*
 * KEYS: the counters; ARGV: max and window (seconds) of each, in order.
 * When a counter is at its max nothing is counted and the script returns
 * the seconds until the longest such window ends (at least 1); otherwise
 * every counter goes up by one (a new one starts its window) and it
 * returns 0.
 */
#define THROTTLE_LUA_TAKE						\
"local wait = 0\n"							\
"for i, k in ipairs(KEYS) do\n"						\
"  local n = tonumber(redis.call('GET', k) or '0')\n"			\
"  if n >= tonumber(ARGV[2 * i - 1]) then\n"				\
"    local t = redis.call('TTL', k)\n"					\
"    if t < 1 then\n"							\
"      t = tonumber(ARGV[2 * i])\n"					\
"      redis.call('EXPIRE', k, t)\n"					\
"    end\n"								\
"    if t > wait then wait = t end\n"					\
"  end\n"								\
"end\n"									\
"if wait > 0 then return wait end\n"					\
"for i, k in ipairs(KEYS) do\n"						\
"  if redis.call('INCR', k) == 1 then\n"				\
"    redis.call('EXPIRE', k, ARGV[2 * i])\n"				\
"  end\n"								\
"end\n"									\
"return 0\n"

/*
 * A successful login: KEYS[1] the (account, address) counter, forgotten;
 * KEYS[2] the account counter, this attempt refunded (when it counted
 * there: the address was not known yet); KEYS[3] marks the address as
 * one the account uses, for ARGV[1] seconds.
 */
#define THROTTLE_LUA_LOGIN_OK						\
"redis.call('DEL', KEYS[1])\n"						\
"if redis.call('EXISTS', KEYS[3]) == 0 and\n"				\
"    tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then\n"		\
"  redis.call('DECR', KEYS[2])\n"					\
"end\n"									\
"redis.call('SET', KEYS[3], '1', 'EX', ARGV[1])\n"			\
"return 0\n"

struct throttle_counter {
	char		key[96];
	int		max;
	int		window;
};

static int	throttle_take(struct throttle_counter *, int, int *);
static void	throttle_key(char *, size_t, const char *, const char *,
		    const char *);

/*
 * Count one login attempt for `username` (already normalised) from `ip`,
 * before its password is checked.  Returns 1 when the attempt is refused,
 * with the seconds to wait in *retry_after; 0 when it may go on.
 */
int
core_throttle_login(const char *username, const char *ip, int *retry_after)
{
	struct throttle_counter	 c[2];
	redisReply		*r;
	char			 known[96];
	int			 n, is_known;

	throttle_key(c[0].key, sizeof(c[0].key), "login", username, ip);
	c[0].max = LIMIT_LOGIN_PAIR_MAX;
	c[0].window = LIMIT_LOGIN_PAIR_WINDOW;
	throttle_key(c[1].key, sizeof(c[1].key), "account", username, NULL);
	c[1].max = LIMIT_LOGIN_ACCOUNT_MAX;
	c[1].window = LIMIT_LOGIN_ACCOUNT_WINDOW;
	n = 2;

	/* An address the owner logged in from answers only to its own limit. */
	throttle_key(known, sizeof(known), "known", username, ip);
	is_known = 0;
	if ((r = core_redis_command("EXISTS %s", known)) != NULL) {
		is_known = r->type == REDIS_REPLY_INTEGER && r->integer == 1;
		core_redis_free(r);
	}
	if (is_known)
		n = 1;

	return (throttle_take(c, n, retry_after));
}

/* A successful login: refund its attempt and remember the address. */
void
core_throttle_login_ok(const char *username, const char *ip)
{
	char		pair[96], account[96], known[96];

	throttle_key(pair, sizeof(pair), "login", username, ip);
	throttle_key(account, sizeof(account), "account", username, NULL);
	throttle_key(known, sizeof(known), "known", username, ip);
	core_redis_free(core_redis_command("EVAL %s 3 %s %s %s %d",
	    THROTTLE_LUA_LOGIN_OK, pair, account, known,
	    LIMIT_LOGIN_KNOWN_TTL));
}

/*
 * Count one reset mail to `email` asked for from `ip`: per (address,
 * client) and per address whoever asks, the address lower-cased.
 * Returns 1 when refused, with *retry_after; 0 otherwise.
 */
int
core_throttle_forgot(const char *email, const char *ip, int *retry_after)
{
	struct throttle_counter	 c[2];
	char			 lower[CORE_EMAIL_MAX + 1];
	size_t			 i;

	for (i = 0; email[i] != '\0' && i < sizeof(lower) - 1; i++)
		lower[i] = (email[i] >= 'A' && email[i] <= 'Z') ?
		    email[i] - 'A' + 'a' : email[i];
	lower[i] = '\0';

	throttle_key(c[0].key, sizeof(c[0].key), "forgot", lower, ip);
	c[0].max = LIMIT_FORGOT_PAIR_MAX;
	c[0].window = LIMIT_FORGOT_PAIR_WINDOW;
	throttle_key(c[1].key, sizeof(c[1].key), "forgot-address", lower,
	    NULL);
	c[1].max = LIMIT_FORGOT_ADDRESS_MAX;
	c[1].window = LIMIT_FORGOT_ADDRESS_WINDOW;

	return (throttle_take(c, 2, retry_after));
}

/*
 * Count one creation of `kind` (rooms, reports, comments) by user `uid`:
 * at most `max` in `window` seconds.  Returns 1 when refused, with
 * *retry_after; 0 otherwise.
 */
int
core_throttle_user(const char *kind, int64_t uid, int max, int window,
    int *retry_after)
{
	struct throttle_counter	 c;
	struct core_num		 id;

	throttle_key(c.key, sizeof(c.key), kind, core_num(&id, uid), NULL);
	c.max = max;
	c.window = window;

	return (throttle_take(&c, 1, retry_after));
}

/*
 * Count one creation of `kind` by the request's user, once per request
 * however often the handler runs again.  CORE_OK when it may go on;
 * CORE_DONE when refused (429 with Retry-After and `detail` sent).
 */
int
core_limit_user(struct http_request *req, struct core_ctx *ctx,
    const char *kind, int max, int window, const char *detail)
{
	int		retry;

	if (ctx->limit_taken)
		return (CORE_OK);
	if (core_throttle_user(kind, ctx->user.id, max, window, &retry))
		return (core_throttled(req, retry, detail));
	ctx->limit_taken = 1;

	return (CORE_OK);
}

/*
 * Answer 429 with Retry-After: problem+json on the API, a page for a
 * browser.  CORE_DONE.
 */
int
core_throttled(struct http_request *req, int retry_after, const char *detail)
{
	char		secs[16];

	(void)snprintf(secs, sizeof(secs), "%d",
	    retry_after > 0 ? retry_after : 1);
	http_response_header(req, "retry-after", secs);

	return (core_error(req, 429, detail));
}

static int
throttle_take(struct throttle_counter *c, int n, int *retry_after)
{
	redisReply	*r;
	const char	*argv[3 + THROTTLE_KEYS_MAX * 3];
	size_t		 lens[3 + THROTTLE_KEYS_MAX * 3];
	char		 num[THROTTLE_KEYS_MAX * 2][16], count[8];
	int		 i, argc, refused;

	argc = 0;
	argv[argc++] = "EVAL";
	argv[argc++] = THROTTLE_LUA_TAKE;
	(void)snprintf(count, sizeof(count), "%d", n);
	argv[argc++] = count;
	for (i = 0; i < n; i++)
		argv[argc++] = c[i].key;
	for (i = 0; i < n; i++) {
		(void)snprintf(num[2 * i], sizeof(num[0]), "%d", c[i].max);
		(void)snprintf(num[2 * i + 1], sizeof(num[0]), "%d",
		    c[i].window);
		argv[argc++] = num[2 * i];
		argv[argc++] = num[2 * i + 1];
	}
	for (i = 0; i < argc; i++)
		lens[i] = strlen(argv[i]);

	if ((r = core_redis_argv(argc, argv, lens)) == NULL)
		return (0);

	refused = 0;
	if (r->type == REDIS_REPLY_INTEGER && r->integer > 0) {
		*retry_after = (int)r->integer;
		refused = 1;
	}
	core_redis_free(r);

	return (refused);
}

/* "throttle:<kind>:" and a keyed hash of `a` and `b` (when not NULL). */
static void
throttle_key(char *key, size_t len, const char *kind, const char *a,
    const char *b)
{
	crypto_generichash_state	st;
	u_int8_t			h[16];
	char				hex[33];

	crypto_generichash_init(&st, core_cfg.secret, 32, sizeof(h));
	crypto_generichash_update(&st, (const u_int8_t *)a, strlen(a) + 1);
	if (b != NULL)
		crypto_generichash_update(&st, (const u_int8_t *)b, strlen(b));
	crypto_generichash_final(&st, h, sizeof(h));
	core_hex(h, sizeof(h), hex);
	(void)snprintf(key, len, "throttle:%s:%s", kind, hex);
}
