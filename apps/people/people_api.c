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
	    req->path + strlen("/api/v1/users/"), 1, &pr));

	return (core_json_send(req, 200, json_pack("{s:o}", "user",
	    people_json_profile(&pr))));
}

/*
 * GET /api/v1/me/profile: the caller's own profile fields; PATCH sets
 * those given (display_name, bio, website), 422 naming each refused.
 */
CORE_HANDLER_NEED(people_api_me_profile, CORE_NEED_USER)
{
	struct people_fields	 f;
	json_t			*body, *errors;
	const char		*keys[3] = { "display_name", "bio", "website" };
	const char		**vals[3];
	json_t			*v;
	int			 i;

	if (req->method != HTTP_METHOD_PATCH) {
		CORE_TRY(people_me_load(req, ctx, &ctx->db[0]));
		return (core_json_send(req, 200, json_pack("{s:o}", "user",
		    people_json_me(&ctx->db[0]))));
	}

	CORE_TRY(core_csrf_check(req, ctx));
	CORE_TRY(core_json_body(req, ctx, &body));

	memset(&f, 0, sizeof(f));
	vals[0] = &f.display_name;
	vals[1] = &f.bio;
	vals[2] = &f.website;
	errors = NULL;
	for (i = 0; i < 3; i++) {
		if ((v = json_object_get(body, keys[i])) == NULL)
			continue;
		if (!json_is_string(v)) {
			if (errors == NULL)
				errors = json_object();
			json_object_set_new(errors, keys[i],
			    json_string("A string."));
			continue;
		}
		*vals[i] = json_string_value(v);
	}
	if (errors == NULL)
		CORE_TRY(people_profile_save(req, ctx, &ctx->db[0], &f,
		    &errors));
	if (errors != NULL)
		return (core_problem(req, 422, "Invalid input",
		    "Some fields were refused; nothing was saved.", errors));

	return (core_json_send(req, 200, json_pack("{s:o}", "user",
	    people_json_me(&ctx->db[0]))));
}

/*
 * POST /api/v1/me/password {current_password, new_password,
 * keep_tokens}: 200 {"revoked": N}, or 403, 422, 429 as problem+json.
 */
CORE_HANDLER_NEED(people_api_me_password, CORE_NEED_USER)
{
	json_t		*body, *errors, *keep;
	char		 retry[16];
	int		 status;

	CORE_TRY(core_csrf_check(req, ctx));
	CORE_TRY(core_json_body(req, ctx, &body));

	keep = json_object_get(body, "keep_tokens");
	if (keep != NULL && !json_is_boolean(keep))
		return (core_problem(req, 422, "Invalid input",
		    "keep_tokens is true or false.", json_pack("{s:s}",
		    "keep_tokens", "true or false.")));
	CORE_TRY(people_password_change(req, ctx,
	    core_json_str(body, "current_password"),
	    core_json_str(body, "new_password"), json_is_true(keep), &status,
	    &errors));

	switch (status) {
	case 200:
		return (core_json_send(req, 200, json_pack("{s:I}", "revoked",
		    (json_int_t)core_db_rows(&ctx->db[1]))));
	case 429:
		(void)snprintf(retry, sizeof(retry), "%d", ctx->retry_after);
		http_response_header(req, "retry-after", retry);
		return (core_problem(req, 429, "Too many attempts",
		    "Too many wrong passwords. Wait and try again.", errors));
	case 403:
		return (core_problem(req, 403, "Wrong password",
		    "That is not your current password.", errors));
	default:
		return (core_problem(req, 422, "Invalid input",
		    "Some fields were refused.", errors));
	}
}
