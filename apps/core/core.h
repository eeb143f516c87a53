/*
 * Agora core: what every app shares (configuration, database, sessions,
 * authentication, HTML and JSON output, input rules, Redis).
 *
 * Apps include this header and their own, nothing else of another app.
 */

#ifndef __H_AGORA_CORE_H
#define __H_AGORA_CORE_H

#include <sys/types.h>
#include <sys/queue.h>

#include <stdint.h>

#include <kore/kore.h>
#include <kore/http.h>
#include <kore/pgsql.h>
#include <kore/tasks.h>

#include <jansson.h>

/* Name under which the database is registered with Kore's pgsql layer. */
#define CORE_DB_NAME		"db"

/*
 * Outcome of a request step that may have to wait.
 *   CORE_OK	the step is complete, go on.
 *   CORE_WAIT	the request sleeps until PostgreSQL or a task wakes it:
 *		return KORE_RESULT_RETRY (core_yield does that).
 *   CORE_DONE	a response (usually an error) has been sent: stop.
 * Steps are memoised in the request context, so a handler may run again
 * from the top after a wake-up and pass through finished steps at once.
 */
#define CORE_OK			0
#define CORE_WAIT		1
#define CORE_DONE		2

#define CORE_ROLE_USER		0
#define CORE_ROLE_ADMIN		1

#define CORE_AUTH_NONE		0
#define CORE_AUTH_COOKIE	1
#define CORE_AUTH_BEARER	2

#define CORE_TOKEN_BYTES	32
#define CORE_TOKEN_HEX		(CORE_TOKEN_BYTES * 2 + 1)
#define CORE_HASH_BYTES		32
#define CORE_HASH_HEX		(CORE_HASH_BYTES * 2 + 1)

#define CORE_USERNAME_MIN	3
#define CORE_USERNAME_MAX	32
#define CORE_DISPLAY_NAME_BYTES	(50 * 4 + 1)	/* 50 characters of UTF-8 */
#define CORE_EMAIL_MAX		254
#define CORE_PASSWORD_MIN	8
#define CORE_PASSWORD_MAX	128
#define CORE_PWHASH_MAX		128	/* crypto_pwhash_STRBYTES */
#define CORE_AGENT_MAX		256	/* a session's User-Agent, kept */

#define CORE_SESSION_COOKIE	"agora_session"
#define CORE_CSRF_COOKIE	"agora_csrf"
#define CORE_CSRF_FIELD		"_csrf"
#define CORE_CSRF_HEADER	"x-csrf-token"

#define CORE_DB_SLOTS		8
#define CORE_JSON_BODY_MAX	(64 * 1024)

/* SQL: a timestamptz column as ISO 8601 UTC text. */
#define CORE_SQL_TS(col)						\
	"to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* SQL: the user columns core_json_user() reads, in its order. */
/* SQL: users row `u`'s two-factor state: totp_on, require_2fa. */
#define CORE_SQL_2FA_COLS(u)						\
	"EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = " u ".id"	\
	" AND t.enabled_at IS NOT NULL) AS totp_on, coalesce((SELECT"	\
	" ss.value FROM site_settings ss WHERE ss.name ="		\
	" 'require_2fa_admins'), false) AS require_2fa"

#define CORE_SQL_USER_COLS						\
	"u.id, u.username, u.email, u.role, u.banned, "			\
	CORE_SQL_TS("u.created_at")

/* The columns of CORE_SQL_USER_COLS, by name. */
enum core_user_col {
	CORE_USER_COL_ID,
	CORE_USER_COL_USERNAME,
	CORE_USER_COL_EMAIL,
	CORE_USER_COL_ROLE,
	CORE_USER_COL_BANNED,
	CORE_USER_COL_CREATED_AT
};

/*
 * SQL: how long a mailed link works that verifies the account's address
 * (sign-up, resend) or confirms a new one (verify.c).
 */
#define CORE_VERIFY_TTL		"interval '48 hours'"
#define CORE_CHANGE_TTL		"interval '24 hours'"

/* SQL: what a job_outbox insert returns, for CORE_JOBS_JSON. */
#define CORE_JOB_RETURNING						\
	" RETURNING id, type, queue, args,"				\
	" (extract(epoch FROM run_at) * 1000)::bigint AS run_at,"	\
	" (extract(epoch FROM created_at) * 1000)::bigint AS created_at," \
	" request_id"

