/*
 * Who is asking: web sessions (cookie) and API tokens (bearer).
 *
 * Both credentials are 256-bit random tokens; the database keeps only
 * their BLAKE2b hash.  Sessions slide: a session used within the last
 * part of its lifetime is extended and its cookie re-sent.  Banned users
 * have no sessions or tokens (admin.c deletes them) and are refused here
 * as well, so a ban takes effect on the very next request; so are users
 * suspended (their sessions deleted, their tokens refused until the
 * suspension ends).
 */

#include <stdio.h>
#include <string.h>

#include "core/core.h"

/* Whether the user blocked or muted anyone (sql/023_blocks.sql). */
#define SESS_SQL_HIDES							\
	"EXISTS (SELECT 1 FROM user_blocks b WHERE b.user_id = uid)"

/*
 * $1 hash, $2 lifetime (s), $3 the client's address.  One update both
 * slides the expiry (in the last hour of slack) and records the last
 * use for the sessions list (at most once a minute).
 */
static const char sql_session_lookup[] =
	"WITH s AS ("
	"  SELECT s.id, u.id AS uid, u.username, u.role, s.expires_at,"
	"         u.email, " CORE_SQL_TS("u.created_at") " AS created,"
	"         u.display_name, coalesce(u.avatar_sha, '') AS avatar,"
	"         " CORE_SQL_2FA_COLS("u") ","
	"         s.expires_at < now() + make_interval(secs => $2)"
	"             - interval '1 hour' AS renew,"
	"         s.last_seen_at < now() - interval '1 minute' AS seen"
	"    FROM sessions s JOIN users u ON u.id = s.user_id"
	"   WHERE s.token_hash = decode($1, 'hex') AND s.expires_at > now()"
	"     AND NOT u.banned AND NOT user_suspended(u.suspended_until)"
	"), r AS ("
	"  UPDATE sessions SET expires_at = CASE WHEN (SELECT renew FROM s)"
	"         THEN now() + make_interval(secs => $2) ELSE expires_at END,"
	"         last_seen_at = now(), address = $3"
	"   WHERE id = (SELECT id FROM s)"
	"     AND ((SELECT renew FROM s) OR (SELECT seen FROM s))"
	"  RETURNING 1"
	")"
	"SELECT uid, username, role,"
	"       CASE WHEN renew THEN (SELECT count(*) FROM r) ELSE 0 END,"
	"       (extract(epoch FROM expires_at) * 1000)::bigint, email, created,"
	"       notify_unread(uid), display_name, avatar, totp_on,"
	"       require_2fa, " SESS_SQL_HIDES ", user_trust(uid) FROM s";

static const char sql_token_lookup[] =
	"WITH t AS ("
	"  SELECT t.id, u.id AS uid, u.username, u.role, u.email,"
	"         " CORE_SQL_TS("u.created_at") " AS created, t.expires_at,"
	"         u.display_name, coalesce(u.avatar_sha, '') AS avatar,"
	"         " CORE_SQL_2FA_COLS("u")
	"    FROM api_tokens t JOIN users u ON u.id = t.user_id"
	"   WHERE t.token_hash = decode($1, 'hex') AND NOT u.banned"
	"     AND NOT user_suspended(u.suspended_until)"
	"     AND (t.expires_at IS NULL OR t.expires_at > now())"
	"), r AS ("
	"  UPDATE api_tokens SET last_used_at = now()"
	"   WHERE id = (SELECT id FROM t) AND (last_used_at IS NULL OR"
	"         last_used_at < now() - interval '1 minute')"
	"  RETURNING 1"
	")"
	"SELECT uid, username, role, 0,"
	"       coalesce((extract(epoch FROM expires_at) * 1000)::bigint, 0),"
	"       email, created, notify_unread(uid), display_name, avatar,"
	"       totp_on, require_2fa, " SESS_SQL_HIDES ", user_trust(uid)"
	"  FROM t";

