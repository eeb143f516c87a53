/*
 * The people API: GET /api/v1/users/{username} (or the older
 * /api/v1/users/{id}), a profile as the caller may see it.
 */

#include <string.h>

#include "people/people.h"

CORE_HANDLER(people_api_user)
{
	struct people_profile	 pr;

	CORE_TRY(people_profile_load(req, ctx,
	    req->path + strlen("/api/v1/users/"), &pr));

	return (core_json_send(req, 200, json_pack("{s:o}", "user",
	    people_json_profile(&pr))));
}