/* SQL: the jobs a CTE inserted, as one JSON column for core_jobs_push. */
#define CORE_JOBS_JSON(cte)						\
	"(SELECT coalesce(json_agg(" cte "), '[]') FROM " cte ")"

/*
 * SQL: whether the credential whose hash is the hex text `h`, of kind
 * `k` ('session' or 'token', core_credential_kind), still signs in user
 * `u`: it exists and has not expired, the user is not banned or
 * suspended.
 */
#define CORE_SQL_CRED_LIVE(u, k, h)					\
	"EXISTS (SELECT 1 FROM users cu WHERE cu.id = " u		\
	" AND NOT cu.banned AND NOT user_suspended(cu.suspended_until)"	\
	" AND CASE " k "::text WHEN 'session' THEN"			\
	" EXISTS (SELECT 1 FROM sessions cs WHERE cs.user_id = cu.id"	\
	" AND cs.token_hash = decode(" h ", 'hex') AND"		\
	" cs.expires_at > now()) WHEN 'token' THEN EXISTS (SELECT 1"	\
	" FROM api_tokens ct WHERE ct.user_id = cu.id AND"		\
	" ct.token_hash = decode(" h ", 'hex') AND (ct.expires_at IS NULL" \
	" OR ct.expires_at > now())) ELSE false END)"

/* SQL: the user ids a CTE of notify_*() calls returned, for core_notify_push. */
#define CORE_NOTIFY_JSON(cte)						\
	"(SELECT coalesce(json_agg(uid), '[]') FROM " cte ")"

/* The newest migration this build needs (sql/); /readyz checks it. */
#define CORE_SCHEMA_VERSION	"034_member_edits"

/*
 * A section an app adds to the home page (site.c), registered from the
 * app's own code (a constructor).  The site runs `sql` with $1 the
 * viewer's previous visit (ISO 8601, "" for a first visit or a visitor)
 * and $2 the viewer (0: a visitor; their blocks and mutes, agora_shown);
 * column `fresh_col` of its first row counts what is new since then.
 * The site writes the section's heading (a link to `href`, and "N new
 * `what`s" when there are), `render` its body from the rows.  Sections
 * appear by `order`.
 */
#define CORE_HOME_PARTS		3

struct core_db;
struct core_home_part {
	int		 order;
	const char	*title;
	const char	*href;
	const char	*what;		/* "post": "3 new posts" */
	const char	*sql;
	int		 fresh_col;
	void		(*render)(struct kore_buf *, struct core_db *);
};

/* Runtime configuration, read once in the parent (config.c). */
struct core_config {
	char		*database_url;
	char		*redis_path;		/* unix socket, or NULL */
	char		*redis_host;
	int		 redis_port;
	char		*site_url;		/* no trailing slash */
	int		 cookie_secure;
	u_int8_t	 secret[32];
	char		*smtp_url;
	char		*mail_from;
	size_t		 upload_max_bytes;
	u_int64_t	 upload_quota_bytes;	/* per user, all apps */
	u_int64_t	 upload_max_pixels;
	int		 session_ttl;		/* seconds */
	int		 dev;			/* dev-only routes enabled */
	char		*dev_mail_dir;		/* the SMTP sink's messages */
	char		*media_dir;		/* uploads and their copies */
	char		*trusted_proxy;		/* peer allowed to set XFF */
	unsigned long long pwhash_ops;
	size_t		 pwhash_mem;
	int		 cred_cache_ms;		/* credcache.c; 0: off */
	int		 require_2fa_admins;	/* AGORA_REQUIRE_2FA_ADMINS */
	int		 page_cache_ms;		/* cache.c; 0: off */
};

/*
 * Who is asking, as the credential's lookup found them (session.c) and
 * the credential cache keeps them (credcache.c).  Whatever changes one
 * of these fields calls core_revoke_changed() for the user.
 */
struct core_user {
	int64_t		id;			/* 0: anonymous */
	char		username[CORE_USERNAME_MAX + 1];
	int		role;
	char		email[CORE_EMAIL_MAX + 1];
	char		created_at[24];		/* CORE_SQL_TS */
	int64_t		unread;			/* notifications (the bell) */
	char		display_name[CORE_DISPLAY_NAME_BYTES];
	char		avatar[65];		/* sha256 hex, "" for none */
	int		totp;			/* two-factor sign-in on */
	int		require_2fa;		/* the site requires it of admins */
	int		hides;			/* blocked or muted someone */
	char		trust[8];		/* user_trust(): new, member, trusted */
};

