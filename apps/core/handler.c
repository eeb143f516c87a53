/*
 * The one way a handler starts: CORE_HANDLER (core.h) declares the Kore
 * entry point, which runs core_handle(); the body it wraps returns
 * CORE_* like every other step.
 */

#include "core/core.h"

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
 * What a route needs of its caller, CORE_NEED_* or'ed together: a
 * signed-in user, an administrator, a valid CSRF token.
 */
int
core_need(struct http_request *req, struct core_ctx *ctx, int need)
{
	int		rc;

	rc = CORE_OK;
	if (need & CORE_NEED_ADMIN)
		rc = core_require_admin(req, ctx);
	else if (need & CORE_NEED_USER)
		rc = core_require_user(req, ctx);
	if (rc == CORE_OK && (need & CORE_NEED_CSRF))
		rc = core_csrf_check(req, ctx);

	return (rc);
}
