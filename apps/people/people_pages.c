/*
 * /u/{username}: a person's profile page.
 */

#include <string.h>

#include "people/people.h"

CORE_HANDLER(people_profile_page)
{
	struct people_profile	 pr;
	struct kore_buf		*buf;
	const char		*name;

	name = req->path + strlen("/u/");
	CORE_TRY(people_profile_load(req, ctx, name, 0, &pr));

	buf = core_page_open(req, core_db_value(pr.user, 0,
	    PROFILE_USERNAME));
	people_render_profile(req, buf, ctx, &pr);

	return (core_page_close(req, 200, buf));
}
