/*
 * /chat/ws: the chat over a WebSocket.  Signed in by the session cookie
 * (from this site's pages only: the Origin must be the site's) or by a
 * bearer token.  JSON frames:
 *
 *   client: {"type":"subscribe","room":1,"since":V} (or "after":ID, or
 *           neither), {"type":"unsubscribe","room":1},
 *           {"type":"send","room":1,"body":"...","ref":"r1"},
 *           {"type":"typing","room":1}, {"type":"ping"}
 *   server: {"type":"subscribed","room_id":1,"backlog":N,"truncated":b},
 *           {"type":"message"|"edited","message":{...}},
 *           {"type":"deleted","room_id":1,"id":7,"version":V},
 *           {"type":"typing","room_id":1,"user":"..."},
 *           {"type":"sent","ref":"r1","message":{...}}, {"type":"pong"},
 *           {"type":"error","code":429,"detail":"...","ref":"r1"},
 *           {"type":"notify"} (the user's notifications changed)
 *
 * Messages are stored first and then published on the Redis channel
 * agora:chat; every Kore worker of every instance hears each event once
 * (core pubsub) and sends it to its own clients subscribed to the room.
 * A subscription that resumes ("since" a version or "after" an id) first
 * receives what it missed from the database; events published meanwhile
 * are held and sent after it, without those the backlog already had.
 * A client whose send queue grows past CHAT_WS_QUEUE_MAX is cut off
 * rather than allowed to hold memory for everyone.
 *
 * A connection keeps the hash of the session or token it was opened
 * with.  When that credential ends, or every credential of its user does
 * (a ban, a password reset), core revoke tells every worker and the
 * connection is closed after an error frame (code 401).  Every frame
 * that writes (send, typing, subscribe) also checks the credential again
 * in the statement it runs, so a revocation whose event was lost still
 * lets nothing through; and every CHAT_WS_SWEEP_MS one statement checks
 * the credentials of all the worker's connections, so a connection that
 * only reads does not outlive its credential (a lost event, an expired
 * session) for long either.
 */

#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat/chat.h"
#include "chat/chat_frame.h"

void	chat_ws_connect(struct connection *);
void	chat_ws_message(struct connection *, u_int8_t, const void *, size_t);
void	chat_ws_disconnect(struct connection *);

#define CHAT_WS_ROOMS_MAX	64
#define CHAT_WS_HELD_MAX	64
#define CHAT_WS_BACKLOG_MAX	500
#define CHAT_WS_QUEUE_MAX	(512 * 1024)
#define CHAT_WS_TYPING_MS	1500
#define CHAT_WS_ONLINE_MS	20000
#define CHAT_WS_SWEEP_MS	10000

#define SUB_FREE		0
#define SUB_PENDING		1
#define SUB_ACTIVE		2

#define MODE_NONE		0
#define MODE_AFTER		1
#define MODE_SINCE		2

/*
 * $1 viewer, $2 room, $3 id or version, $4 mode, $5 and $6 the kind and
 * hash of the credential: whether it is still good, whether the viewer
 * may read the room, and what it missed.
 */
static const char sql_subscribe[] =
	"WITH a AS ("
	"  SELECT " CORE_SQL_CRED_LIVE("$1", "$5", "$6") " AS live"
	"), r AS ("
	"  SELECT r.id FROM chat_rooms r"
	"   WHERE r.id = $2 AND " CHAT_SQL_CAN_READ("r", "$1")
	"     AND (SELECT live FROM a)"
	")"
	"SELECT (SELECT count(*) FROM r), (SELECT live FROM a), x.*"
	"  FROM (SELECT 1) one LEFT JOIN LATERAL ("
	"    SELECT " CHAT_SQL_MSG_COLS
	"      FROM chat_messages m JOIN users u ON u.id = m.author_id"
	"     WHERE m.room_id = $2 AND EXISTS (SELECT 1 FROM r)"
	"       AND (($4 = 'since' AND m.version > $3"
	"             AND agora_shown(m.author_id, $1::bigint)) OR"
	"            ($4 = 'after' AND m.id > $3 AND " CHAT_SQL_MSG_VISIBLE("$1")
	"))"
	"     ORDER BY CASE WHEN $4 = 'since' THEN m.version ELSE m.id END"
	"     LIMIT 501"
	"  ) x ON true";

enum {
	SUB_COL_ROOMS,
	SUB_COL_LIVE,
	SUB_COL_MSG,		/* CHAT_SQL_MSG_COLS, NULL if none */
};

