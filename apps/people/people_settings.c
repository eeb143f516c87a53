/*
 * /settings: the signed-in user's profile fields, email address and
 * password (the address's forms: people_email.c).  Each
 * form posts to its own address and comes back to /settings with what
 * was done, or shows the page again (422, 403, 429) with the fields
 * kept and the problem beside them.
 */

#include <string.h>

#include "people/people.h"

static int	settings_render(struct http_request *, struct core_ctx *,
		    int, struct people_fields *, json_t *, const char *,
		    const char *, const char *);
static void	field_error(struct kore_buf *, json_t *, const char *);
static const char *invalid(json_t *, const char *);

CORE_HANDLER_NEED(people_settings_page, CORE_NEED_USER)
{
	struct people_fields	 f;
	const char		*saved, *notice;
	struct core_db		*db = &ctx->db[0];

	CORE_TRY(people_me_load(req, ctx, db));
	f.display_name = core_db_value(db, 0, ME_DISPLAY_NAME);
	f.bio = core_db_value(db, 0, ME_BIO);
	f.website = core_db_value(db, 0, ME_WEBSITE);
	f.avatar = core_db_value(db, 0, ME_AVATAR);
	f.avatar_set = core_db_bool(db, 0, ME_AVATAR_SET);

	http_populate_get(req);
	saved = core_form_get(req, "saved");
	notice = NULL;
	if (saved != NULL && !strcmp(saved, "profile"))
		notice = "Your profile was saved.";
	else if (saved != NULL && !strcmp(saved, "password"))
		notice = "Your password was changed. Every other browser was "
		    "signed out.";
	else if (saved != NULL && !strcmp(saved, "password-tokens"))
		notice = "Your password was changed. Every other browser was "
		    "signed out and your API tokens were revoked.";
	else if (saved != NULL && !strcmp(saved, "session"))
		notice = "That browser was signed out.";
	else if (saved != NULL && !strcmp(saved, "sessions"))
		notice = "Every other browser was signed out.";
	else if (saved != NULL && !strcmp(saved, "avatar"))
		notice = "Your avatar was uploaded. It appears everywhere "
		    "once it is ready, in a few seconds.";
	else if (saved != NULL && !strcmp(saved, "avatar-removed"))
		notice = "Your avatar was removed.";
	else if (saved != NULL && !strcmp(saved, "unblock"))
		notice = "They are no longer blocked.";
	else if (saved != NULL && !strcmp(saved, "unmute"))
		notice = "They are no longer muted.";
	else if (saved != NULL && !strcmp(saved, "2fa-off"))
		notice = "Two-factor sign-in is off: your password alone signs "
		    "you in again.";
	else if (saved != NULL && !strcmp(saved, "export"))
		notice = "Your export is being prepared. We email you the link "
		    "when it is ready.";
	else if (saved != NULL && !strcmp(saved, "email-sent"))
		notice = "We mailed a link to your new address, and told your "
		    "old one. Your address changes when you open the link.";
	else if (saved != NULL && !strcmp(saved, "verify-sent"))
		notice = "We mailed you a new link. Open it to verify your "
		    "address.";
	else if (saved != NULL && !strcmp(saved, "verified"))
		notice = "Your email address is verified already.";
	else if (saved != NULL && !strcmp(saved, "2fa-required"))
		notice = "Admins need two-factor sign-in on to use the admin "
		    "area. Set it up below.";

	return (settings_render(req, ctx, 200, &f, NULL, notice, NULL, NULL));
}

/* POST /settings/profile: display name, bio, website. */
CORE_HANDLER_NEED(people_settings_profile, CORE_NEED_CHANGE)
{
	struct people_fields	 f;
	json_t			*errors;
	int			 rc;

	f.display_name = core_form_get(req, "display_name");
	f.bio = core_form_get(req, "bio");
	f.website = core_form_get(req, "website");
	f.avatar = ctx->user.avatar;
	f.avatar_set = 0;
	if (f.display_name == NULL || f.bio == NULL || f.website == NULL)
		return (core_error(req, 400, "The form is missing a field."));

	CORE_TRY(people_profile_save(req, ctx, &ctx->db[0], &f, &errors));
	if (errors != NULL) {
		rc = settings_render(req, ctx, 422, &f, errors, NULL,
		    "Please correct the marked fields.", NULL);
		json_decref(errors);
		return (rc);
	}
	core_redirect(req, "/settings?saved=profile");
	return (CORE_DONE);
}

