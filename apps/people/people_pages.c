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

/*
 * The username in `path` from offset `off` to the next '/', copied into
 * `buf`; NULL when there is none (the routes admit only [a-z0-9_]{1,32}).
 */
const char *
people_path_name(const char *path, size_t off, char *buf, size_t len)
{
	const char	*p, *end;
	size_t		 n;

	if (strlen(path) < off)
		return (NULL);
	p = path + off;
	if ((end = strchr(p, '/')) == NULL)
		end = p + strlen(p);
	n = (size_t)(end - p);
	if (n == 0 || n >= len)
		return (NULL);
	memcpy(buf, p, n);
	buf[n] = '\0';

	return (buf);
}