/* $1 user, $2 and $3 the kind and hash of the credential. */
static const char sql_live[] =
	"SELECT " CORE_SQL_CRED_LIVE("$1", "$2", "$3");

enum { LIVE_COL_LIVE };

/*
 * $1 connections (serials), $2 their users, $3 and $4 the kinds and
 * hashes of their credentials: the connections whose credential ended.
 */
static const char sql_sweep[] =
	"SELECT x.serial"
	"  FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[])"
	"       AS x(serial, uid, kind, hash)"
	" WHERE NOT " CORE_SQL_CRED_LIVE("x.uid", "x.kind", "x.hash");

enum { SWEEP_COL_SERIAL };

/* Small: every connection has CHAT_WS_ROOMS_MAX of them. */
struct chat_sub {
	int64_t		 room;
	int		 state;
	int		 mode;
	int64_t		 mark;		/* backlog's last id or version */
	int		 nheld;
	struct kore_buf	*held;		/* while pending: length, bytes, ... */
};

struct chat_peer {
	TAILQ_ENTRY(chat_peer)	 list;
	struct connection	*c;		/* NULL once disconnected */
	int			 closing;	/* cut off: send nothing more */
	int			 refs;		/* the connection + queries */
	u_int64_t		 serial;
	int64_t			 uid;
	int			 admin;
	int			 auth;		/* CORE_AUTH_COOKIE, _BEARER */
	char			 cred[CORE_HASH_HEX];
	char			 username[CORE_USERNAME_MAX + 1];
	u_int64_t		 typing_at;
	u_int64_t		 online_at;
	struct chat_hides	 hides;		/* blocked, muted: not sent */
	struct chat_sub		 subs[CHAT_WS_ROOMS_MAX];
};

/* What the handshake learns, kept by Kore in hdlr_extra (flat). */
struct chat_ws_handle {
	struct chat_peer	*peer;
	int64_t			 uid;
	int			 admin;
	int			 auth;
	char			 cred[CORE_HASH_HEX];
	char			 username[CORE_USERNAME_MAX + 1];
	struct chat_hides	 hides;		/* handed to the peer */
};

#define OP_SUBSCRIBE		1
#define OP_SEND			2
#define OP_TYPING		3

struct chat_op {
	struct core_dbq		 q;		/* first */
	struct chat_peer	*peer;
	int			 kind;
	int64_t			 room;
	char			 ref[65];
};

static TAILQ_HEAD(, chat_peer)	peers = TAILQ_HEAD_INITIALIZER(peers);
static u_int64_t		peer_serial;
static struct kore_timer	*sweep_timer;
static struct core_dbq		 sweep_q;
static int			 sweeping;

static int	origin_ok(struct http_request *);
static void	fanout(const char *, size_t);
static void	revoked(int64_t, const char *);
static void	notified(const char *, size_t);
static void	hides_changed(const char *, size_t);
static void	sweep(void *, u_int64_t);
static void	swept(struct core_dbq *, int);
static void	frame_subscribe(struct chat_peer *, json_t *);
static void	frame_unsubscribe(struct chat_peer *, json_t *);
static void	frame_send(struct chat_peer *, json_t *);
static void	frame_typing(struct chat_peer *, json_t *);
static void	op_start(struct chat_peer *, int, int64_t, const char *,
		    const char *, int, const char **);
static void	op_done(struct core_dbq *, int);
static void	subscribed(struct chat_op *);
static void	sent(struct chat_op *);
static void	typed(struct chat_op *);
static struct chat_sub *sub_find(struct chat_peer *, int64_t);
static void	sub_clear(struct chat_sub *);
static void	sub_hold(struct chat_peer *, struct chat_sub *, const char *,
		    size_t);
static int	held_is_old(struct chat_sub *, const char *, size_t);
static void	peer_send(struct chat_peer *, const void *, size_t);
static void	peer_send_json(struct chat_peer *, json_t *);
static void	peer_error(struct chat_peer *, int, const char *,
		    const char *);
static void	peer_cut(struct chat_peer *, const char *);
static void	peer_busy(struct chat_peer *, const char *);
static void	peer_release(struct chat_peer *);
static int64_t	json_id(json_t *, const char *);

