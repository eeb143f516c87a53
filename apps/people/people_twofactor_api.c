/*
 * Two-factor sign-in through the API, the same steps as /settings/2fa
 * (people_twofactor.c):
 *   GET  /api/v1/me/2fa		its state
 *   POST /api/v1/me/2fa/setup		a new secret: base32, otpauth://, SVG
 *   POST /api/v1/me/2fa/enable		{code}: on, and the recovery codes
 *   POST /api/v1/me/2fa/disable	{password, code}: off
 */

#include <stdio.h>
#include <stdlib.h>

#include <sodium.h>

#include "people/people.h"
#include "totp.h"

static json_t	*state_json(struct core_db *);

/* GET /api/v1/me/2fa */
CORE_HANDLER_NEED(people_api_2fa, CORE_NEED_USER)
{
	CORE_TRY(people_2fa_load(req, ctx, &ctx->db[0]));
	return (core_json_send(req, 200, state_json(&ctx->db[0])));
}

/* POST /api/v1/me/2fa/setup: 409 while it is on. */
CORE_HANDLER_NEED(people_api_2fa_setup, CORE_NEED_USER)
{
	char		 b32[AGORA_TOTP_B32_LEN], uri[PEOPLE_2FA_URI_MAX];
	char		*svg;
	json_t		*out;
	int		 made;

	CORE_TRY(core_csrf_check(req, ctx));
	CORE_TRY(people_2fa_setup_run(req, ctx, &made));
	if (!made)
		return (core_problem(req, 409, "Already on", "Two-factor "
		    "sign-in is on; turn it off before setting it up again.",
		    NULL));
	CORE_TRY(people_2fa_load(req, ctx, &ctx->db[1]));
	if (core_db_rows(&ctx->db[1]) != 1 ||
	    people_2fa_setup_key(ctx, &ctx->db[1], b32, uri) == -1)
		return (core_error(req, 500, NULL));

	ctx->no_store = 1;
	svg = agora_qr_svg(uri);
	out = json_pack("{s:b, s:s, s:s, s:s?}", "enabled", 0, "secret", b32,
	    "otpauth_uri", uri, "qr_svg", svg);
	free(svg);
	sodium_memzero(b32, sizeof(b32));
	sodium_memzero(uri, sizeof(uri));

	return (core_json_send(req, 200, out));
}

/* POST /api/v1/me/2fa/enable {code} */
CORE_HANDLER_NEED(people_api_2fa_enable, CORE_NEED_USER)
{
	char		(*codes)[CORE_RECOVERY_LEN + 1];
	json_t		*body, *list;
	size_t		 i;
	int		 status;

	CORE_TRY(core_csrf_check(req, ctx));
	CORE_TRY(core_json_body(req, ctx, &body));
	CORE_TRY(people_2fa_enable_run(req, ctx, core_json_str(body, "code"),
	    &status, &codes));
	if (status == 409)
		return (core_problem(req, 409, "Nothing to turn on", "Start "
		    "with POST /api/v1/me/2fa/setup; two-factor sign-in is "
		    "either on already or not being set up.", NULL));
	if (status == 422)
		return (core_problem(req, 422, "Invalid input", "That code is "
		    "not right: send the 6-digit code the app shows now.",
		    json_pack("{s:s}", "code", "Not the current code.")));

	list = json_array();
	for (i = 0; i < CORE_RECOVERY_CODES; i++)
		json_array_append_new(list, json_string(codes[i]));
	ctx->no_store = 1;

	return (core_json_send(req, 200, json_pack("{s:b, s:o}", "enabled", 1,
	    "recovery_codes", list)));
}

/* POST /api/v1/me/2fa/disable {password, code} */
CORE_HANDLER_NEED(people_api_2fa_disable, CORE_NEED_USER)
{
	json_t		*body;
	const char	*why;
	char		 retry[16];
	int		 status;

	CORE_TRY(core_csrf_check(req, ctx));
	CORE_TRY(core_json_body(req, ctx, &body));
	CORE_TRY(people_2fa_disable_run(req, ctx,
	    core_json_str(body, "password"), core_json_str(body, "code"),
	    &status, &why));
	switch (status) {
	case 200:
		return (core_json_send(req, 200, json_pack("{s:b}",
		    "enabled", 0)));
	case 409:
		return (core_problem(req, 409, "Not on",
		    "Two-factor sign-in is not on.", NULL));
	case 422:
		return (core_problem(req, 422, "Invalid input", "Send your "
		    "password and a code (or a recovery code).", json_pack(
		    "{s:s, s:s}", "password", "Required.", "code",
		    "Required.")));
	case 429:
		(void)snprintf(retry, sizeof(retry), "%d", ctx->retry_after);
		http_response_header(req, "retry-after", retry);
		return (core_problem(req, 429, "Too many attempts", "Too many "
		    "wrong attempts. Wait and try again.", NULL));
	default:
		return (core_problem(req, 403, "Refused", why, NULL));
	}
}

/* The state in `st` (people_2fa_load): on, since, codes left. */
static json_t *
state_json(struct core_db *st)
{
	int	on;

	on = core_db_rows(st) == 1 &&
	    core_db_bool(st, 0, PEOPLE_2FA_ENABLED);
	if (!on)
		return (json_pack("{s:b, s:b, s:n, s:n}", "enabled", 0,
		    "setting_up", core_db_rows(st) == 1, "since",
		    "recovery_codes_left"));

	return (json_pack("{s:b, s:b, s:s, s:I}", "enabled", 1, "setting_up",
	    0, "since", core_db_value(st, 0, PEOPLE_2FA_SINCE),
	    "recovery_codes_left",
	    (json_int_t)core_db_int(st, 0, PEOPLE_2FA_CODES_LEFT)));
}