/* What both lookups return. */
enum {
	SESS_COL_UID,
	SESS_COL_USERNAME,
	SESS_COL_ROLE,
	SESS_COL_RENEWED,	/* a session's expiry was pushed back */
	SESS_COL_EXPIRES_MS,	/* a session's end (ms since the epoch) */
	SESS_COL_EMAIL,
	SESS_COL_CREATED_AT,
	SESS_COL_UNREAD,	/* notifications not read (the bell) */
	SESS_COL_DISPLAY_NAME,
	SESS_COL_AVATAR,	/* sha256 of the uploaded avatar, or '' */
	SESS_COL_TOTP,		/* two-factor sign-in is on */
	SESS_COL_REQUIRE_2FA,	/* the site requires it of admins */
	SESS_COL_HIDES,		/* blocked or muted someone */
	SESS_COL_TRUST		/* user_trust(), sql/026 */
};

static const char sql_session_create[] =
	"WITH d AS ("
	"  DELETE FROM sessions WHERE token_hash = decode($3, 'hex')"
	"      OR (user_id = $1 AND expires_at < now())"
	")"
	"INSERT INTO sessions (user_id, token_hash, expires_at, address,"
	"    user_agent)"
	"  VALUES ($1, decode($2, 'hex'), now() + make_interval(secs => $4),"
	"    $5, $6)";

static const char sql_session_delete[] =
	"DELETE FROM sessions WHERE token_hash = decode($1, 'hex')";

static int	session_credential(struct http_request *, struct core_ctx *);
static void	session_done(struct http_request *, struct core_ctx *);
static void	session_resolved(struct core_ctx *);
static const char *session_agent(struct http_request *, char *, size_t);

/*
 * Resolve the user of this request into ctx->user.  A bad bearer token is
 * an error (401); a bad or expired session cookie just makes the request
 * anonymous and clears the cookie.  A credential resolved within the
 * last moments comes from the worker's cache (credcache.c) without a
 * statement; a session's sliding renewal then waits for the next lookup,
 * which is due within the cache's age anyway.
 */