/* GET /chat/ws: authenticate, then upgrade. */
CORE_HANDLER(chat_ws)
{
	struct chat_ws_handle	*h;
	struct core_num		 uid;
	const char		*params[1];

	if (ctx->user.id == 0)
		return (core_error(req, 401,
		    "Sign in, or send a bearer token."));
	if (ctx->auth != CORE_AUTH_BEARER && !origin_ok(req))
		return (core_error(req, 403,
		    "WebSocket connections with a session cookie must come "
		    "from this site's pages."));
	if (core_pubsub_listen(CHAT_CHANNEL, fanout) == -1 ||
	    core_pubsub_listen(CORE_NOTIFY_CHANNEL, notified) == -1 ||
	    core_pubsub_listen(CORE_HIDES_CHANNEL, hides_changed) == -1 ||
	    core_revoke_listen(revoked) == -1)
		return (core_error(req, 503, NULL));

	params[0] = core_num(&uid, ctx->user.id);
	CORE_TRY(core_db_run(req, &ctx->db[0], chat_sql_hides, 1, params));

	/* A handshake that failed earlier on this connection left its own. */
	if ((h = req->owner->hdlr_extra) != NULL)
		chat_hides_free(&h->hides);
	kore_free(req->owner->hdlr_extra);
	h = kore_calloc(1, sizeof(*h));
	chat_hides_load(&h->hides, &ctx->db[0]);
	h->uid = ctx->user.id;
	h->admin = ctx->user.role == CORE_ROLE_ADMIN;
	h->auth = ctx->auth;
	core_hex(ctx->cred_hash, sizeof(ctx->cred_hash), h->cred);
	(void)kore_strlcpy(h->username, ctx->user.username, sizeof(h->username));
	req->owner->hdlr_extra = h;

	kore_websocket_handshake(req, "chat_ws_connect", "chat_ws_message",
	    "chat_ws_disconnect");
	/* Connected at once, or refused: the set is the peer's, or no one's. */
	if (h->peer == NULL)
		chat_hides_free(&h->hides);

	return (CORE_DONE);
}

void
chat_ws_connect(struct connection *c)
{
	struct chat_ws_handle	*h = c->hdlr_extra;
	struct chat_peer	*p;

	p = kore_calloc(1, sizeof(*p));
	p->c = c;
	p->refs = 1;
	p->serial = ++peer_serial;
	p->uid = h->uid;
	p->admin = h->admin;
	p->auth = h->auth;
	(void)kore_strlcpy(p->cred, h->cred, sizeof(p->cred));
	(void)kore_strlcpy(p->username, h->username, sizeof(p->username));
	p->hides = h->hides;
	memset(&h->hides, 0, sizeof(h->hides));
	h->peer = p;
	TAILQ_INSERT_TAIL(&peers, p, list);
	core_metrics_websockets(1);
	if (sweep_timer == NULL)
		sweep_timer = kore_timer_add(sweep, CHAT_WS_SWEEP_MS, NULL, 0);

	chat_online_mark(p->username);
	p->online_at = kore_time_ms();
}

void
chat_ws_disconnect(struct connection *c)
{
	struct chat_ws_handle	*h = c->hdlr_extra;
	struct chat_peer	*p;
	int			 i;

	if (h == NULL || (p = h->peer) == NULL)
		return;

	TAILQ_REMOVE(&peers, p, list);
	core_metrics_websockets(-1);
	for (i = 0; i < CHAT_WS_ROOMS_MAX; i++)
		sub_clear(&p->subs[i]);
	p->c = NULL;
	h->peer = NULL;
	peer_release(p);
}

void
chat_ws_message(struct connection *c, u_int8_t op, const void *data,
    size_t len)
{
	struct chat_ws_handle	*h = c->hdlr_extra;
	struct chat_peer	*p;
	json_t			*frame;
	const char		*type;

	if (h == NULL || (p = h->peer) == NULL)
		return;
	if (op != WEBSOCKET_OP_TEXT) {
		peer_error(p, 400, "Frames are JSON text.", NULL);
		return;
	}

	if (kore_time_ms() - p->online_at > CHAT_WS_ONLINE_MS) {
		chat_online_mark(p->username);
		p->online_at = kore_time_ms();
	}

	if ((frame = chat_frame_parse(data, len, &type)) == NULL) {
		peer_error(p, 400, "A frame is a JSON object with a type.",
		    NULL);
		return;
	}

	if (!strcmp(type, "ping"))
		peer_send(p, "{\"type\":\"pong\"}", 15);
	else if (!strcmp(type, "subscribe"))
		frame_subscribe(p, frame);
	else if (!strcmp(type, "unsubscribe"))
		frame_unsubscribe(p, frame);
	else if (!strcmp(type, "send"))
		frame_send(p, frame);
	else if (!strcmp(type, "typing"))
		frame_typing(p, frame);
	else
		peer_error(p, 400, "Unknown frame type.", NULL);

	json_decref(frame);
}

