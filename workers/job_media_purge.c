/*
 * media_purge: remove the served copies of an image nobody may see any
 * more, and its original once nothing refers to it.
 *
 * args: {"sha256": hex}.  Files are shared by content: the copies
 * (<media>/thumb and <media>/display, an avatar's <media>/avatar64 and
 * <media>/avatar256) go when no media row of that
 * sha256 is still in use (not withdrawn), the original (<media>/orig)
 * when no row is left at all.  The decision is taken on the current
 * rows, so a purge that runs after the image was restored removes
 * nothing.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "worker.h"

static const char sql_usage[] =
	"SELECT count(*) FILTER (WHERE NOT withdrawn), count(*)"
	"  FROM media_files WHERE sha256 = $1";

static int	remove_file(const char *, const char *, const char *, char *,
		    size_t);

int
job_media_purge(struct worker *w, struct worker_job *job, char *err,
    size_t len)
{
	PGresult	*res;
	const char	*sha, *params[1];
	long long	 in_use, rows;

	sha = json_string_value(json_object_get(job->args, "sha256"));
	if (sha == NULL || strlen(sha) != 64 ||
	    strspn(sha, "0123456789abcdef") != 64) {
		(void)snprintf(err, len, "args.sha256 is not a sha256");
		return (JOB_FAIL);
	}

	params[0] = sha;
	if ((res = worker_db_exec(w, sql_usage, 1, params)) == NULL) {
		(void)snprintf(err, len, "database unavailable");
		return (JOB_RETRY);
	}
	in_use = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	rows = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	PQclear(res);

	if (in_use > 0)
		return (JOB_OK);

	if (remove_file("thumb", sha, "jpg", err, len) == -1 ||
	    remove_file("display", sha, "jpg", err, len) == -1 ||
	    remove_file("avatar64", sha, "jpg", err, len) == -1 ||
	    remove_file("avatar256", sha, "jpg", err, len) == -1)
		return (JOB_RETRY);
	if (rows == 0 &&
	    (remove_file("orig", sha, "jpg", err, len) == -1 ||
	    remove_file("orig", sha, "png", err, len) == -1 ||
	    remove_file("orig", sha, "webp", err, len) == -1))
		return (JOB_RETRY);

	worker_log("info", "media_purge: %s (%s)", sha,
	    rows == 0 ? "all files" : "served copies");
	return (JOB_OK);
}

static int
remove_file(const char *dir, const char *sha, const char *ext, char *err,
    size_t len)
{
	char		path[PATH_MAX];

	(void)snprintf(path, sizeof(path), "%s/%s/%s.%s", wcfg.media_dir, dir,
	    sha, ext);
	if (unlink(path) == -1 && errno != ENOENT) {
		(void)snprintf(err, len, "unlink %s: %s", path, strerror(errno));
		return (-1);
	}

	return (0);
}
