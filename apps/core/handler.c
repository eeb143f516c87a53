/*
 * The one way a handler starts: CORE_HANDLER (core.h) declares the Kore
 * entry point, which runs core_handle(); the body it wraps returns
 * CORE_* like every other step.
 *
 * What a route needs of its caller is judged first (a verdict, no
 * response) and answered in one place, need_answer().
 */

#include "core/core.h"

/* Why a request may not go on (need_check). */
enum need_verdict {
	NEED_MET,
	NEED_SIGN_IN,		/* anonymous, a user is needed */
	NEED_ADMIN,		/* signed in, not an administrator */
	NEED_ADMIN_2FA,		/* an admin without the required 2FA */
	NEED_FORM_SIZE,		/* the form body is too large */
	NEED_CSRF_TOKEN		/* no valid CSRF token */
};

static enum need_verdict	need_check(struct http_request *,
				    struct core_ctx *, int);
static int			need_answer(struct http_request *,
				    enum need_verdict);

/*
 * Begin or resume the request, check what the route needs (a user, an
 * admin, a CSRF token), run the body and map its outcome to Kore's.
 */
int
core_handle(struct http_request *req, int need,
    int (*body)(struct http_request *, struct core_ctx *))
{
	struct core_ctx		*ctx;
	int			 rc;

	if ((rc = core_begin(req, &ctx)) == CORE_OK)
		rc = core_need(req, ctx, need);
	if (rc == CORE_OK)
		rc = body(req, ctx);

	return (core_yield(rc));
}

/*
 * Start a request that changes something: a signed-in user (an admin with
 * CORE_NEED_ADMIN) and a valid CSRF token.
 */
int
core_begin_change(struct http_request *req, struct core_ctx **out, int need)
{
	int		rc;

	if ((rc = core_begin(req, out)) != CORE_OK)
		return (rc);

	return (core_need(req, *out, need | CORE_NEED_CSRF));
}

/*
 * What a route needs of its caller, CORE_NEED_* or'ed together: a
 * signed-in user, an administrator, a valid CSRF token.  Returns CORE_OK,
 * or CORE_DONE after answering: anonymous visitors get 401 on the API and
 * a redirect to the login page otherwise, signed-in non-admins 403, a
 * missing or wrong CSRF token 403 (an oversized form 413).
 */
int
core_need(struct http_request *req, struct core_ctx *ctx, int need)
{
	return (need_answer(req, need_check(req, ctx, need)));
}

/* core_need(CORE_NEED_USER). */
int
core_require_user(struct http_request *req, struct core_ctx *ctx)
{
	return (core_need(req, ctx, CORE_NEED_USER));
}

/* core_need(CORE_NEED_ADMIN), the gate of the admin area. */
int
core_require_admin(struct http_request *req, struct core_ctx *ctx)
{
	return (core_need(req, ctx, CORE_NEED_ADMIN));
}

/*
 * core_need(CORE_NEED_CSRF): loads a form body first (core_form_load),
 * for the handler too.
 */
int
core_csrf_check(struct http_request *req, struct core_ctx *ctx)
{
	return (core_need(req, ctx, CORE_NEED_CSRF));
}

/*
 * Parse the request's form body once (core_form_read).  Returns CORE_OK,
 * or CORE_DONE after answering 413 for a body over 1 MiB.
 */
int
core_form_load(struct http_request *req, struct core_ctx *ctx)
{
	if (core_form_read(req, ctx) == -1)
		return (need_answer(req, NEED_FORM_SIZE));

	return (CORE_OK);
}

static enum need_verdict
need_check(struct http_request *req, struct core_ctx *ctx, int need)
{
	if ((need & (CORE_NEED_USER | CORE_NEED_ADMIN)) && ctx->user.id == 0)
		return (NEED_SIGN_IN);
	if ((need & CORE_NEED_ADMIN) && ctx->user.role != CORE_ROLE_ADMIN)
		return (NEED_ADMIN);
	if ((need & CORE_NEED_ADMIN) && ctx->user.require_2fa &&
	    !ctx->user.totp)
		return (NEED_ADMIN_2FA);

	if ((need & CORE_NEED_CSRF) && ctx->auth != CORE_AUTH_BEARER) {
		/* Read here, so the fields are there for the handler. */
		if (core_form_read(req, ctx) == -1)
			return (NEED_FORM_SIZE);
		if (!core_csrf_valid(req, ctx))
			return (NEED_CSRF_TOKEN);
	}

	return (NEED_MET);
}

/* The answer to a request that may not go on.  CORE_DONE, or CORE_OK. */
static int
need_answer(struct http_request *req, enum need_verdict verdict)
{
	struct kore_buf		 buf;
	char			*loc;

	switch (verdict) {
	case NEED_MET:
		return (CORE_OK);
	case NEED_SIGN_IN:
		if (core_is_api(req))
			return (core_problem(req, 401,
			    "Authentication required",
			    "Send a bearer token or a session cookie.", NULL));
		kore_buf_init(&buf, 128);
		kore_buf_appendf(&buf, "/login?next=");
		core_url_escape(&buf, req->path);
		loc = kore_buf_stringify(&buf, NULL);
		core_redirect(req, loc);
		kore_buf_cleanup(&buf);
		return (CORE_DONE);
	case NEED_ADMIN:
		return (core_error(req, 403,
		    "This area is for administrators."));
	case NEED_ADMIN_2FA:
		if (core_is_api(req))
			return (core_problem(req, 403,
			    "Two-factor sign-in required", "Admins must have "
			    "two-factor sign-in on to use the admin area: set "
			    "it up on /settings.", NULL));
		core_redirect(req, "/settings?saved=2fa-required#two-factor");
		return (CORE_DONE);
	case NEED_FORM_SIZE:
		return (core_error(req, 413, "The form is too large."));
	case NEED_CSRF_TOKEN:
	default:
		return (core_error(req, 403, "The form has expired or did "
		    "not come from this site. Reload the page and try "
		    "again."));
	}
}