/* The site's own origin, or the one the Host header names. */
static int
origin_ok(struct http_request *req)
{
	const char	*origin, *host, *p;
	size_t		 n;

	if (!http_request_header(req, "origin", &origin))
		return (0);

	n = strlen(core_cfg.site_url);
	while (n > 0 && core_cfg.site_url[n - 1] == '/')
		n--;
	if (strlen(origin) == n && !strncmp(origin, core_cfg.site_url, n))
		return (1);

	if (!http_request_header(req, "host", &host))
		return (0);
	if (!strncmp(origin, "https://", 8))
		p = origin + 8;
	else if (!strncmp(origin, "http://", 7))
		p = origin + 7;
	else
		return (0);

	return (!strcmp(p, host));
}

/* An event from pubsub: to every local client subscribed to its room. */
static void
fanout(const char *data, size_t len)
{
	struct chat_peer	*p, *next;
	struct chat_sub		*s;
	json_t			*ev;
	const char		*type;
	int64_t			 room, from, author;
	int			 typing;

	if ((ev = json_loadb(data, len, 0, NULL)) == NULL)
		return;
	type = core_json_str(ev, "type");
	room = json_id(ev, "room_id");
	if (room == 0)
		room = json_id(json_object_get(ev, "message"), "room_id");
	typing = !strcmp(type != NULL ? type : "", "typing");
	from = typing ? json_id(ev, "user_id") : 0;
	/* A message, an edit or typing: not to those who hide its author. */
	author = typing ? from :
	    json_id(json_object_get(ev, "message"), "author_id");
	json_decref(ev);
	if (room == 0)
		return;

	for (p = TAILQ_FIRST(&peers); p != NULL; p = next) {
		next = TAILQ_NEXT(p, list);
		if ((s = sub_find(p, room)) == NULL || p->uid == from)
			continue;
		if (author > 0 && chat_hides_has(&p->hides, author))
			continue;
		if (s->state == SUB_PENDING)
			sub_hold(p, s, data, len);
		else
			peer_send(p, data, len);
	}
}

/*
 * The inbox of a user changed (core notify): {"type":"notify"} to each
 * of their local connections, whatever rooms they follow; the page asks
 * for the new count (/static/notify.js).
 */
static void
notified(const char *data, size_t len)
{
	static const char	 frame[] = "{\"type\":\"notify\"}";
	struct chat_peer	*p, *next;
	json_t			*ev;
	int64_t			 uid;

	if ((ev = json_loadb(data, len, 0, NULL)) == NULL)
		return;
	uid = json_id(ev, "user");
	json_decref(ev);
	if (uid <= 0)
		return;

	for (p = TAILQ_FIRST(&peers); p != NULL; p = next) {
		next = TAILQ_NEXT(p, list);
		if (p->uid == uid)
			peer_send(p, frame, sizeof(frame) - 1);
	}
}

/*
 * User "user" now hides "other"'s messages, or no longer does (core.h,
 * CORE_HIDES_CHANNEL): their local connections' sets follow.
 */
static void
hides_changed(const char *data, size_t len)
{
	struct chat_peer	*p;
	json_t			*ev;
	int64_t			 uid, other;
	int			 on;

	if ((ev = json_loadb(data, len, 0, NULL)) == NULL)
		return;
	uid = json_id(ev, "user");
	other = json_id(ev, "other");
	on = json_is_true(json_object_get(ev, "hidden"));
	json_decref(ev);
	if (uid <= 0 || other <= 0)
		return;

	TAILQ_FOREACH(p, &peers, list) {
		if (p->uid == uid)
			chat_hides_set(&p->hides, other, on);
	}
}

/*
 * A revocation from core: close every local connection of user `uid`
 * (0: none), or the ones opened with the credential hashed as `cred`.
 */
static void
revoked(int64_t uid, const char *cred)
{
	struct chat_peer	*p, *next;

	for (p = TAILQ_FIRST(&peers); p != NULL; p = next) {
		next = TAILQ_NEXT(p, list);
		if ((uid != 0 && p->uid == uid) ||
		    (cred != NULL && !strcmp(p->cred, cred)))
			peer_cut(p, "Signed out: the session or token of this "
			    "connection has ended.");
	}
}