/* One asynchronous statement whose result the request owns. */
struct core_db {
	int			state;
	struct kore_pgsql	sql;
	PGresult		*res;
	int			 pushed;	/* its jobs went to Redis */
	int			 notified;	/* its live events went out */
	int			 quiet;		/* a failure is the caller's */
	int			 overloaded;	/* failed: the queue was full */
	int			 retried;	/* re-prepared once (26000) */
	/* dbadmit.c: its turn for a connection */
	int			 admitted;
	int			 waiting;
	int			 woken;
	TAILQ_ENTRY(core_db)	 admit_list;
	struct kore_timer	*resuming;
	void			(*resume)(struct core_db *);
};

/* A statement with no request behind it (core_dbq_run). */
#define CORE_DBQ_PARAMS		8

struct core_dbq {
	struct core_db	  db;
	const char	 *query;
	int		  count;
	char		 *params[CORE_DBQ_PARAMS];
	int		  failed;
	int		  finishing;
	int		  prepared;	/* core_dbq_run_prepared */
	int		  resend;	/* to be sent again, prepared anew */
	void		(*done)(struct core_dbq *, int);
	void		 *arg;
};

/* Argon2id work handed to a task thread. */
struct core_pw_job {
	int		op;
	int		ok;
	char		password[CORE_PASSWORD_MAX * 4 + 1];
	char		hash[CORE_PWHASH_MAX];
	unsigned long long ops;
	size_t		mem;
};

/*
 * A password task and its job live apart from the request (password.c):
 * a request freed while the hash runs leaves the task behind, and the
 * task frees itself once its thread has finished.
 */
struct core_pw_task;

/* Per-request state; created by core_begin(), freed with the request. */
struct core_ctx {
	int			 loaded;
	int			 auth;
	struct core_user	 user;
	u_int8_t		 cred_hash[CORE_HASH_BYTES];
	u_int64_t		 cred_gen;	/* core_credcache_generation */
	char			 csrf[CORE_HASH_HEX];
	char			 request_id[40];
	char			 addr[INET6_ADDRSTRLEN];
	u_int64_t		 start;

	int			 form_loaded;
	int			 args_loaded;	/* the query string, on a POST */
	void			*form;
	void			(*form_free)(void *);
	json_t			*body;
	int			 body_state;

	struct core_db		 sess;
	struct core_db		 db[CORE_DB_SLOTS];

	/*
	 * Markup an app built for the page's <head> (meta, links), escaped
	 * already; core_page_begin writes it.  Not owned: the app keeps it
	 * until the page is opened.
	 */
	const char		*page_head;

	int			 stage;		/* handler's own progress */
	u_int64_t		 cache_gen;	/* a cache's, at a stage */
	int			 retry_after;	/* a limit's wait (s) */
	int			 limit_taken;	/* core_limit_user counted */
	int			 db_started;	/* a statement was admitted */
	int			 task_state;
	struct core_pw_task	*task;
	struct core_pw_job	 pw;		/* the finished job's result */

	struct core_upload {
		int		 stored;
		int		 format;
		u_int32_t	 width;
		u_int32_t	 height;
		size_t		 bytes;
		char		 sha[CORE_HASH_HEX];
		/* Answers a refused upload instead (a page's own form). */
		int		(*refuse)(struct http_request *, int,
				    const char *);
	}			 upload;

	char			 new_token[CORE_TOKEN_HEX];
	u_int8_t		 new_hash[CORE_HASH_BYTES];

	int			 no_store;	/* the page holds a secret */

	/* A second factor's check (twofactor.c). */
	struct core_totp {
		int		 state;
		u_int64_t	 step;		/* the step a code matched */
		char		 challenge[CORE_TOKEN_HEX];
	}			 totp;

	void			*app;
	void			(*app_free)(void *);
};

extern struct core_config	core_cfg;

/* config.c */
void		core_config_load(void);