int
core_session_load(struct http_request *req, struct core_ctx *ctx)
{
	const char	*params[3];
	char		 hex[CORE_HASH_HEX], ttl[16];
	int		 rc;

	if (ctx->sess.state == 0 && ctx->auth == CORE_AUTH_NONE) {
		if ((rc = session_credential(req, ctx)) != CORE_OK)
			return (rc);
		if (ctx->auth != CORE_AUTH_NONE &&
		    core_credcache_get(ctx->auth, ctx->cred_hash, &ctx->user)) {
			session_done(req, ctx);
			return (CORE_OK);
		}
		ctx->cred_gen = core_credcache_generation();
	}

	if (ctx->auth == CORE_AUTH_NONE) {
		session_done(req, ctx);
		return (CORE_OK);
	}

	core_hex(ctx->cred_hash, sizeof(ctx->cred_hash), hex);
	(void)snprintf(ttl, sizeof(ttl), "%d", core_cfg.session_ttl);
	params[0] = hex;
	params[1] = ttl;
	params[2] = ctx->addr;

	if (ctx->auth == CORE_AUTH_BEARER)
		rc = core_db_run_prepared(req, &ctx->sess, sql_token_lookup, 1,
		    params);
	else
		rc = core_db_run_prepared(req, &ctx->sess, sql_session_lookup,
		    3, params);
	if (rc != CORE_OK)
		return (rc);

	if (core_db_rows(&ctx->sess) != 1) {
		core_credcache_drop(ctx->auth, ctx->cred_hash);
		if (ctx->auth == CORE_AUTH_BEARER) {
			ctx->auth = CORE_AUTH_NONE;
			ctx->loaded = 1;
			return (core_problem(req, 401, "Invalid token",
			    "The bearer token is unknown or was revoked.",
			    NULL));
		}
		core_session_cookie(req, "", 0);
		ctx->auth = CORE_AUTH_NONE;
		session_done(req, ctx);
		return (CORE_OK);
	}

	ctx->user.id = core_db_int(&ctx->sess, 0, SESS_COL_UID);
	kore_strlcpy(ctx->user.username, core_db_value(&ctx->sess, 0,
	    SESS_COL_USERNAME), sizeof(ctx->user.username));
	ctx->user.role = !strcmp(core_db_value(&ctx->sess, 0,
	    SESS_COL_ROLE), "admin") ? CORE_ROLE_ADMIN : CORE_ROLE_USER;
	kore_strlcpy(ctx->user.email, core_db_value(&ctx->sess, 0,
	    SESS_COL_EMAIL), sizeof(ctx->user.email));
	kore_strlcpy(ctx->user.created_at, core_db_value(&ctx->sess, 0,
	    SESS_COL_CREATED_AT), sizeof(ctx->user.created_at));
	ctx->user.unread = core_db_int(&ctx->sess, 0, SESS_COL_UNREAD);
	kore_strlcpy(ctx->user.display_name, core_db_value(&ctx->sess, 0,
	    SESS_COL_DISPLAY_NAME), sizeof(ctx->user.display_name));
	kore_strlcpy(ctx->user.avatar, core_db_value(&ctx->sess, 0,
	    SESS_COL_AVATAR), sizeof(ctx->user.avatar));
	ctx->user.totp = core_db_bool(&ctx->sess, 0, SESS_COL_TOTP);
	ctx->user.require_2fa = core_cfg.require_2fa_admins ||
	    core_db_bool(&ctx->sess, 0, SESS_COL_REQUIRE_2FA);
	ctx->user.hides = core_db_bool(&ctx->sess, 0, SESS_COL_HIDES);
	kore_strlcpy(ctx->user.trust, core_db_value(&ctx->sess, 0,
	    SESS_COL_TRUST), sizeof(ctx->user.trust));

	if (ctx->auth == CORE_AUTH_COOKIE && core_db_int(&ctx->sess, 0,
	    SESS_COL_RENEWED) > 0)
		core_session_cookie(req, NULL, core_cfg.session_ttl);

	session_resolved(ctx);
	session_done(req, ctx);
	return (CORE_OK);
}

/* What the lookup in ctx->sess found goes into the cache. */
static void
session_resolved(struct core_ctx *ctx)
{
	int64_t		expires;

	expires = core_db_int(&ctx->sess, 0, SESS_COL_EXPIRES_MS);
	core_credcache_put(ctx->auth, ctx->cred_hash, &ctx->user,
	    expires > 0 ? (u_int64_t)expires : 0, ctx->cred_gen);
}

/*
 * Send the session cookie.  `value` NULL re-sends the current cookie with
 * a fresh lifetime; maxage 0 deletes it.  Written by hand: Kore's helper
 * adds Domain and cannot do SameSite or deletion.
 */
void
core_session_cookie(struct http_request *req, const char *value, int maxage)
{
	char		 hdr[256];
	char		*cur;
	int		 len;

	if (value == NULL) {
		if (!http_request_cookie(req, CORE_SESSION_COOKIE, &cur))
			return;
		value = cur;
	}

	len = snprintf(hdr, sizeof(hdr),
	    "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s",
	    CORE_SESSION_COOKIE, value, maxage,
	    core_cfg.cookie_secure ? "; Secure" : "");
	if (len < 0 || (size_t)len >= sizeof(hdr))
		return;

	http_response_header(req, "set-cookie", hdr);
}

/*
 * Sign `uid` in with a brand-new session (the old one, if any, is
 * deleted: no session fixation).  Sets the cookie and switches the
 * request's CSRF token to the new session.
 */