/* Check the credentials of every local connection in one statement. */
static void
sweep(void *unused, u_int64_t now)
{
	struct chat_peer	*p;
	struct kore_buf		 b[4];
	const char		*params[4];
	int			 i, n;

	if (sweeping || TAILQ_EMPTY(&peers))
		return;

	for (i = 0; i < 4; i++) {
		kore_buf_init(&b[i], 1024);
		kore_buf_append(&b[i], "{", 1);
	}
	n = 0;
	TAILQ_FOREACH(p, &peers, list) {
		if (p->closing)
			continue;
		/* Numbers, "session" or "token", hex: nothing to quote. */
		kore_buf_appendf(&b[0], "%s%llu", n ? "," : "",
		    (unsigned long long)p->serial);
		kore_buf_appendf(&b[1], "%s%lld", n ? "," : "",
		    (long long)p->uid);
		kore_buf_appendf(&b[2], "%s%s", n ? "," : "",
		    core_credential_kind(p->auth));
		kore_buf_appendf(&b[3], "%s%s", n ? "," : "", p->cred);
		n++;
	}
	for (i = 0; i < 4; i++) {
		kore_buf_append(&b[i], "}", 1);
		params[i] = kore_buf_stringify(&b[i], NULL);
	}

	if (n > 0) {
		memset(&sweep_q, 0, sizeof(sweep_q));
		sweep_q.done = swept;
		sweeping = 1;
		core_dbq_run(&sweep_q, sql_sweep, 4, params);
	}
	for (i = 0; i < 4; i++)
		kore_buf_cleanup(&b[i]);
}

/* Close the connections whose credential ended (gone ones are skipped). */
static void
swept(struct core_dbq *q, int ok)
{
	struct chat_peer	*p, *next;
	u_int64_t		 serial;
	int			 i;

	for (i = 0; ok && i < core_db_rows(&q->db); i++) {
		serial = (u_int64_t)core_db_int(&q->db, i, SWEEP_COL_SERIAL);
		for (p = TAILQ_FIRST(&peers); p != NULL; p = next) {
			next = TAILQ_NEXT(p, list);
			if (p->serial == serial) {
				peer_cut(p, "Signed out: the session or token "
				    "of this connection has ended.");
				break;
			}
		}
	}

	core_dbq_cleanup(q);
	sweeping = 0;
}

static void
frame_subscribe(struct chat_peer *p, json_t *frame)
{
	struct chat_sub		*s;
	const char		*params[6], *mode;
	struct core_num		 uid, rid, pos;
	int64_t			 room, at;
	int			 i;

	if ((room = json_id(frame, "room")) <= 0) {
		peer_error(p, 400, "Say which room.", NULL);
		return;
	}
	if (sub_find(p, room) != NULL) {
		peer_error(p, 409, "Already subscribed to this room.", NULL);
		return;
	}

	mode = "none";
	at = 0;
	if (json_object_get(frame, "since") != NULL) {
		mode = "since";
		at = json_id(frame, "since");
	} else if (json_object_get(frame, "after") != NULL) {
		mode = "after";
		at = json_id(frame, "after");
	}
	if (at < 0) {
		peer_error(p, 400, "since and after are message ids or "
		    "versions.", NULL);
		return;
	}

	for (s = NULL, i = 0; i < CHAT_WS_ROOMS_MAX; i++) {
		if (p->subs[i].state == SUB_FREE) {
			s = &p->subs[i];
			break;
		}
	}
	if (s == NULL) {
		peer_error(p, 429, "Too many rooms on one connection.", NULL);
		return;
	}
	s->room = room;
	s->state = SUB_PENDING;
	s->mode = !strcmp(mode, "since") ? MODE_SINCE :
	    !strcmp(mode, "after") ? MODE_AFTER : MODE_NONE;
	s->mark = at;

	params[0] = core_num(&uid, p->uid);
	params[1] = core_num(&rid, room);
	params[2] = core_num(&pos, at);
	params[3] = mode;
	params[4] = core_credential_kind(p->auth);
	params[5] = p->cred;
	op_start(p, OP_SUBSCRIBE, room, NULL, sql_subscribe, 6, params);
}

static void
frame_unsubscribe(struct chat_peer *p, json_t *frame)
{
	struct chat_sub		*s;

	if ((s = sub_find(p, json_id(frame, "room"))) != NULL)
		sub_clear(s);
}