/* What a route needs of its caller (core_need, CORE_HANDLER_NEED). */
#define CORE_NEED_USER		0x01
#define CORE_NEED_ADMIN		0x02
#define CORE_NEED_CSRF		0x04
#define CORE_NEED_CHANGE	(CORE_NEED_USER | CORE_NEED_CSRF)

/*
 * A handler whose body returns CORE_*:
 *
 *	CORE_HANDLER(blog_index_page)
 *	{
 *		CORE_TRY(blog_posts_load(req, ctx, &ctx->db[0]));
 *		...
 *		return (core_page_close(req, 200, buf));
 *	}
 *
 * declares the Kore entry point blog_index_page(), which begins (or
 * resumes) the request and runs the body with `req` and `ctx`; a body's
 * CORE_WAIT becomes Kore's retry.  CORE_HANDLER_NEED(name, need) checks
 * CORE_NEED_* first.
 */
#define CORE_HANDLER_NEED(name, need)					\
static int	name##_body(struct http_request *, struct core_ctx *);	\
int		name(struct http_request *);				\
int									\
name(struct http_request *req)						\
{									\
	return (core_handle(req, (need), name##_body));			\
}									\
static int								\
name##_body(struct http_request *req CORE_UNUSED,			\
    struct core_ctx *ctx CORE_UNUSED)

#define CORE_HANDLER(name)	CORE_HANDLER_NEED(name, 0)

/* Run a step; anything but CORE_OK is returned to the caller. */
#define CORE_TRY(step)	do {						\
	int core_try_rc_ = (step);					\
	if (core_try_rc_ != CORE_OK)					\
		return (core_try_rc_);					\
} while (0)

#define CORE_UNUSED	__attribute__((__unused__))

/* handler.c */
int		core_handle(struct http_request *, int,
		    int (*)(struct http_request *, struct core_ctx *));
int		core_need(struct http_request *, struct core_ctx *, int);
int		core_begin_change(struct http_request *, struct core_ctx **,
		    int);
int		core_require_user(struct http_request *, struct core_ctx *);
int		core_require_admin(struct http_request *, struct core_ctx *);
int		core_csrf_check(struct http_request *, struct core_ctx *);
int		core_form_load(struct http_request *, struct core_ctx *);

/* request.c */
int		core_begin(struct http_request *, struct core_ctx **);
int		core_yield(int);
void		core_request_guard(struct http_request *);
const char	*core_client_ip(struct http_request *);
int		core_user_known(struct http_request *, struct core_db *,
		    const char *);
int		core_path_id(struct http_request *, const char *, int64_t *,
		    const char **);

/* cursor.c */
int		core_cursor_parse(const char *, char *, size_t, char *,
		    size_t);

/* dbadmit.c */
int		core_dbadmit_enter(struct core_db *);
void		core_dbadmit_leave(struct core_db *);

/* db.c */
int		core_db_run(struct http_request *, struct core_db *,
		    const char *, int, const char **);
void		core_db_cleanup(struct core_db *);
int		core_db_failed(struct core_db *);
void		core_dbq_run(struct core_dbq *, const char *, int,
		    const char **);
void		core_dbq_run_prepared(struct core_dbq *, const char *, int,
		    const char **);
void		core_dbq_cleanup(struct core_dbq *);
int		core_db_rows(struct core_db *);
const char	*core_db_value(struct core_db *, int, int);
int		core_db_isnull(struct core_db *, int, int);
int64_t		core_db_int(struct core_db *, int, int);
int		core_db_run_prepared(struct http_request *, struct core_db *,
		    const char *, int, const char **);

/* dbprep.c */
#define CORE_DBPREP_EXEC	1
#define CORE_DBPREP_PREPARE	2
int		core_dbprep_send(struct kore_pgsql *, const char *, int,
		    const char **);
void		core_dbprep_done(struct kore_pgsql *, const char *);
void		core_dbprep_forget(struct kore_pgsql *);
const char	*core_db_sqlstate(struct core_db *);
int		core_db_bool(struct core_db *, int, int);

/* An integer as a statement parameter: params[0] = core_num(&n, id). */
struct core_num {
	char		s[24];
};

const char	*core_num(struct core_num *, int64_t);

/* session.c */
int		core_session_load(struct http_request *, struct core_ctx *);
void		core_session_cookie(struct http_request *, const char *, int);
int		core_session_start(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t);
int		core_session_end(struct http_request *, struct core_ctx *,
		    struct core_db *);

