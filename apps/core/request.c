/*
 * The per-request context every handler starts with.
 *
 * core_begin() creates it on the first call (request id, start time),
 * resolves who is asking (session cookie or bearer token, asynchronously)
 * and from then on hands back the same context on every wake-up.
 */

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/core.h"

static void	ctx_free(struct http_request *);
static void	ctx_request_id(struct http_request *, struct core_ctx *);

/*
 * Start or resume a request.  On CORE_OK *out is the context with the
 * user resolved (id 0 when anonymous).  CORE_WAIT and CORE_DONE are to be
 * passed to core_yield() by the handler.
 */
int
core_begin(struct http_request *req, struct core_ctx **out)
{
	struct core_ctx		*ctx;

	if ((ctx = http_state_get(req)) == NULL) {
		core_request_guard(req);
		ctx = http_state_create(req, sizeof(*ctx), ctx_free);
		ctx->start = kore_time_ms();
		ctx_request_id(req, ctx);
		/* For the log line: the connection may be gone by then. */
		(void)kore_strlcpy(ctx->addr, core_client_ip(req),
		    sizeof(ctx->addr));
		core_metrics_inflight(1);
	}

	*out = ctx;
	if (ctx->loaded)
		return (CORE_OK);

	return (core_session_load(req, ctx));
}

/*
 * What every request the site answers goes through first.
 *
 * Kore reads a body only for POST, PUT and PATCH, and only by its
 * Content-Length.  Whatever else a request carries (a body on a GET or
 * a DELETE, Transfer-Encoding) stays in the stream and would be parsed
 * as the next request on the connection, which behind a proxy's
 * keep-alive pool may be somebody else's: such a connection is closed
 * once this request is answered.
 */
void
core_request_guard(struct http_request *req)
{
	const char	*v;
	int		 body;

	if (req->owner == NULL)
		return;

	core_spread_check();

	/* Every response: pages, JSON, errors, redirects, media, assets. */
	http_response_header(req, "x-content-type-options", "nosniff");

	body = req->method == HTTP_METHOD_POST ||
	    req->method == HTTP_METHOD_PUT || req->method == HTTP_METHOD_PATCH;
	if (http_request_header(req, "transfer-encoding", &v) ||
	    (!body && http_request_header(req, "content-length", &v) &&
	    strcmp(v, "0")))
		req->owner->flags |= CONN_CLOSE_EMPTY;
}

/* Map a step's outcome to what a Kore handler returns. */
int
core_yield(int rc)
{
	if (rc == CORE_WAIT)
		return (KORE_RESULT_RETRY);

	return (KORE_RESULT_OK);
}

/*
 * The client's address.  X-Forwarded-For is believed only when the peer
 * is the configured trusted proxy (nginx), and then only its last hop.
 */
const char *
core_client_ip(struct http_request *req)
{
	static char	 addr[INET6_ADDRSTRLEN];
	const char	*xff, *last;
	struct connection *c = req->owner;

	addr[0] = '\0';
	if (c->family == AF_INET)
		inet_ntop(AF_INET, &c->addr.ipv4.sin_addr, addr, sizeof(addr));
	else if (c->family == AF_INET6)
		inet_ntop(AF_INET6, &c->addr.ipv6.sin6_addr, addr,
		    sizeof(addr));

	if (core_cfg.trusted_proxy == NULL ||
	    strcmp(addr, core_cfg.trusted_proxy) ||
	    !http_request_header(req, "x-forwarded-for", &xff))
		return (addr);

	last = strrchr(xff, ',');
	last = (last != NULL) ? last + 1 : xff;
	while (*last == ' ')
		last++;
	if (strlen(last) > 0 && strlen(last) < sizeof(addr))
		kore_strlcpy(addr, last, sizeof(addr));

	return (addr);
}

/*
 * Parse the numeric id that follows `prefix` in the request path, e.g.
 * core_path_id(req, "/api/v1/tokens/", &id, &rest).  `rest` points at
 * what follows the digits ("" or "/ban").  Returns 0, or -1 when there is
 * no valid positive id there.
 */
int
core_path_id(struct http_request *req, const char *prefix, int64_t *id,
    const char **rest)
{
	const char	*p;
	char		 num[21];
	size_t		 len, plen;
	int		 err;

	plen = strlen(prefix);
	if (strncmp(req->path, prefix, plen))
		return (-1);

	p = req->path + plen;
	for (len = 0; isdigit((unsigned char)p[len]); len++)
		;
	if (len == 0 || len >= sizeof(num))
		return (-1);

	memcpy(num, p, len);
	num[len] = '\0';
	*id = kore_strtonum(num, 10, 1, INT64_MAX, &err);
	if (err != KORE_RESULT_OK)
		return (-1);

	if (rest != NULL)
		*rest = p + len;

	return (0);
}

/*
 * Kore's free hook.  It runs when the request ends, and also when its
 * connection went away first (req->owner is NULL then): nothing here may
 * touch the connection.
 */
static void
ctx_free(struct http_request *req)
{
	struct core_ctx		*ctx = http_state_get(req);
	int			 i;

	core_log_request(req, ctx);
	core_metrics_inflight(-1);
	core_metrics_request(req->path, req->status,
	    kore_time_ms() - ctx->start);

	core_db_cleanup(&ctx->sess);
	for (i = 0; i < CORE_DB_SLOTS; i++)
		core_db_cleanup(&ctx->db[i]);

	core_password_release(ctx);

	if (ctx->body != NULL)
		json_decref(ctx->body);

	if (ctx->form != NULL && ctx->form_free != NULL)
		ctx->form_free(ctx->form);

	if (ctx->app != NULL && ctx->app_free != NULL)
		ctx->app_free(ctx->app);

	sodium_memzero(&ctx->pw, sizeof(ctx->pw));
	sodium_memzero(ctx->new_token, sizeof(ctx->new_token));
	http_state_cleanup(req);
}

/*
 * Take the caller's X-Request-Id when it is short and plain, otherwise
 * make one, and echo it in the response so logs can be joined up.
 */
static void
ctx_request_id(struct http_request *req, struct core_ctx *ctx)
{
	const char	*v, *p;
	u_int8_t	 raw[12];

	if (http_request_header(req, "x-request-id", &v) &&
	    strlen(v) >= 8 && strlen(v) < sizeof(ctx->request_id)) {
		for (p = v; *p != '\0'; p++) {
			if (!isalnum((unsigned char)*p) && *p != '-' &&
			    *p != '_' && *p != '.')
				break;
		}
		if (*p == '\0') {
			kore_strlcpy(ctx->request_id, v,
			    sizeof(ctx->request_id));
			goto done;
		}
	}

	randombytes_buf(raw, sizeof(raw));
	core_hex(raw, sizeof(raw), ctx->request_id);
done:
	http_response_header(req, "x-request-id", ctx->request_id);
}

static const char sql_user_known[] =
	"SELECT 1 FROM users WHERE username = $1 AND id > 0";

/*
 * For pages named after a user (/blog/u/NAME, /photos/u/NAME): CORE_OK
 * when `username` has an account, else CORE_DONE after a 404 (or
 * CORE_WAIT while asking), using statement slot `db`.
 */
int
core_user_known(struct http_request *req, struct core_db *db,
    const char *username)
{
	const char	*params[1];
	int		 rc;

	params[0] = username;
	if ((rc = core_db_run(req, db, sql_user_known, 1, params)) != CORE_OK)
		return (rc);
	if (core_db_rows(db) == 0)
		return (core_error(req, 404, "No such user."));

	return (CORE_OK);
}
