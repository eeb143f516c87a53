/*
 * What apps/core/db.c needs of Kore and the rest of the core, so a unit
 * test can read a PGresult built in memory through core_db_value() and
 * friends.  Nothing here runs a statement: the pgsql calls stop the test.
 */

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

void
kore_log(int prio, const char *fmt, ...)
{
	va_list		args;

	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputc('\n', stderr);
}

char *
kore_strdup(const char *str)
{
	size_t		len;
	char		*nstr;

	len = strlen(str) + 1;
	nstr = kore_malloc(len);
	memcpy(nstr, str, len);

	return (nstr);
}

/* Kore 4.1.0's (src/utils.c), for the signed case core_db_int uses. */
u_int64_t
kore_strtonum64(const char *str, int sign, int *err)
{
	long long	 ll;
	char		*ep;

	if (!sign)
		fatal("kore_strtonum64: only the signed case is stubbed");

	errno = 0;
	ll = strtoll(str, &ep, 10);
	if ((errno == EINVAL || errno == ERANGE) &&
	    (ll == LLONG_MIN || ll == LLONG_MAX)) {
		*err = KORE_RESULT_ERROR;
		return (0);
	}
	if (str == ep || *ep != '\0') {
		*err = KORE_RESULT_ERROR;
		return (0);
	}

	*err = KORE_RESULT_OK;
	return ((u_int64_t)ll);
}

struct kore_timer *
kore_timer_add(void (*cb)(void *, u_int64_t), u_int64_t interval, void *arg,
    int flags)
{
	fatal("kore_timer_add: not in unit tests");
	return (NULL);
}

void
kore_pgsql_init(struct kore_pgsql *sql)
{
	fatal("kore_pgsql_init: not in unit tests");
}

void
kore_pgsql_bind_request(struct kore_pgsql *sql, struct http_request *req)
{
	fatal("kore_pgsql_bind_request: not in unit tests");
}

void
kore_pgsql_bind_callback(struct kore_pgsql *sql,
    void (*cb)(struct kore_pgsql *, void *), void *arg)
{
	fatal("kore_pgsql_bind_callback: not in unit tests");
}

int
kore_pgsql_setup(struct kore_pgsql *sql, const char *dbname, int flags)
{
	fatal("kore_pgsql_setup: not in unit tests");
	return (KORE_RESULT_ERROR);
}

void
kore_pgsql_cleanup(struct kore_pgsql *sql)
{
	fatal("kore_pgsql_cleanup: not in unit tests");
}

void
kore_pgsql_continue(struct kore_pgsql *sql)
{
	fatal("kore_pgsql_continue: not in unit tests");
}

int
kore_pgsql_query_param_fields(struct kore_pgsql *sql, const void *query,
    int result, int count, const char **values, int *lengths, int *formats)
{
	fatal("kore_pgsql_query_param_fields: not in unit tests");
	return (KORE_RESULT_ERROR);
}

int
core_error(struct http_request *req, int status, const char *detail)
{
	fatal("core_error: not in unit tests");
	return (CORE_DONE);
}

void
core_metrics_pg_wait(void)
{
}

void
core_metrics_overload(void)
{
}

int
core_dbprep_send(struct kore_pgsql *sql, const char *query, int count,
    const char **params)
{
	fatal("core_dbprep_send: not in unit tests");
	return (-1);
}

void
core_dbprep_done(struct kore_pgsql *sql, const char *query)
{
}

void
core_dbprep_forget(struct kore_pgsql *sql)
{
}

void
http_response_header(struct http_request *req, const char *name,
    const char *value)
{
}

int
core_dbadmit_enter(struct core_db *db)
{
	fatal("core_dbadmit_enter: not in unit tests");
	return (CORE_DONE);
}

void
core_dbadmit_leave(struct core_db *db)
{
}