/* csrf.c */
void		core_csrf_prepare(struct http_request *, struct core_ctx *);
int		core_csrf_valid(struct http_request *, struct core_ctx *);

/* token.c */
void		core_token_new(char *, u_int8_t *);
int		core_token_hash(const char *, u_int8_t *);
void		core_hex(const u_int8_t *, size_t, char *);
void		core_keyed_hash(const u_int8_t *, const char *,
		    const void *, size_t, char *);
int		core_token_equal(const char *, const char *);

/* rules.c */
int		core_utf8_valid(const char *, size_t);
size_t		core_utf8_len(const char *);
int		core_text_clean(const char *, int);
int		core_rule_username(const char *, char *, size_t,
		    const char **);
int		core_rule_email(const char *, const char **);
int		core_rule_password(const char *, const char **);
int		v_text(struct http_request *, char *);

/* escape.c */
void		core_buf_put(struct kore_buf *, const void *, size_t);
void		core_html_escape(struct kore_buf *, const char *);
void		core_url_escape(struct kore_buf *, const char *);
void		core_html_appendf(struct kore_buf *, const char *, ...);

/* response.c */
int		core_is_api(struct http_request *);
int		core_page_close(struct http_request *, int, struct kore_buf *);
int		core_page_send(struct http_request *, int, struct kore_buf *);
int		core_error(struct http_request *, int, const char *);
void		core_redirect(struct http_request *, const char *);
int		core_json_send(struct http_request *, int, json_t *);
int		core_problem(struct http_request *, int, const char *,
		    const char *, json_t *);
int		core_json_send_raw(struct http_request *, const void *, size_t);
int		core_bad_param(struct http_request *, const char *,
		    const char *);

/* page.c */
void		core_page_begin(struct http_request *, struct kore_buf *,
		    const char *);
void		core_page_end(struct kore_buf *);
void		core_form_csrf(struct http_request *, struct kore_buf *);
struct kore_buf	*core_page_open(struct http_request *, const char *);
void		core_form_open(struct http_request *, struct kore_buf *,
		    const char *, const char *);
void		core_form_button(struct http_request *, struct kore_buf *,
		    const char *, const char *, const char *, const char *);
void		core_form_confirm(struct http_request *, struct kore_buf *,
		    const char *, const char *, const char *);

/* site.c */
void		core_home_register(const struct core_home_part *);

/* preview.c */
void		core_preview_register(const char *,
		    char *(*)(const char *, size_t));
char		*core_preview_html(const char *, const char *);

/* static.c */
const char	*core_static_url(const char *);

/* avatar.c */
#define CORE_AVATAR_INITIALS	9	/* two UTF-8 characters and a NUL */

unsigned int	core_avatar_colour(const char *);
/*
 * The placeholder that content of deleted accounts belongs to
 * (sql/025_export_delete.sql): no profile, nobody signs in as it.
 */
#define CORE_USER_DELETED	"deleted"

void		core_avatar_initials(const char *, const char *, char *);
void		core_html_person(struct kore_buf *, const char *, const char *,
		    const char *, int);
void		core_html_avatar(struct kore_buf *, const char *, const char *,
		    const char *);
void		core_html_avatar_sized(struct kore_buf *, const char *,
		    const char *, const char *, int);
void		core_avatar_url(const char *, int, char *, size_t);

/*
 * The columns %A draws an avatar from, for users row `u`: username,
 * display name, the uploaded avatar's sha256 ('' for none).
 */
#define CORE_SQL_AVATAR(u)						\
	u ".username, " u ".display_name, coalesce(" u ".avatar_sha, '')"


/* timefmt.c */
void		core_html_time(struct kore_buf *, const char *);

/* json.c */
int		core_json_body(struct http_request *, struct core_ctx *,
		    json_t **);
int		core_json_body_max(struct http_request *, struct core_ctx *,
		    size_t, json_t **);
char		*core_json_text(json_t *);
const char	*core_json_str(json_t *, const char *);
json_t		*core_json_user(struct core_db *, int);

/* auth.c */
struct core_signup {
	const char	*username_in;
	const char	*email;
	const char	*password;
	char		 username[CORE_USERNAME_MAX + 1];
};

