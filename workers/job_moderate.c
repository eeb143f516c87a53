/*
 * moderate: an automated first look at what users post.
 *
 * args for text:  {"kind": k, "id": n, "user_id": u, "text": t}
 * args for media: {"kind": k, "id": n, "media_id": m}
 *
 * Text is flagged when it contains a word of the configured list
 * (AGORA_MODERATION_WORDS), when it carries many links, or when the same
 * user posted the same text three times within an hour.  Images are
 * flagged when their dimensions are implausible for a photo.  Flagged
 * items enter the admin moderation queue with the reason; the app that
 * owns the kind decides what a flag means (e.g. a hidden comment).
 * Items found fine are cleared: the notifications that quote them and
 * waited in moderation_held_jobs are pushed (sql/009).
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "worker.h"

#define LINKS_MAX	3
#define REPEAT_MAX	3
#define REPEAT_WINDOW	3600
#define WORDS_MAX	1000
#define IMAGE_MIN_SIDE	16
#define IMAGE_MAX_RATIO	12

/* The core's flagging function also lets the owning app react (hide). */
static const char sql_flag[] =
	"SELECT moderation_flag($1, $2, $3, 'auto', NULL)";

/* Nothing wrong: the notifications held for this item may leave. */
static const char sql_cleared[] =
	"SELECT id, type, queue, args::text,"
	"       (extract(epoch FROM run_at) * 1000)::bigint,"
	"       (extract(epoch FROM created_at) * 1000)::bigint,"
	"       coalesce(request_id, '')"
	"  FROM moderation_cleared($1, $2)";

static const char sql_media[] =
	"SELECT format, width, height, status FROM media_files WHERE id = $1";

static char	*words[WORDS_MAX];
static int	 nwords = -1;

static void	words_load(void);
static int	check_text(struct worker *, const char *, int64_t, char *,
		    size_t);
static int	check_media(struct worker *, int64_t, char *, size_t);
static int	has_word(const char *, const char *);
static int	count_links(const char *);
static int	repeated(struct worker *, int64_t, const char *);

int
job_moderate(struct worker *w, struct worker_job *job, char *err, size_t len)
{
	PGresult	*res;
	const char	*kind, *text, *params[3];
	char		 reason[256], id[24];
	int64_t		 item, uid, media;
	int		 flagged;

	kind = json_string_value(json_object_get(job->args, "kind"));
	item = json_integer_value(json_object_get(job->args, "id"));
	uid = json_integer_value(json_object_get(job->args, "user_id"));
	media = json_integer_value(json_object_get(job->args, "media_id"));
	text = json_string_value(json_object_get(job->args, "text"));

	if (kind == NULL || item <= 0 || (text == NULL && media <= 0)) {
		(void)snprintf(err, len, "args need kind, id and text or "
		    "media_id");
		return (JOB_FAIL);
	}

	reason[0] = '\0';
	if (text != NULL)
		flagged = check_text(w, text, uid, reason, sizeof(reason));
	else
		flagged = check_media(w, media, reason, sizeof(reason));

	if (flagged == -1) {
		(void)snprintf(err, len, "database unavailable");
		return (JOB_RETRY);
	}
	(void)snprintf(id, sizeof(id), "%lld", (long long)item);
	params[0] = kind;
	params[1] = id;

	if (!flagged) {
		if ((res = worker_db_exec(w, sql_cleared, 2, params)) == NULL) {
			(void)snprintf(err, len, "database unavailable");
			return (JOB_RETRY);
		}
		outbox_push_rows(w, res);
		PQclear(res);
		return (JOB_OK);
	}

	params[2] = reason;
	if ((res = worker_db_exec(w, sql_flag, 3, params)) == NULL) {
		(void)snprintf(err, len, "database unavailable");
		return (JOB_RETRY);
	}
	PQclear(res);
	worker_log("info", "moderate: flagged %s %s: %s", kind, id, reason);

	return (JOB_OK);
}

/* 1 and a reason when the text needs a human look, 0 when fine. */
static int
check_text(struct worker *w, const char *text, int64_t uid, char *reason,
    size_t len)
{
	int	i, links;

	words_load();
	for (i = 0; i < nwords; i++) {
		if (has_word(text, words[i])) {
			(void)snprintf(reason, len, "Contains the blocked "
			    "word \"%s\".", words[i]);
			return (1);
		}
	}

	if ((links = count_links(text)) > LINKS_MAX) {
		(void)snprintf(reason, len, "Contains %d links (link spam?).",
		    links);
		return (1);
	}

	if (uid > 0 && repeated(w, uid, text)) {
		(void)snprintf(reason, len, "The same text was posted %d "
		    "times within an hour.", REPEAT_MAX);
		return (1);
	}

	return (0);
}

