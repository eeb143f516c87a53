/*
 * The blog images sweep: a blog image is an upload that no photo owns
 * and that is nobody's avatar; once no post (in any state) names it and
 * it is older than the grace period (time to write the post it was
 * uploaded for), its row is
 * withdrawn, so it leaves its uploader's quota, and a media_purge job
 * removes its files unless another row still uses the same content.
 *
 * Every worker process runs it now and then; the statement is one
 * transaction that skips rows another sweep holds, so running it twice
 * at once does no harm.
 */

#include <stdio.h>
#include <stdlib.h>

#include "worker.h"

#define SWEEP_BATCH	"200"

/*
 * The images posts name are collected in one pass over the posts (not
 * one per image); $1 is the grace period in seconds.
 */
static const char sql_sweep[] =
	"WITH used AS ("
	"  SELECT DISTINCT m[1] AS sha256"
	"    FROM posts,"
	"         regexp_matches(body,"
	"         '/media/(?:display|thumb)/([0-9a-f]{64})\\.jpg', 'g') AS m"
	"), gone AS ("
	"  UPDATE media_files m SET withdrawn = true"
	"   WHERE m.id IN ("
	"     SELECT f.id FROM media_files f"
	"      WHERE NOT f.withdrawn"
	"        AND f.created_at < now() - make_interval(secs => $1::int)"
	"        AND NOT EXISTS (SELECT 1 FROM photos p WHERE p.media_id = f.id)"
	"        AND NOT EXISTS (SELECT 1 FROM photo_items i"
	"                         WHERE i.media_id = f.id)"
	"        AND NOT EXISTS (SELECT 1 FROM users u"
	"                         WHERE u.avatar_media_id = f.id)"
	"        AND f.sha256 NOT IN (SELECT sha256 FROM used)"
	"      ORDER BY f.id LIMIT " SWEEP_BATCH
	"        FOR UPDATE SKIP LOCKED)"
	"  RETURNING m.sha256"
	"), j AS ("
	"  INSERT INTO job_outbox (type, queue, args)"
	"  SELECT DISTINCT 'media_purge', 'default',"
	"         jsonb_build_object('sha256', sha256) FROM gone"
	"  RETURNING id"
	")"
	"SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM j)";

void
blog_images_sweep(struct worker *w)
{
	PGresult	*res;
	const char	*params[1];
	char		 grace[16];

	(void)snprintf(grace, sizeof(grace), "%d", wcfg.image_grace_s);
	params[0] = grace;
	if ((res = worker_db_exec(w, sql_sweep, 1, params)) == NULL)
		return;
	if (strtoll(PQgetvalue(res, 0, 0), NULL, 10) > 0)
		worker_log("info", "sweep: %s unused blog images withdrawn",
		    PQgetvalue(res, 0, 0));
	PQclear(res);
}