/* POST /settings/password: current, new, and "keep my API tokens". */
CORE_HANDLER_NEED(people_settings_password, CORE_NEED_CHANGE)
{
	json_t			*errors;
	const char		*why;
	char			 retry[16];
	int			 status, keep, rc;

	keep = core_form_get(req, "keep_tokens") != NULL;
	CORE_TRY(people_password_change(req, ctx,
	    core_form_get(req, "current_password"),
	    core_form_get(req, "new_password"), keep, &status, &errors));
	if (status == 200) {
		core_redirect(req, keep ? "/settings?saved=password" :
		    "/settings?saved=password-tokens");
		return (CORE_DONE);
	}

	why = "Please correct the marked fields.";
	if (status == 429) {
		(void)snprintf(retry, sizeof(retry), "%d", ctx->retry_after);
		http_response_header(req, "retry-after", retry);
		why = "Too many wrong passwords. Wait a few minutes and try "
		    "again.";
	}
	rc = people_settings_again(req, ctx, status, errors, NULL, why);
	json_decref(errors);
	return (rc);
}

/*
 * The page again after a form of it was refused with `status`: the
 * problems of `errors` beside their fields, `why` above; `email` is what
 * was typed in the address form.  Slot 2 holds the profile's fields.
 */
int
people_settings_again(struct http_request *req, struct core_ctx *ctx,
    int status, json_t *errors, const char *email, const char *why)
{
	struct people_fields	 f;

	CORE_TRY(people_me_load(req, ctx, &ctx->db[2]));
	f.display_name = core_db_value(&ctx->db[2], 0, ME_DISPLAY_NAME);
	f.bio = core_db_value(&ctx->db[2], 0, ME_BIO);
	f.website = core_db_value(&ctx->db[2], 0, ME_WEBSITE);
	f.avatar = core_db_value(&ctx->db[2], 0, ME_AVATAR);
	f.avatar_set = core_db_bool(&ctx->db[2], 0, ME_AVATAR_SET);
	return (settings_render(req, ctx, status, &f, errors, NULL, why,
	    email));
}

