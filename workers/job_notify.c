/*
 * Notification email (sql/018_notify_email.sql).
 *
 * notify_email {notification}: queued with a notification whose kind
 * the user gets by email.  notify_email_due() decides in one
 * transaction: too early (the notification is younger than
 * AGORA_NOTIFY_EMAIL_DELAY, or its thread was mailed less than that
 * ago) queues the job again for the time it is due; otherwise every
 * notification of the thread still unread and not mailed goes into one
 * email job, or nothing when they were read meanwhile.  The rows it
 * makes are pushed at once (the relay would push them otherwise).
 *
 * The daily digest: every AGORA_DIGEST_CHECK_MS each process asks for
 * the digests due since the last AGORA_DIGEST_HOUR (UTC); the statement
 * marks what it mails, so concurrent processes never send one twice.
 * notify_digest {} (a job, or `agora-worker digest`) mails every digest
 * owed up to now.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "worker.h"

/* The columns of sql_outbox_due, for outbox_push_rows. */
#define OUTBOX_COLS							\
	"SELECT id, type, queue, args::text,"				\
	"       (extract(epoch FROM run_at) * 1000)::bigint,"		\
	"       (extract(epoch FROM created_at) * 1000)::bigint,"	\
	"       coalesce(request_id, '')"

static const char sql_email_due[] =
	OUTBOX_COLS " FROM notify_email_due($1, $2::int)";

/* Owed until the last time it was $1 o'clock UTC, or now ($2). */
static const char sql_digest_due[] =
	OUTBOX_COLS " FROM notify_digest_due(CASE WHEN $2::bool THEN now()"
	"  ELSE (date_trunc('day', (now() AT TIME ZONE 'UTC')"
	"       - make_interval(hours => $1::int))"
	"       + make_interval(hours => $1::int)) AT TIME ZONE 'UTC' END)";

int
job_notify_email(struct worker *w, struct worker_job *job, char *err,
    size_t len)
{
	PGresult	*res;
	json_t		*v;
	const char	*params[2];
	char		 id[24], delay[16];

	v = json_object_get(job->args, "notification");
	if (!json_is_integer(v) || json_integer_value(v) <= 0) {
		(void)snprintf(err, len, "args.notification missing");
		return (JOB_FAIL);
	}
	(void)snprintf(id, sizeof(id), "%lld",
	    (long long)json_integer_value(v));
	(void)snprintf(delay, sizeof(delay), "%d", wcfg.notify_delay_s);

	params[0] = id;
	params[1] = delay;
	if ((res = worker_db_exec(w, sql_email_due, 2, params)) == NULL) {
		(void)snprintf(err, len, "database unavailable");
		return (JOB_RETRY);
	}
	outbox_push_rows(w, res);
	PQclear(res);

	return (JOB_OK);
}

int
job_notify_digest(struct worker *w, struct worker_job *job, char *err,
    size_t len)
{
	if (notify_digest_run(w, 1) == -1) {
		(void)snprintf(err, len, "database unavailable");
		return (JOB_RETRY);
	}

	return (JOB_OK);
}

/*
 * Queue the digests due: those owed since the last digest hour, or
 * (`now`) everything owed up to now.  Returns the emails queued, or -1
 * when the database is unavailable.
 */
int
notify_digest_run(struct worker *w, int now)
{
	PGresult	*res;
	const char	*params[2];
	char		 hour[8];
	int		 n;

	(void)snprintf(hour, sizeof(hour), "%d", wcfg.digest_hour);
	params[0] = hour;
	params[1] = now ? "true" : "false";
	if ((res = worker_db_exec(w, sql_digest_due, 2, params)) == NULL)
		return (-1);
	n = PQntuples(res);
	outbox_push_rows(w, res);
	PQclear(res);
	if (n > 0)
		worker_log("info", "digest: %d email%s queued", n,
		    n == 1 ? "" : "s");

	return (n);
}
