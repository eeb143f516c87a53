/*
 * Cross-site request forgery tokens.
 *
 * A signed-in browser's token is derived from its session (a keyed hash
 * of the session's hash under the site secret), so it changes with every
 * new session and needs no storage.  Anonymous visitors (the login and
 * register forms) get a random agora_csrf cookie and a token derived from
 * it.  Bearer-token API calls are not exposed to CSRF and skip the check.
 */

#include <stdio.h>
#include <string.h>

#include "core/core.h"

static void	csrf_cookie(struct http_request *, const char *);

/*
 * Compute ctx->csrf for this client when a form needs it; issue the
 * anonymous cookie if the visitor has none yet.  Pages without forms never
 * pay for this.
 */
void
core_csrf_prepare(struct http_request *req, struct core_ctx *ctx)
{
	char		*cookie;
	char		 fresh[CORE_TOKEN_HEX];
	u_int8_t	 unused[CORE_HASH_BYTES];

	if (ctx->csrf[0] != '\0')
		return;

	if (ctx->auth == CORE_AUTH_COOKIE) {
		core_keyed_hash(core_cfg.secret, "csrf:session:",
		    ctx->cred_hash, sizeof(ctx->cred_hash), ctx->csrf);
		return;
	}

	if (ctx->auth == CORE_AUTH_BEARER) {
		ctx->csrf[0] = '\0';
		return;
	}

	/* Cookies were parsed by core_session_load(). */
	if (http_request_cookie(req, CORE_CSRF_COOKIE, &cookie) &&
	    strlen(cookie) == CORE_TOKEN_BYTES * 2) {
		core_keyed_hash(core_cfg.secret, "csrf:anon:", cookie,
		    strlen(cookie), ctx->csrf);
		return;
	}

	core_token_new(fresh, unused);
	csrf_cookie(req, fresh);
	core_keyed_hash(core_cfg.secret, "csrf:anon:", fresh, strlen(fresh),
	    ctx->csrf);
}

/*
 * Whether a state-changing request carries this client's token: the
 * X-CSRF-Token header (JavaScript and cookie-authenticated API calls),
 * or else the _csrf field of a form already loaded (core_form_load).
 * Bearer-token calls always pass.  Answers nothing: 1 valid, 0 not.
 */
int
core_csrf_valid(struct http_request *req, struct core_ctx *ctx)
{
	const char	*sent;

	if (ctx->auth == CORE_AUTH_BEARER)
		return (1);

	core_csrf_prepare(req, ctx);
	if (!http_request_header(req, CORE_CSRF_HEADER, &sent))
		sent = core_form_get(req, CORE_CSRF_FIELD);

	return (core_token_equal(sent, ctx->csrf));
}

static void
csrf_cookie(struct http_request *req, const char *value)
{
	char		hdr[200];
	int		len;

	len = snprintf(hdr, sizeof(hdr),
	    "%s=%s; Path=/; HttpOnly; SameSite=Lax%s", CORE_CSRF_COOKIE, value,
	    core_cfg.cookie_secure ? "; Secure" : "");
	if (len > 0 && (size_t)len < sizeof(hdr))
		http_response_header(req, "set-cookie", hdr);
}