static int
settings_render(struct http_request *req, struct core_ctx *ctx, int status,
    struct people_fields *f, json_t *errors, const char *notice,
    const char *error, const char *email)
{
	struct kore_buf		*buf;

	/* Slots 3 to 7: the other slots are the forms' own. */
	CORE_TRY(people_sessions_load(req, ctx, &ctx->db[3]));
	CORE_TRY(people_email_load(req, ctx, &ctx->db[4]));
	CORE_TRY(people_blocks_load(req, ctx, &ctx->db[7], NULL));
	CORE_TRY(people_2fa_load(req, ctx, &ctx->db[5]));
	CORE_TRY(people_export_load(req, ctx, &ctx->db[6]));

	buf = core_page_open(req, "Settings");
	core_html_appendf(buf, "<div class=\"settings\">\n<hgroup><h1>Settings"
	    "</h1><p>Your profile is at <a href=\"/u/%U\">/u/%s</a>.</p>"
	    "</hgroup>\n", ctx->user.username, ctx->user.username);
	if (notice != NULL)
		core_html_appendf(buf, "<p class=\"notice\" role=\"status\">"
		    "%s</p>\n", notice);
	if (error != NULL)
		core_html_appendf(buf, "<p class=\"form-error\" role=\"alert\">"
		    "%s</p>\n", error);
	people_render_email_notice(req, buf, &ctx->db[4]);
	core_html_appendf(buf, "<nav class=\"settings-nav\" aria-label=\""
	    "Settings\"><ul><li><a href=\"#avatar\">Avatar</a></li>"
	    "<li><a href=\"#profile\">Profile</a></li>"
	    "<li><a href=\"#email\">Email</a></li>"
	    "<li><a href=\"#standing\">Standing</a></li>"
	    "<li><a href=\"#password\">Password</a></li>"
	    "<li><a href=\"#two-factor\">Two-factor sign-in</a></li>"
	    "<li><a href=\"#sessions\">Sessions</a></li>"
	    "<li><a href=\"#people\">Blocked and muted</a></li>"
	    "<li><a href=\"/settings/tokens\">API tokens</a></li>"
	    "<li><a href=\"#export\">Your data</a></li>"
	    "<li><a href=\"#delete\">Delete account</a></li></ul></nav>\n");

	/* The avatar. */
	core_html_appendf(buf, "<section id=\"avatar\">\n<h2>Avatar</h2>\n"
	    "<div class=\"avatar-settings\"><span class=\"avatar-lg\">");
	core_html_avatar_sized(buf, ctx->user.username, f->display_name,
	    f->avatar, 1);
	core_html_appendf(buf, "</span><p>%s</p></div>\n",
	    *f->avatar != '\0' ? "Your avatar, beside everything you write." :
	    f->avatar_set ? "Your new avatar is being prepared; until then "
	    "your initials stand in." : "No avatar yet: your initials stand "
	    "in. Upload an image to use instead.");
	people_render_avatar_form(req, buf);
	if (f->avatar_set)
		core_form_button(req, buf, "/settings/avatar/remove", NULL,
		    "secondary outline", "Remove avatar");
	core_html_appendf(buf, "</section>\n");

	/* The profile. */
	core_html_appendf(buf, "<section id=\"profile\">\n<h2>Profile</h2>\n");
	core_form_open(req, buf, "/settings/profile", NULL);
	core_html_appendf(buf, "\n<label>Display name\n<input "
	    "name=\"display_name\" value=\"%s\" maxlength=\"%d\" "
	    "autocomplete=\"name\"%R>\n", f->display_name,
	    PEOPLE_DISPLAY_NAME_MAX, invalid(errors, "display_name"));
	field_error(buf, errors, "display_name");
	core_html_appendf(buf, "<small>Shown on your profile instead of "
	    "your username. Up to %d characters.</small></label>\n"
	    "<label>Bio\n<textarea name=\"bio\" rows=\"4\" maxlength=\"%d\"%R>"
	    "%s</textarea>\n", PEOPLE_DISPLAY_NAME_MAX, PEOPLE_BIO_MAX,
	    invalid(errors, "bio"), f->bio);
	field_error(buf, errors, "bio");
	core_html_appendf(buf, "<small>Plain text, up to %d characters; "
	    "web addresses become links.</small></label>\n"
	    "<label>Website\n<input name=\"website\" type=\"url\" "
	    "value=\"%s\" maxlength=\"%d\" placeholder=\"https://\" "
	    "autocomplete=\"url\"%R>\n", PEOPLE_BIO_MAX, f->website,
	    PEOPLE_WEBSITE_MAX, invalid(errors, "website"));
	field_error(buf, errors, "website");
	core_html_appendf(buf, "<small>An https:// or http:// address."
	    "</small></label>\n<button type=\"submit\">Save profile</button>"
	    "\n</form>\n</section>\n");

	people_render_email_section(req, buf, &ctx->db[4], errors, email);
	/* The trust level (user_trust(), sql/026). */
	core_html_appendf(buf, "<section id=\"standing\">\n<h2>Standing</h2>"
	    "\n<p>Your trust level: <strong class=\"trust\">%s</strong>. "
	    "%s</p>\n</section>\n", ctx->user.trust,
	    !strcmp(ctx->user.trust, "new") ?
	    core_db_bool(&ctx->db[4], 0, EMAIL_NEW_HELD) ? "Your posts, "
	    "photos and comments wait for a moderator's approval before "
	    "others see them, and what you write holds at most 2 links. "
	    "Once a few of your items have been approved and your account "
	    "is a few days old you become a member." : "Your posts wait for "
	    "an admin's review before readers see them, and what you write "
	    "holds at most 2 links. Once a few of your items have been "
	    "approved and your account is a few days old you become a "
	    "member." :
	    "What you post and your edits are published at once; they are "
	    "still checked, and may be reported, afterwards.");

	/* The password. */
	core_html_appendf(buf, "<section id=\"password\">\n<h2>Password</h2>"
	    "\n<p>Changing it signs out every other browser.</p>\n");
	core_form_open(req, buf, "/settings/password", NULL);
	core_html_appendf(buf, "\n<label>Current password\n<input "
	    "name=\"current_password\" type=\"password\" required "
	    "autocomplete=\"current-password\"%R>\n",
	    invalid(errors, "current_password"));
	field_error(buf, errors, "current_password");
	core_html_appendf(buf, "</label>\n<label>New password\n<input "
	    "name=\"new_password\" type=\"password\" required minlength=\"%d\" "
	    "maxlength=\"%d\" autocomplete=\"new-password\"%R>\n",
	    CORE_PASSWORD_MIN, CORE_PASSWORD_MAX,
	    invalid(errors, "new_password"));
	field_error(buf, errors, "new_password");
	core_html_appendf(buf, "<small>At least %d characters.</small>"
	    "</label>\n<label class=\"check\"><input type=\"checkbox\" "
	    "name=\"keep_tokens\" value=\"1\"> Keep my API tokens (otherwise "
	    "they are revoked)</label>\n<button type=\"submit\">Change "
	    "password</button>\n</form>\n</section>\n", CORE_PASSWORD_MIN);

	people_render_2fa_section(req, buf, &ctx->db[5]);
	people_render_sessions(req, buf, &ctx->db[3]);
	people_render_blocks(req, buf, &ctx->db[7]);
	people_render_export(req, buf, &ctx->db[6]);
	people_render_delete(req, buf);

	core_html_appendf(buf, "</div>\n");

	return (core_page_close(req, status, buf));
}

static const char *
invalid(json_t *errors, const char *field)
{
	return (json_object_get(errors, field) != NULL ?
	    " aria-invalid=\"true\"" : "");
}

static void
field_error(struct kore_buf *buf, json_t *errors, const char *field)
{
	const char	*msg;

	if ((msg = json_string_value(json_object_get(errors, field))) == NULL)
		return;
	core_html_appendf(buf, "<small class=\"field-error\">%s</small>\n", msg);
}
