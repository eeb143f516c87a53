/*
 * The audit log (sql/026): what admins did, newest first, a page at a
 * time by a cursor (?before={the last id seen}).  The records are
 * written by the statements of the actions themselves and nothing here
 * or anywhere changes them.
 */

#include <stdint.h>
#include <stdio.h>

#include "admin/admin.h"

#define AUDIT_PAGE		50
#define AUDIT_LIMIT_MAX		200

/* $1 the id to start below (0: the newest), $2 rows; admin_history_col. */
static const char sql_audit[] =
	"SELECT a.id, a.action, a.admin_name, a.subject, a.reason,"
	"       " CORE_SQL_TS("a.created_at") ", a.target_name,"
	"       a.detail::text"
	"  FROM admin_audit a WHERE $1::bigint = 0 OR a.id < $1::bigint"
	" ORDER BY a.id DESC LIMIT $2";

static int	audit_load(struct http_request *, struct core_db *, int,
		    int *);

CORE_HANDLER_NEED(admin_audit_page, CORE_NEED_ADMIN)
{
	struct core_db		*db = &ctx->db[0];
	struct kore_buf		*buf;
	int			 i, n, limit;

	CORE_TRY(audit_load(req, db, AUDIT_PAGE, &limit));

	n = core_db_rows(db);
	buf = core_page_open(req, "Audit log");
	core_html_appendf(buf, "<h1>Audit log</h1>\n<p>What admins did, "
	    "newest first. Nothing removes these records.</p>\n");
	if (n == 0)
		core_html_appendf(buf, "<p>Nothing yet.</p>\n");
	else
		core_html_appendf(buf, "<div class=\"overflow-auto\"><table "
		    "class=\"striped\"><thead><tr><th>When</th><th>Who</th>"
		    "<th>What</th><th>To</th><th>On</th><th>Why</th></tr>"
		    "</thead><tbody>\n");
	for (i = 0; i < n; i++)
		core_html_appendf(buf, "<tr id=\"a%s\"><td>%T</td><td>%s</td>"
		    "<td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
		    core_db_value(db, i, ADMIN_H_ID),
		    core_db_value(db, i, ADMIN_H_CREATED),
		    core_db_value(db, i, ADMIN_H_ADMIN),
		    core_db_value(db, i, ADMIN_H_ACTION),
		    core_db_value(db, i, ADMIN_H_TARGET),
		    core_db_value(db, i, ADMIN_H_SUBJECT),
		    core_db_value(db, i, ADMIN_H_REASON));
	if (n > 0)
		core_html_appendf(buf, "</tbody></table></div>\n");
	if (n == limit)
		core_html_appendf(buf, "<nav class=\"pager\"><a href=\"/admin/"
		    "audit?before=%s\">Older →</a></nav>\n",
		    core_db_value(db, n - 1, ADMIN_H_ID));

	return (core_page_close(req, 200, buf));
}

/* GET /api/v1/admin/audit?before=&limit= */
CORE_HANDLER_NEED(admin_api_audit, CORE_NEED_ADMIN)
{
	struct core_db		*db = &ctx->db[0];
	json_t			*list;
	int			 i, n, limit;

	CORE_TRY(audit_load(req, db, AUDIT_LIMIT_MAX, &limit));

	list = json_array();
	n = core_db_rows(db);
	for (i = 0; i < n; i++)
		json_array_append_new(list, admin_audit_json(db, i));

	return (core_json_send(req, 200, json_pack("{s:o, s:o}",
	    "entries", list, "next_before", n > 0 && n == limit ?
	    json_integer(core_db_int(db, n - 1, ADMIN_H_ID)) : json_null())));
}

/*
 * A record as JSON, from a row of admin_history_col (the target and the
 * detail when the row has them).
 */
json_t *
admin_audit_json(struct core_db *db, int i)
{
	json_t		*a, *detail;
	int		 nf;

	nf = db->res != NULL ? PQnfields(db->res) : 0;
	a = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}",
	    "id", (json_int_t)core_db_int(db, i, ADMIN_H_ID),
	    "action", core_db_value(db, i, ADMIN_H_ACTION),
	    "admin", core_db_value(db, i, ADMIN_H_ADMIN),
	    "subject", core_db_value(db, i, ADMIN_H_SUBJECT),
	    "reason", core_db_value(db, i, ADMIN_H_REASON),
	    "created_at", core_db_value(db, i, ADMIN_H_CREATED));
	if (nf > ADMIN_H_TARGET)
		json_object_set_new(a, "target",
		    json_string(core_db_value(db, i, ADMIN_H_TARGET)));
	if (nf > ADMIN_H_DETAIL) {
		detail = json_loads(core_db_value(db, i, ADMIN_H_DETAIL), 0,
		    NULL);
		json_object_set_new(a, "detail",
		    detail != NULL ? detail : json_object());
	}

	return (a);
}

/*
 * Run the log query for ?before= (a record id, default the newest) and
 * ?limit= (1 to `max`, default `max`).  Bad values answer 400.
 */
static int
audit_load(struct http_request *req, struct core_db *db, int max,
    int *limitp)
{
	struct core_num	 b, l;
	const char	*v, *params[2];
	long long	 before, lim;
	int		 err;

	http_populate_get(req);
	before = 0;
	if ((v = core_form_get(req, "before")) != NULL) {
		before = kore_strtonum(v, 10, 1, INT64_MAX, &err);
		if (err != KORE_RESULT_OK)
			return (core_bad_param(req, "before",
			    "Use a record id."));
	}
	lim = max;
	if ((v = core_form_get(req, "limit")) != NULL) {
		lim = kore_strtonum(v, 10, 1, max, &err);
		if (err != KORE_RESULT_OK)
			return (core_bad_param(req, "limit",
			    "Use a number from 1 to 200."));
	}

	*limitp = (int)lim;
	params[0] = core_num(&b, before);
	params[1] = core_num(&l, lim);
	return (core_db_run(req, db, sql_audit, 2, params));
}
