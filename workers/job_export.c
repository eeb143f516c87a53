/*
 * export {export}: build a user's data export (sql/025_export_delete.sql)
 * as <media>/exports/export-<id>.zip: data.json (export_document()) and
 * the originals of their photos as photos/<id>.<ext>.  The archive is
 * written under a temporary name and renamed once complete; the row then
 * becomes ready for EXPORT_TTL and an email tells the user, in the same
 * statement.  A zip (libarchive) opens anywhere without extra software.
 *
 * exports_sweep(): expired exports, and those of users who are gone,
 * lose their file.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "worker.h"

#define EXPORT_TTL	"86400"		/* seconds a ready export is kept */
#define EXPORT_CHUNK	65536
#define SWEEP_EXPORTS	"100"

static const char sql_claim[] =
	"UPDATE data_exports SET state = 'building'"
	" WHERE id = $1 AND state IN ('queued', 'building')"
	"   AND user_id IS NOT NULL"
	" RETURNING user_id";

static const char sql_document[] =
	"SELECT jsonb_pretty(export_document($1))";

static const char sql_photos[] =
	"SELECT p.id, m.sha256,"
	"       CASE m.format WHEN 'jpeg' THEN 'jpg' ELSE m.format END"
	"  FROM photos p JOIN media_files m ON m.id = p.media_id"
	" WHERE p.owner_id = $1 ORDER BY p.id";

/* $1 export, $2 file, $3 bytes: ready, and the email (outbox columns). */
static const char sql_ready[] =
	"WITH e AS ("
	"  UPDATE data_exports SET state = 'ready', file = $2, bytes = $3,"
	"         ready_at = now(),"
	"         expires_at = now() + make_interval(secs => " EXPORT_TTL ")"
	"   WHERE id = $1 AND state = 'building'"
	"  RETURNING user_id"
	"), j AS ("
	"  INSERT INTO job_outbox (type, queue, args)"
	"  SELECT 'email', 'default', jsonb_build_object('template',"
	"         'export_ready', 'to', u.email, 'username', u.username,"
	"         'path', '/settings#export')"
	"    FROM e JOIN users u ON u.id = e.user_id"
	"  RETURNING *"
	")"
	"SELECT id, type, queue, args::text,"
	"       (extract(epoch FROM run_at) * 1000)::bigint,"
	"       (extract(epoch FROM created_at) * 1000)::bigint,"
	"       coalesce(request_id, '')"
	"  FROM j";

static const char sql_failed[] =
	"UPDATE data_exports SET state = 'failed' WHERE id = $1"
	"   AND state = 'building'";

static const char sql_expired[] =
	"SELECT id, file FROM data_exports"
	" WHERE file IS NOT NULL AND (expires_at < now() OR user_id IS NULL)"
	" ORDER BY id LIMIT " SWEEP_EXPORTS;

static const char sql_expire[] =
	"UPDATE data_exports SET state = 'expired', file = NULL WHERE id = $1";

static int	export_write(const char *, const char *, PGresult *, char *,
		    size_t);
static int	add_bytes(struct archive *, const char *, const void *, size_t);
static int	add_file(struct archive *, const char *, const char *);

