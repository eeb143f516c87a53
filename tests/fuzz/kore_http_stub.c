/*
 * What Kore's http.c needs of the rest of Kore, for fuzz targets that run
 * its request parsers (multipart) on their own.  The parsers never reach
 * these: each aborts, so a path that would is found at once.
 */

#include <stdlib.h>

#include "core/core.h"

int			 kore_foreground = 1;
char			*kore_progname = "fuzz";
const char		*kore_version = "fuzz";
struct kore_worker	*worker = NULL;
u_int32_t		 worker_max_connections = 1;

/* Every field the routes declare is checked by the site's validator. */
int
kore_validator_check(struct http_request *req, struct kore_validator *val,
    const void *data)
{
	char	*copy;
	int	 r;

	/* v_text takes a writable string as Kore's runtime passes it. */
	if ((copy = strdup(data)) == NULL)
		abort();
	r = v_text(req, copy);
	free(copy);

	return (r);
}

void
kore_accesslog(struct http_request *req)
{
	abort();
}

int
kore_auth_run(struct http_request *req, struct kore_auth *auth)
{
	abort();
}

void
kore_connection_disconnect(struct connection *c)
{
	abort();
}

struct kore_domain *
kore_domain_lookup(struct kore_server *srv, const char *name)
{
	abort();
}

void
kore_fileref_release(struct kore_fileref *ref)
{
	abort();
}

void
kore_keymgr_cleanup(int final)
{
	abort();
}

struct kore_module_handle *
kore_module_handler_find(struct http_request *req, struct kore_domain *dom)
{
	abort();
}

void
kore_msg_send(u_int16_t dst, u_int8_t id, const void *data, size_t len)
{
	abort();
}

void
kore_pgsql_cleanup(struct kore_pgsql *pgsql)
{
	abort();
}

int
kore_runtime_http_request(struct kore_runtime_call *rcall,
    struct http_request *req)
{
	abort();
}

void
kore_task_destroy(struct kore_task *t)
{
	abort();
}

int
kore_task_finished(struct kore_task *t)
{
	abort();
}

int
net_recv_flush(struct connection *c)
{
	abort();
}

void
net_recv_reset(struct connection *c, size_t len, int (*cb)(struct netbuf *))
{
	abort();
}

int
net_send_flush(struct connection *c)
{
	abort();
}

void
net_send_queue(struct connection *c, const void *data, size_t len)
{
	abort();
}

void
net_send_stream(struct connection *c, void *data, size_t len,
    int (*cb)(struct netbuf *), struct netbuf **out)
{
	abort();
}

void
net_send_fileref(struct connection *c, struct kore_fileref *ref)
{
	abort();
}
