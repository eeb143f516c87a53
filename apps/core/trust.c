/*
 * What a user's trust level (user_trust(), sql/026) changes in the
 * site's own checks: a new user's items hold at most a few links, and
 * they may write fewer comments, make fewer rooms and send fewer
 * reports.  The level comes with the session lookup (session.c); admins
 * are never new.  (That their photos and comments wait for a moderator
 * is the database's: sql/033.)
 */

#include <string.h>
#include <strings.h>

#include "core/core.h"

static int	links_count(const char *);

/* 1 when the signed-in user of `ctx` is new (their posts wait). */
int
core_trust_new(struct core_ctx *ctx)
{
	return (ctx->user.role != CORE_ROLE_ADMIN &&
	    !strcmp(ctx->user.trust, "new"));
}

/*
 * `max` for a member, a smaller share of it (at least 1) for a new
 * user: the comments, rooms and reports limits of limits.h.
 */
int
core_trust_limit(struct core_ctx *ctx, int max)
{
	if (!core_trust_new(ctx))
		return (max);

	return (max / LIMIT_NEW_DIVISOR > 0 ? max / LIMIT_NEW_DIVISOR : 1);
}

/*
 * CORE_OK when `text` (NULL: nothing) may be posted by the user of
 * `ctx`; for a new user more than LIMIT_NEW_LINKS web addresses answer
 * 422 (problem+json naming `field` in the API) and change nothing.
 */
int
core_trust_links(struct http_request *req, struct core_ctx *ctx,
    const char *field, const char *text)
{
	const char	*why;

	if (text == NULL || !core_trust_new(ctx) ||
	    links_count(text) <= LIMIT_NEW_LINKS)
		return (CORE_OK);

	why = "New accounts can include at most 2 links in one item.";
	if (core_is_api(req))
		return (core_problem(req, 422, "Invalid input", why,
		    json_pack("{s:s}", field, why)));

	return (core_error(req, 422, why));
}

/*
 * CORE_OK when the user of `ctx` may write the comment `body` now (blog
 * and photos alike): its links (core_trust_links) and the comments
 * limit, a third of it for a new user.
 */
int
core_trust_comment(struct http_request *req, struct core_ctx *ctx,
    const char *body)
{
	CORE_TRY(core_trust_links(req, ctx, "body", body));

	return (core_limit_user(req, ctx, "comments",
	    core_trust_limit(ctx, LIMIT_COMMENTS_MAX), LIMIT_COMMENTS_WINDOW,
	    "You have written many comments in the last few minutes. Try "
	    "again later."));
}

/* Web addresses in `s`: each http:// or https://, in any case. */
static int
links_count(const char *s)
{
	int	n;

	for (n = 0; *s != '\0'; s++) {
		if (strncasecmp(s, "http://", 7) == 0 ||
		    strncasecmp(s, "https://", 8) == 0)
			n++;
	}

	return (n);
}