int
job_export(struct worker *w, struct worker_job *job, char *err, size_t len)
{
	PGresult	*res, *doc, *photos;
	json_t		*v;
	const char	*params[3];
	char		 id[24], uid[24], name[64], bytes[24];
	char		 path[PATH_MAX], tmp[PATH_MAX];
	struct stat	 st;
	int		 rc;

	v = json_object_get(job->args, "export");
	if (!json_is_integer(v) || json_integer_value(v) <= 0) {
		(void)snprintf(err, len, "args.export missing");
		return (JOB_FAIL);
	}
	(void)snprintf(id, sizeof(id), "%lld",
	    (long long)json_integer_value(v));
	params[0] = id;
	if ((res = worker_db_exec(w, sql_claim, 1, params)) == NULL) {
		(void)snprintf(err, len, "database unavailable");
		return (JOB_RETRY);
	}
	if (PQntuples(res) != 1) {
		/* Gone, done, or its user deleted their account. */
		PQclear(res);
		return (JOB_OK);
	}
	(void)snprintf(uid, sizeof(uid), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);

	params[0] = uid;
	if ((doc = worker_db_exec(w, sql_document, 1, params)) == NULL) {
		(void)snprintf(err, len, "database unavailable");
		return (JOB_RETRY);
	}
	if ((photos = worker_db_exec(w, sql_photos, 1, params)) == NULL) {
		PQclear(doc);
		(void)snprintf(err, len, "database unavailable");
		return (JOB_RETRY);
	}

	(void)snprintf(name, sizeof(name), "export-%s.zip", id);
	(void)snprintf(path, sizeof(path), "%s/exports/%s", wcfg.media_dir,
	    name);
	(void)snprintf(tmp, sizeof(tmp), "%s/exports/.%s.tmp", wcfg.media_dir,
	    name);
	(void)snprintf(err, len, "%s", "");
	(void)snprintf(bytes, sizeof(bytes), "%s", "0");
	(void)snprintf(path, sizeof(path), "%s/exports", wcfg.media_dir);
	if (mkdir(path, 0755) == -1 && errno != EEXIST) {
		(void)snprintf(err, len, "mkdir %s: %s", path, strerror(errno));
		PQclear(doc);
		PQclear(photos);
		return (JOB_RETRY);
	}
	(void)snprintf(path, sizeof(path), "%s/exports/%s", wcfg.media_dir,
	    name);
	rc = export_write(tmp, PQgetvalue(doc, 0, 0), photos, err, len);
	PQclear(doc);
	PQclear(photos);
	if (rc == 0 && rename(tmp, path) == -1) {
		(void)snprintf(err, len, "rename %s: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && stat(path, &st) == 0)
		(void)snprintf(bytes, sizeof(bytes), "%lld",
		    (long long)st.st_size);
	if (rc == -1) {
		(void)unlink(tmp);
		params[0] = id;
		if ((res = worker_db_exec(w, sql_failed, 1, params)) != NULL)
			PQclear(res);
		return (JOB_FAIL);
	}

	params[0] = id;
	params[1] = name;
	params[2] = bytes;
	if ((res = worker_db_exec(w, sql_ready, 3, params)) == NULL) {
		/* Built again on the next attempt. */
		(void)unlink(path);
		(void)snprintf(err, len, "database unavailable");
		return (JOB_RETRY);
	}
	outbox_push_rows(w, res);
	PQclear(res);

	worker_log("info", "export: %s for user %s (%s bytes)", name, uid,
	    bytes);
	return (JOB_OK);
}

/* Remove the files of exports that expired or whose user is gone. */
void
exports_sweep(struct worker *w)
{
	PGresult	*res, *r;
	const char	*params[1], *file;
	char		 path[PATH_MAX];
	int		 i;

	if ((res = worker_db_exec(w, sql_expired, 0, NULL)) == NULL)
		return;
	for (i = 0; i < PQntuples(res); i++) {
		file = PQgetvalue(res, i, 1);
		if (strchr(file, '/') != NULL)
			continue;
		(void)snprintf(path, sizeof(path), "%s/exports/%s",
		    wcfg.media_dir, file);
		if (unlink(path) == -1 && errno != ENOENT) {
			worker_log("warning", "export sweep: unlink %s: %s",
			    path, strerror(errno));
			continue;
		}
		params[0] = PQgetvalue(res, i, 0);
		if ((r = worker_db_exec(w, sql_expire, 1, params)) != NULL)
			PQclear(r);
	}
	if (PQntuples(res) > 0)
		worker_log("info", "export sweep: %d removed", PQntuples(res));
	PQclear(res);
}

/*
 * Write the zip at `tmp`: data.json, then each photo's original (a
 * missing original is left out).  Returns 0, or -1 with `err` set.
 */
static int
export_write(const char *tmp, const char *json, PGresult *photos, char *err,
    size_t len)
{
	struct archive	*a;
	char		 src[PATH_MAX], dst[96];
	int		 i, rc;

	if ((a = archive_write_new()) == NULL) {
		(void)snprintf(err, len, "archive_write_new failed");
		return (-1);
	}
	if (archive_write_set_format_zip(a) != ARCHIVE_OK ||
	    archive_write_open_filename(a, tmp) != ARCHIVE_OK) {
		(void)snprintf(err, len, "%s: %s", tmp, archive_error_string(a));
		archive_write_free(a);
		return (-1);
	}

	rc = add_bytes(a, "data.json", json, strlen(json));
	for (i = 0; rc == 0 && i < PQntuples(photos); i++) {
		(void)snprintf(src, sizeof(src), "%s/orig/%s.%s",
		    wcfg.media_dir, PQgetvalue(photos, i, 1),
		    PQgetvalue(photos, i, 2));
		(void)snprintf(dst, sizeof(dst), "photos/%s.%s",
		    PQgetvalue(photos, i, 0), PQgetvalue(photos, i, 2));
		rc = add_file(a, src, dst);
	}
	if (rc == -1)
		(void)snprintf(err, len, "archive: %s",
		    archive_error_string(a) != NULL ?
		    archive_error_string(a) : strerror(errno));
	if (archive_write_close(a) != ARCHIVE_OK && rc == 0) {
		(void)snprintf(err, len, "archive close: %s",
		    archive_error_string(a));
		rc = -1;
	}
	archive_write_free(a);

	return (rc);
}

static int
add_bytes(struct archive *a, const char *name, const void *data, size_t n)
{
	struct archive_entry	*e;
	int			 rc;

	e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, (la_int64_t)n);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_mtime(e, time(NULL), 0);
	rc = archive_write_header(a, e) == ARCHIVE_OK &&
	    archive_write_data(a, data, n) == (la_ssize_t)n ? 0 : -1;
	archive_entry_free(e);

	return (rc);
}

/* Add file `src` as `dst`; a file that is not there is skipped. */
static int
add_file(struct archive *a, const char *src, const char *dst)
{
	struct archive_entry	*e;
	struct stat		 st;
	char			*chunk;
	ssize_t			 n;
	int			 fd, rc;

	n = 0;
	if ((fd = open(src, O_RDONLY | O_NOFOLLOW)) == -1)
		return (errno == ENOENT ? 0 : -1);
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return (0);
	}

	e = archive_entry_new();
	archive_entry_set_pathname(e, dst);
	archive_entry_set_size(e, st.st_size);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_mtime(e, st.st_mtime, 0);
	rc = archive_write_header(a, e) == ARCHIVE_OK ? 0 : -1;
	archive_entry_free(e);

	chunk = malloc(EXPORT_CHUNK);
	if (chunk == NULL)
		rc = -1;
	while (rc == 0 && (n = read(fd, chunk, EXPORT_CHUNK)) > 0) {
		if (archive_write_data(a, chunk, n) != n)
			rc = -1;
	}
	if (rc == 0 && n == -1)
		rc = -1;
	free(chunk);
	close(fd);

	return (rc);
}