int		core_auth_register(struct http_request *, struct core_ctx *,
		    struct core_signup *, json_t **, int *);
int		core_auth_login(struct http_request *, struct core_ctx *,
		    struct core_signup *, int *);

/* verify.c */
int		core_email_confirm(struct http_request *, struct core_ctx *,
		    const char *, int64_t, int *);

/* form.c */
int		core_form_read(struct http_request *, struct core_ctx *);
const char	*core_form_get(struct http_request *, const char *);
const char	*core_form_get_nth(struct http_request *, const char *, int);

/* urlencode.c */
int		core_form_decode(char *);
int		core_form_split(char *, char **, char **, int);

/* password.c */
void		core_password_init(void);
void		core_password_release(struct core_ctx *);
int		core_password_hash(struct http_request *, struct core_ctx *,
		    const char *);
int		core_password_verify(struct http_request *, struct core_ctx *,
		    const char *, const char *);

/* redis.c */
void		*core_redis_command(const char *, ...);
void		*core_redis_argv(int, const char **, const size_t *);
void		core_redis_free(void *);

/* metrics.c (its tables: metrics.h) */
void		 core_metrics_start(void);
void		 core_metrics_flush(void);
void		 core_metrics_inflight(int);
void		 core_metrics_websockets(int);
void		 core_metrics_pg_wait(void);
void		 core_metrics_cred(int);
void		 core_metrics_overload(void);
void		 core_metrics_request(const char *, int, u_int64_t);

/* metrics_page.c */
int		 core_metrics_page(struct http_request *);

/* cache.c */
#define CORE_CACHE_KEY_MAX	48

const u_int8_t	*core_cache_get(const char *, size_t *);
void		 core_cache_put(const char *, const void *, size_t);

/* pubsub.c */
int		core_pubsub_listen(const char *,
		    void (*)(const char *, size_t));
void		core_pubsub_poll(void);
u_int64_t	core_pubsub_epoch(void);

/* spread.c */
void		core_spread_init(void);
void		core_spread_check(void);
void		core_spread_start(void);

/* credcache.c */
void		core_credcache_init(void);
u_int64_t	core_credcache_generation(void);
int		core_credcache_get(int, const u_int8_t *, struct core_user *);
void		core_credcache_put(int, const u_int8_t *,
		    const struct core_user *, u_int64_t, u_int64_t);
void		core_credcache_drop(int, const u_int8_t *);
void		core_credcache_forget_user(int64_t);
void		core_credcache_forget(const char *);

/* bellcache.c */
void		core_bellcache_init(void);
int		core_bellcache_get(int64_t, const char **, size_t *);
void		core_bellcache_put(int64_t, const char *, size_t, u_int64_t);
void		core_bellcache_forget(int64_t);

/* publish.c */
int		core_publish(const char *, const void *, size_t);

/*
 * Someone blocked, muted, unblocked or unmuted another (apps/people):
 * {"user":ID,"other":ID,"hidden":bool}, whether `user` still hides
 * `other`'s messages; the chat's sockets keep their sets by it.
 */
#define CORE_HIDES_CHANNEL	"agora:hides"

/* notify.c: "the inbox of user N changed", for their open pages. */
#define CORE_NOTIFY_CHANNEL	"agora:notify"

void		core_notify_push(struct core_db *, int, int);

/* revoke.c */
void		core_revoke_user(int64_t);
void		core_revoke_credential(const char *);
void		core_revoke_changed(int64_t);
void		core_revoke_start(void);
int		core_revoke_listen(void (*)(int64_t, const char *));
const char	*core_credential_kind(int);

/* throttle.c (the numbers: limits.h) */
#include "core/limits.h"
int		core_throttle_login(const char *, const char *, int *);
void		core_throttle_login_ok(const char *, const char *);
int		core_throttle_forgot(const char *, const char *, int *);
int		core_throttle_user(const char *, int64_t, int, int, int *);
int		core_throttled(struct http_request *, int, const char *);
int		core_limit_user(struct http_request *, struct core_ctx *,
		    const char *, int, int, const char *);

/* trust.c (the numbers: limits.h) */
int		core_trust_new(struct core_ctx *);
int		core_trust_limit(struct core_ctx *, int);
int		core_trust_comment(struct http_request *, struct core_ctx *,
		    const char *);
