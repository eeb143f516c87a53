/*
 * Revocations that reach live connections.  When one credential ends
 * (a logout, a revoked API token) or every credential of a user does (a
 * ban, a password reset), an event goes through Redis to every Kore
 * worker of every instance, and the apps close what that credential had
 * opened (the chat's WebSockets).  Events are published only after the
 * statement that revoked committed; they travel on REVOKE_CHANNEL as
 * {"user_id": N} or {"credential": "<hex of the hash>"}.
 *
 * Every worker listens from its start (core_revoke_start) so that its
 * credential cache (credcache.c) forgets what was revoked; a user whose
 * role changed is announced as {"user_id": N, "changed": true}, which
 * only the cache acts on.
 *
 * An event can be lost (Redis away), so whoever acts on an old
 * credential also checks it again (CORE_SQL_CRED_LIVE) before writing,
 * and the cache trusts an entry for a few seconds only.
 */

#include <stdlib.h>
#include <string.h>

#include "core/core.h"

#define REVOKE_CHANNEL		"agora:revoke"
#define REVOKE_HANDLERS		4

static void	revoke_publish(json_t *);
static void	revoke_dispatch(const char *, size_t);

static void	(*handlers[REVOKE_HANDLERS])(int64_t, const char *);
static int	nhandlers;

/* Per worker: listen for revocations, for the credential cache. */
void
core_revoke_start(void)
{
	if (core_pubsub_listen(REVOKE_CHANNEL, revoke_dispatch) == -1)
		kore_log(LOG_WARNING, "revoke: cannot listen");
}

/* Every session and API token of user `uid` has ended. */
void
core_revoke_user(int64_t uid)
{
	core_credcache_forget_user(uid);
	revoke_publish(json_pack("{s:I}", "user_id", (json_int_t)uid));
}

/* The session or API token whose hash is `hex` (CORE_HASH_HEX) ended. */
void
core_revoke_credential(const char *hex)
{
	core_credcache_forget(hex);
	revoke_publish(json_pack("{s:s}", "credential", hex));
}

/*
 * What user `uid` may do changed (a role): their credentials stay
 * valid, but no worker may answer from what it remembers of them.
 */
void
core_revoke_changed(int64_t uid)
{
	core_credcache_forget_user(uid);
	revoke_publish(json_pack("{s:I,s:b}", "user_id", (json_int_t)uid,
	    "changed", 1));
}

/*
 * Call `handler` in this worker for every revocation from now on, with
 * the user id (credential NULL) or the credential's hash in hex (user id
 * 0).  Once per handler; returns 0, or -1 when it cannot listen.
 */
int
core_revoke_listen(void (*handler)(int64_t, const char *))
{
	int		i;

	for (i = 0; i < nhandlers; i++) {
		if (handlers[i] == handler)
			return (0);
	}
	if (nhandlers == REVOKE_HANDLERS ||
	    core_pubsub_listen(REVOKE_CHANNEL, revoke_dispatch) == -1)
		return (-1);
	handlers[nhandlers++] = handler;

	return (0);
}

/* How CORE_SQL_CRED_LIVE names the kind of credential of `auth`. */
const char *
core_credential_kind(int auth)
{
	return (auth == CORE_AUTH_BEARER ? "token" : "session");
}

/* Takes ownership of `event`. */
static void
revoke_publish(json_t *event)
{
	char		*text;

	if (event == NULL)
		return;
	if ((text = json_dumps(event, JSON_COMPACT)) != NULL) {
		if (core_publish(REVOKE_CHANNEL, text, strlen(text)) == -1)
			kore_log(LOG_WARNING, "revoke: event not published");
		free(text);
	}
	json_decref(event);
}

static void
revoke_dispatch(const char *data, size_t len)
{
	json_t		*ev, *uid;
	const char	*hex;
	int64_t		 id;
	int		 i;

	if ((ev = json_loadb(data, len, 0, NULL)) == NULL)
		return;

	id = 0;
	uid = json_object_get(ev, "user_id");
	if (json_is_integer(uid) && json_integer_value(uid) > 0)
		id = json_integer_value(uid);
	hex = core_json_str(ev, "credential");
	if (hex != NULL && strlen(hex) != CORE_HASH_HEX - 1)
		hex = NULL;

	if (id != 0)
		core_credcache_forget_user(id);
	else if (hex != NULL)
		core_credcache_forget(hex);

	if ((id != 0 || hex != NULL) &&
	    !json_is_true(json_object_get(ev, "changed"))) {
		for (i = 0; i < nhandlers; i++)
			handlers[i](id, id != 0 ? NULL : hex);
	}
	json_decref(ev);
}