static int
check_media(struct worker *w, int64_t media, char *reason, size_t len)
{
	PGresult	*res;
	const char	*params[1];
	char		 id[24];
	long		 width, height, lo, hi;
	int		 flagged;

	(void)snprintf(id, sizeof(id), "%lld", (long long)media);
	params[0] = id;
	if ((res = worker_db_exec(w, sql_media, 1, params)) == NULL)
		return (-1);
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 1)) {
		/* Gone, or not processed: the thumbnail job reports those. */
		PQclear(res);
		return (0);
	}

	width = strtol(PQgetvalue(res, 0, 1), NULL, 10);
	height = strtol(PQgetvalue(res, 0, 2), NULL, 10);
	PQclear(res);

	lo = width < height ? width : height;
	hi = width < height ? height : width;
	flagged = 0;
	if (lo < IMAGE_MIN_SIDE) {
		(void)snprintf(reason, len, "Very small image (%ldx%ld).",
		    width, height);
		flagged = 1;
	} else if (hi / lo >= IMAGE_MAX_RATIO) {
		(void)snprintf(reason, len, "Unusual image shape (%ldx%ld).",
		    width, height);
		flagged = 1;
	}

	return (flagged);
}

/* Whole-word, case-insensitive (ASCII) search of `word` in `text`. */
static int
has_word(const char *text, const char *word)
{
	const char	*p;
	size_t		 n;

	n = strlen(word);
	for (p = text; *p != '\0'; p++) {
		if (strncasecmp(p, word, n) != 0)
			continue;
		if ((p == text || !isalnum((unsigned char)p[-1])) &&
		    !isalnum((unsigned char)p[n]))
			return (1);
	}

	return (0);
}

static int
count_links(const char *text)
{
	const char	*p;
	int		 n;

	n = 0;
	for (p = text; (p = strstr(p, "://")) != NULL; p += 3) {
		if ((p - text >= 4 && !strncasecmp(p - 4, "http", 4)) ||
		    (p - text >= 5 && !strncasecmp(p - 5, "https", 5)))
			n++;
	}

	return (n);
}

/*
 * Count this text for this user in Redis (a keyed hash of it, an hour's
 * window).  1 when it reached REPEAT_MAX.  Without Redis: 0.
 */
static int
repeated(struct worker *w, int64_t uid, const char *text)
{
	redisReply	*r;
	u_int8_t	 h[16];
	char		 hex[33];
	long long	 n;

	if (queue_connect(w) == -1)
		return (0);

	crypto_generichash(h, sizeof(h), (const u_int8_t *)text,
	    strlen(text), NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));

	r = redisCommand(w->redis, "INCR agora:modrep:%lld:%s",
	    (long long)uid, hex);
	if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
		if (r != NULL)
			freeReplyObject(r);
		return (0);
	}
	n = r->integer;
	freeReplyObject(r);

	if (n == 1) {
		r = redisCommand(w->redis, "EXPIRE agora:modrep:%lld:%s %d",
		    (long long)uid, hex, REPEAT_WINDOW);
		if (r != NULL)
			freeReplyObject(r);
	}

	return (n >= REPEAT_MAX);
}

/* The word list, read once per process; a missing file means no words. */
static void
words_load(void)
{
	FILE	*fp;
	char	 line[256], *p;
	size_t	 n;

	if (nwords != -1)
		return;
	nwords = 0;

	if ((fp = fopen(wcfg.words_file, "r")) == NULL) {
		worker_log("warn", "moderate: no word list at %s",
		    wcfg.words_file);
		return;
	}

	while (nwords < WORDS_MAX && fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		for (p = line; isspace((unsigned char)*p); p++)
			;
		n = strlen(p);
		while (n > 0 && isspace((unsigned char)p[n - 1]))
			p[--n] = '\0';
		if (n == 0 || *p == '#')
			continue;
		if ((words[nwords] = strdup(p)) != NULL)
			nwords++;
	}
	fclose(fp);
}