static void
frame_send(struct chat_peer *p, json_t *frame)
{
	json_t			*errors, *jref;
	const char		*body, *ref, *params[5];
	struct core_num		 uid, rid;
	int64_t			 room;

	jref = json_object_get(frame, "ref");
	ref = json_is_string(jref) && strlen(json_string_value(jref)) <= 64 ?
	    json_string_value(jref) : NULL;
	if ((room = json_id(frame, "room")) <= 0) {
		peer_error(p, 400, "Say which room.", ref);
		return;
	}
	body = core_json_str(frame, "body");
	if (chat_text_check(body, CHAT_BODY_MAX, "body", &errors) == -1) {
		peer_error(p, 422, json_string_value(json_object_get(errors,
		    "body")), ref);
		json_decref(errors);
		return;
	}

	params[0] = core_num(&rid, room);
	params[1] = core_num(&uid, p->uid);
	params[2] = body;
	params[3] = core_credential_kind(p->auth);
	params[4] = p->cred;
	op_start(p, OP_SEND, room, ref, chat_sql_post, 5, params);
}

static void
frame_typing(struct chat_peer *p, json_t *frame)
{
	struct chat_sub		*s;
	const char		*params[3];
	struct core_num		 uid;
	u_int64_t		 now;

	s = sub_find(p, json_id(frame, "room"));
	if (s == NULL || s->state != SUB_ACTIVE) {
		peer_error(p, 409, "Subscribe to the room first.", NULL);
		return;
	}

	now = kore_time_ms();
	if (now - p->typing_at < CHAT_WS_TYPING_MS)
		return;
	p->typing_at = now;

	/* Published once the credential is known to be still good. */
	params[0] = core_num(&uid, p->uid);
	params[1] = core_credential_kind(p->auth);
	params[2] = p->cred;
	op_start(p, OP_TYPING, s->room, NULL, sql_live, 3, params);
}

static void
op_start(struct chat_peer *p, int kind, int64_t room, const char *ref,
    const char *sql, int count, const char **params)
{
	struct chat_op		*op;

	op = kore_calloc(1, sizeof(*op));
	op->peer = p;
	op->kind = kind;
	op->room = room;
	if (ref != NULL)
		(void)kore_strlcpy(op->ref, ref, sizeof(op->ref));
	op->q.done = op_done;
	p->refs++;
	core_dbq_run_prepared(&op->q, sql, count, params);
}

static void
op_done(struct core_dbq *q, int ok)
{
	struct chat_op		*op = (struct chat_op *)q;
	struct chat_peer	*p = op->peer;
	struct chat_sub		*s;

	if (p->c != NULL) {
		if (!ok) {
			if (op->kind == OP_SUBSCRIBE &&
			    (s = sub_find(p, op->room)) != NULL)
				sub_clear(s);
			if (q->db.overloaded)
				peer_busy(p, op->ref[0] != '\0' ? op->ref : NULL);
			else
				peer_error(p, 500,
				    "Something went wrong on our side.",
				    op->ref[0] != '\0' ? op->ref : NULL);
		} else if (op->kind == OP_SUBSCRIBE) {
			subscribed(op);
		} else if (op->kind == OP_TYPING) {
			typed(op);
		} else {
			sent(op);
		}
	}

	core_dbq_cleanup(q);
	kore_free(op);
	peer_release(p);
}