int		core_trust_links(struct http_request *, struct core_ctx *,
		    const char *, const char *);

/* jobs.c */
void		core_jobs_push(struct core_db *, int, int);
json_t		*core_jobs_overview(void);
int		core_jobs_revive(const char *);
int		core_jobs_drop(const char *);

/* tokens.c */
#define CORE_TOKEN_DAYS_MAX	3650

/* The columns of core_tokens_load. */
enum core_token_col {
	CORE_TOKEN_COL_ID,
	CORE_TOKEN_COL_NAME,
	CORE_TOKEN_COL_CREATED,
	CORE_TOKEN_COL_USED,
	CORE_TOKEN_COL_CURRENT,
	CORE_TOKEN_COL_EXPIRES,
	CORE_TOKEN_COL_EXPIRED
};

int		core_tokens_load(struct http_request *, struct core_ctx *,
		    struct core_db *);
int		core_token_create(struct http_request *, struct core_ctx *,
		    struct core_db *, const char *, int);
int		core_token_revoke(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t);
int		core_token_rules(const char *, int, const char **,
		    const char **);

/* totp.c: two-factor sign-in */
#define CORE_TOTP_CHALLENGE_S	300	/* a challenge's life */
#define CORE_TOTP_ATTEMPTS	5	/* wrong codes a challenge takes */
#define CORE_RECOVERY_CODES	10
#define CORE_RECOVERY_LEN	11	/* "xxxxx-xxxxx" */

/* A sealed TOTP key in hex, with its NUL: nonce, MAC, key. */
#define CORE_TOTP_SEALED_HEX	(2 * (24 + 16 + 20) + 1)

void		core_totp_seal(const u_int8_t *, char *);
int		core_totp_open(const char *, u_int8_t *);
int		core_totp_match(const char *, int64_t, const char *,
		    u_int64_t *);
int		core_recovery_hash(const char *, char *);
void		core_recovery_new(char *, char *);
int		core_totp_check(struct http_request *, struct core_ctx *,
		    struct core_db *, struct core_db *, int64_t, const char *,
		    int *);
int		core_login_challenge(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t);
int		core_login_second(struct http_request *, struct core_ctx *,
		    const char *, const char *, int *);
int		core_auth_needs_2fa(struct core_ctx *);
int		core_auth_suspension(struct core_ctx *, const char **,
		    const char **);
int		core_problem_extra(struct http_request *, int, const char *,
		    const char *, const char *, json_t *);

/* media.c */
#define CORE_MEDIA_PHOTO	0	/* thumb/ and display/ copies */
#define CORE_MEDIA_AVATAR	1	/* avatar64/ and avatar256/ squares */

int		core_media_upload(struct http_request *, struct core_ctx *,
		    struct core_db *, const char *);
int		core_media_upload_as(struct http_request *, struct core_ctx *,
		    struct core_db *, const char *, int);
int		core_media_json(struct http_request *, struct core_db *,
		    int64_t, json_t **);
int		core_media_keep(struct http_file *, struct core_upload *,
		    int *, const char **);
int		core_media_serve(struct http_request *);
int		core_media_send_file(struct http_request *, const char *,
		    const char *, const char *);
void		core_media_prepare(void);

/* media_batch.c: several images of one form (an album). */
#define CORE_MEDIA_BATCH_MAX	10
#define CORE_MEDIA_QUOTA_WHY	"Your images use all the space you have. " \
	"Delete some photos or images to upload more."

struct core_media_item {
	int			 status;	/* 0 kept, else 413 or 422 */
	const char		*why;		/* static text, when refused */
	char			 name[80];	/* the file's name, cut */
	int64_t			 media_id;	/* once recorded */
	struct core_upload	 up;
};

struct core_media_batch {
	int			 stored;
	int			 recorded;
	int			 count;		/* files of the field */
	int			 kept;		/* recorded */
	struct core_media_item	 item[CORE_MEDIA_BATCH_MAX];
};

int		core_media_upload_batch(struct http_request *,
		    struct core_ctx *, struct core_db *, const char *,
		    struct core_media_batch *);

/* log.c */
void		core_log_request(struct http_request *, struct core_ctx *);
void		core_log_json(const char *, const char *, const char *);

#endif /* !__H_AGORA_CORE_H */