int
core_session_start(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t uid)
{
	const char	*params[6];
	struct core_num	 id, ttl;
	char		 hex[CORE_HASH_HEX], old[CORE_HASH_HEX];
	char		 agent[CORE_AGENT_MAX + 1];
	int		 rc;

	if (ctx->new_token[0] == '\0')
		core_token_new(ctx->new_token, ctx->new_hash);

	core_hex(ctx->new_hash, sizeof(ctx->new_hash), hex);
	core_hex(ctx->cred_hash, sizeof(ctx->cred_hash), old);

	params[0] = core_num(&id, uid);
	params[1] = hex;
	params[2] = (ctx->auth == CORE_AUTH_COOKIE) ? old : NULL;
	params[3] = core_num(&ttl, core_cfg.session_ttl);
	params[4] = ctx->addr;
	params[5] = session_agent(req, agent, sizeof(agent));

	if ((rc = core_db_run(req, db, sql_session_create, 6, params)) !=
	    CORE_OK)
		return (rc);

	if (core_db_sqlstate(db)[0] != '\0')
		return (core_error(req, 500, NULL));
	if (ctx->auth == CORE_AUTH_COOKIE)
		core_revoke_credential(old);

	core_session_cookie(req, ctx->new_token, core_cfg.session_ttl);
	memcpy(ctx->cred_hash, ctx->new_hash, sizeof(ctx->cred_hash));
	ctx->auth = CORE_AUTH_COOKIE;
	ctx->user.id = uid;
	ctx->csrf[0] = '\0';

	return (CORE_OK);
}

/*
 * Delete the request's web session and its cookie, and close what the
 * session opened (core_revoke_credential).
 */
int
core_session_end(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db)
{
	const char	*params[1];
	char		 hex[CORE_HASH_HEX];
	int		 rc;

	if (ctx->auth == CORE_AUTH_COOKIE) {
		core_hex(ctx->cred_hash, sizeof(ctx->cred_hash), hex);
		params[0] = hex;
		if ((rc = core_db_run(req, db, sql_session_delete, 1,
		    params)) != CORE_OK)
			return (rc);
		core_revoke_credential(hex);
	}

	core_session_cookie(req, "", 0);
	ctx->auth = CORE_AUTH_NONE;
	memset(&ctx->user, 0, sizeof(ctx->user));

	return (CORE_OK);
}

/*
 * Find the credential: "Authorization: Bearer <hex>" first, then the
 * session cookie.  Fills ctx->auth and ctx->cred_hash.
 */
static int
session_credential(struct http_request *req, struct core_ctx *ctx)
{
	const char	*auth;
	char		*cookie;

	if (http_request_header(req, "authorization", &auth)) {
		if (strncasecmp(auth, "Bearer ", 7) ||
		    core_token_hash(auth + 7, ctx->cred_hash) == -1) {
			ctx->loaded = 1;
			return (core_problem(req, 401, "Invalid token",
			    "Use 'Authorization: Bearer <token>'.", NULL));
		}
		ctx->auth = CORE_AUTH_BEARER;
		return (CORE_OK);
	}

	http_populate_cookies(req);
	if (!http_request_cookie(req, CORE_SESSION_COOKIE, &cookie))
		return (CORE_OK);

	if (core_token_hash(cookie, ctx->cred_hash) == -1) {
		core_session_cookie(req, "", 0);
		return (CORE_OK);
	}

	ctx->auth = CORE_AUTH_COOKIE;
	return (CORE_OK);
}

static void
session_done(struct http_request *req, struct core_ctx *ctx)
{
	ctx->loaded = 1;
}

/*
 * The User-Agent for the sessions list: printable ASCII only (anything
 * else becomes '?', so the text is always valid), at most `len` - 1
 * bytes.  Returns `out`.
 */
static const char *
session_agent(struct http_request *req, char *out, size_t len)
{
	const char	*ua;
	size_t		 i;

	out[0] = '\0';
	if (!http_request_header(req, "user-agent", &ua))
		return (out);
	for (i = 0; ua[i] != '\0' && i < len - 1; i++)
		out[i] = (ua[i] >= 0x20 && ua[i] < 0x7f) ? ua[i] : '?';
	out[i] = '\0';
	return (out);
}