/* The backlog, then what was held while it was read. */
static void
subscribed(struct chat_op *op)
{
	struct chat_peer	*p = op->peer;
	struct chat_sub		*s;
	struct core_db		*db = &op->q.db;
	json_t			*msg;
	size_t			 off, len;
	int			 i, n, truncated;
	int64_t			 v;

	if ((s = sub_find(p, op->room)) == NULL || s->state != SUB_PENDING)
		return;		/* unsubscribed meanwhile */
	if (!core_db_bool(db, 0, SUB_COL_LIVE)) {
		peer_cut(p, "Signed out: the session or token of this "
		    "connection has ended.");
		return;
	}
	if (core_db_int(db, 0, SUB_COL_ROOMS) == 0) {
		sub_clear(s);
		peer_error(p, 404, "No such room.", NULL);
		return;
	}

	n = core_db_isnull(db, 0, SUB_COL_MSG + CHAT_COL_ID) ? 0 :
	    core_db_rows(db);
	truncated = n > CHAT_WS_BACKLOG_MAX;
	if (truncated)
		n = CHAT_WS_BACKLOG_MAX;
	peer_send_json(p, json_pack("{s:s, s:I, s:i, s:b}", "type",
	    "subscribed", "room_id", (json_int_t)s->room, "backlog", n,
	    "truncated", truncated));

	for (i = 0; i < n && p->c != NULL; i++) {
		msg = chat_message_json(db, i, SUB_COL_MSG);
		v = s->mode == MODE_SINCE ?
		    core_db_int(db, i, SUB_COL_MSG + CHAT_COL_VERSION) :
		    core_db_int(db, i, SUB_COL_MSG + CHAT_COL_ID);
		if (v > s->mark)
			s->mark = v;
		peer_send_json(p, json_pack("{s:s, s:o}", "type", "message",
		    "message", msg));
	}

	off = 0;
	for (i = 0; i < s->nheld && p->c != NULL; i++) {
		memcpy(&len, s->held->data + off, sizeof(len));
		off += sizeof(len);
		if (!held_is_old(s, (const char *)s->held->data + off, len))
			peer_send(p, s->held->data + off, len);
		off += len;
	}
	if (p->c == NULL)
		return;		/* gone: its subscriptions are cleared */
	if (s->held != NULL)
		kore_buf_free(s->held);
	s->held = NULL;
	s->nheld = 0;
	s->state = SUB_ACTIVE;
}

/* The stored message: to the sender, and to everyone through pubsub. */
static void
sent(struct chat_op *op)
{
	struct chat_peer	*p = op->peer;
	struct core_db		*db = &op->q.db;
	const char		*ref;

	ref = op->ref[0] != '\0' ? op->ref : NULL;
	if (!core_db_bool(db, 0, CHAT_POST_COL_LIVE)) {
		peer_cut(p, "Signed out: the session or token of this "
		    "connection has ended.");
		return;
	}
	if (core_db_int(db, 0, CHAT_POST_COL_ROOMS) == 0) {
		peer_error(p, 404, "No such room.", ref);
		return;
	}
	if (core_db_bool(db, 0, CHAT_POST_COL_BLOCKED)) {
		peer_error(p, 403, "You cannot send messages to this person.",
		    ref);
		return;
	}
	if (core_db_bool(db, 0, CHAT_POST_COL_ARCHIVED)) {
		peer_error(p, 409, "This room is archived.", ref);
		return;
	}
	if (!core_db_bool(db, 0, CHAT_POST_COL_ALLOWED)) {
		peer_error(p, 429, "You are sending messages too fast.", ref);
		return;
	}

	core_jobs_push(db, 0, CHAT_POST_COL_JOBS);
	core_notify_push(db, 0, CHAT_POST_COL_NOTIFY);
	chat_publish(json_pack("{s:s, s:o}", "type", "message", "message",
	    chat_message_json(db, 0, CHAT_POST_COL_MSG)));
	peer_send_json(p, json_pack("{s:s, s:s?, s:o}", "type", "sent",
	    "ref", ref, "message", chat_message_json(db, 0,
	    CHAT_POST_COL_MSG)));
}

/* The credential is still good: others see the peer typing. */
static void
typed(struct chat_op *op)
{
	struct chat_peer	*p = op->peer;

	if (!core_db_bool(&op->q.db, 0, LIVE_COL_LIVE)) {
		peer_cut(p, "Signed out: the session or token of this "
		    "connection has ended.");
		return;
	}

	chat_publish(json_pack("{s:s, s:I, s:s, s:I}", "type", "typing",
	    "room_id", (json_int_t)op->room, "user", p->username,
	    "user_id", (json_int_t)p->uid));
}

static struct chat_sub *
sub_find(struct chat_peer *p, int64_t room)
{
	int		i;

	if (room <= 0)
		return (NULL);
	for (i = 0; i < CHAT_WS_ROOMS_MAX; i++) {
		if (p->subs[i].state != SUB_FREE && p->subs[i].room == room)
			return (&p->subs[i]);
	}

	return (NULL);
}

static void
sub_clear(struct chat_sub *s)
{
	if (s->held != NULL)
		kore_buf_free(s->held);
	memset(s, 0, sizeof(*s));
}

/* Keep an event for after the backlog; a client too far behind is cut. */
static void
sub_hold(struct chat_peer *p, struct chat_sub *s, const char *data,
    size_t len)
{
	if (s->nheld == CHAT_WS_HELD_MAX) {
		kore_log(LOG_NOTICE, "chat: %s fell behind, disconnected",
		    p->username);
		p->closing = 1;
		kore_connection_disconnect(p->c);
		return;
	}
	if (s->held == NULL)
		s->held = kore_buf_alloc(1024);
	kore_buf_append(s->held, &len, sizeof(len));
	kore_buf_append(s->held, data, len);
	s->nheld++;
}

/* Whether a held event is already in the backlog that was sent. */
static int
held_is_old(struct chat_sub *s, const char *data, size_t len)
{
	json_t		*ev, *msg;
	const char	*type;
	int64_t		 v;
	int		 old;

	if ((ev = json_loadb(data, len, 0, NULL)) == NULL)
		return (1);
	type = core_json_str(ev, "type");
	msg = json_object_get(ev, "message");
	old = 0;
	if (type != NULL && s->mode == MODE_SINCE) {
		v = msg != NULL ? json_id(msg, "version") :
		    json_id(ev, "version");
		old = v != 0 && v <= s->mark;
	} else if (type != NULL && s->mode == MODE_AFTER &&
	    !strcmp(type, "message")) {
		v = json_id(msg, "id");
		old = v <= s->mark;
	}
	json_decref(ev);

	return (old);
}

static void
peer_send(struct chat_peer *p, const void *data, size_t len)
{
	struct netbuf	*nb;
	size_t		 queued;

	if (p->c == NULL || p->closing)
		return;

	queued = 0;
	TAILQ_FOREACH(nb, &p->c->send_queue, list)
		queued += nb->b_len - nb->s_off;
	if (queued + len > CHAT_WS_QUEUE_MAX) {
		kore_log(LOG_NOTICE, "chat: %s is not reading, disconnected",
		    p->username);
		p->closing = 1;
		kore_connection_disconnect(p->c);
		return;
	}

	kore_websocket_send(p->c, WEBSOCKET_OP_TEXT, data, len);
}

/* Send and free `frame`. */
static void
peer_send_json(struct chat_peer *p, json_t *frame)
{
	char		*text;

	if (frame == NULL)
		return;
	if ((text = json_dumps(frame, JSON_COMPACT)) != NULL) {
		peer_send(p, text, strlen(text));
		free(text);
	}
	json_decref(frame);
}

static void
peer_error(struct chat_peer *p, int code, const char *detail,
    const char *ref)
{
	peer_send_json(p, json_pack("{s:s, s:i, s:s, s:s?}", "type", "error",
	    "code", code, "detail", detail != NULL ? detail : "Error.",
	    "ref", ref));
}

/*
 * Nothing was stored: the database's queue was full.  The client sends
 * again after retry_after seconds (the page does, once).
 */
static void
peer_busy(struct chat_peer *p, const char *ref)
{
	peer_send_json(p, json_pack("{s:s, s:i, s:s, s:i, s:s?}", "type",
	    "error", "code", 503, "detail", "The chat is busy; sending again "
	    "in a moment.", "retry_after", 1, "ref", ref));
}

/*
 * The credential of the connection has ended: say so, close it and send
 * nothing more.  The frames go out now, before the socket is closed.
 */
static void
peer_cut(struct chat_peer *p, const char *detail)
{
	u_int8_t	payload[2 + 16];
	size_t		len;

	if (p->c == NULL || p->closing)
		return;

	p->refs++;		/* a full queue may disconnect it meanwhile */
	peer_error(p, 401, detail, NULL);
	if (p->c != NULL && !p->closing) {
		p->closing = 1;
		/* 1008, policy violation: the nearest to "signed out". */
		payload[0] = 1008 >> 8;
		payload[1] = 1008 & 0xff;
		len = strlen("signed out");
		memcpy(payload + 2, "signed out", len);
		p->c->flags |= CONN_WS_CLOSE_SENT;
		kore_websocket_send(p->c, WEBSOCKET_OP_CLOSE, payload, 2 + len);
		kore_connection_disconnect(p->c);
	}
	peer_release(p);
}

static void
peer_release(struct chat_peer *p)
{
	if (--p->refs == 0) {
		chat_hides_free(&p->hides);
		kore_free(p);
	}
}

/* A positive integer member of `o`, 0 when absent, -1 when not one. */
static int64_t
json_id(json_t *o, const char *key)
{
	json_t		*v;

	if ((v = json_object_get(o, key)) == NULL)
		return (0);
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return (-1);

	return (json_integer_value(v));
}
