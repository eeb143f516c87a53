/*
 * agora-worker: takes deferred jobs (email, thumbnails, moderation) from
 * the Redis queue that the site fills, with retries, a dead set and the
 * transactional outbox relay.  One process per concurrency slot, each
 * single-threaded; a supervisor restarts any that die.
 */

#ifndef __H_AGORA_WORKER_H
#define __H_AGORA_WORKER_H

#include <sys/types.h>

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "job_payload.h"

#define WORKER_FETCH_MAX	64

/* What a handler reports. */
#define JOB_OK		0	/* done: acknowledge */
#define JOB_RETRY	1	/* transient: try again later with backoff */
#define JOB_FAIL	2	/* permanent: straight to the dead set */

struct worker_config {
	char		*database_url;
	char		*redis_path;
	char		*redis_host;
	int		 redis_port;
	char		*site_url;
	char		*smtp_url;
	char		*mail_from;
	char		*smtp_tls;		/* try, require or none */
	char		*media_dir;
	char		*words_file;
	char		*detect_model;
	double		 cat_threshold;		/* a cat photo from here */
	double		 tag_threshold;		/* a detected tag from here */
	int		 detect_people;		/* store and tag people */
	u_int64_t	 max_pixels;
	int		 concurrency;
	int		 visibility_ms;
	int		 backoff_ms;		/* first retry delay */
	int		 relay_ms;		/* outbox relay period */
	int		 sweep_ms;		/* blog images sweep period */
	int		 image_grace_s;		/* an unused image's life */
	unsigned char	 secret[32];		/* AGORA_SECRET_KEY */
	int		 has_secret;
	int		 notify_delay_s;	/* "a few minutes" */
	int		 digest_hour;		/* UTC hour of the digest */
	int		 digest_check_ms;	/* how often it is looked for */
};

struct worker_job {
	char		*id;
	const char	*type;
	const char	*rid;
	json_t		*root;			/* the payload */
	json_t		*args;
	int		 attempts;
	int64_t		 outbox_id;		/* 0: not from the outbox */
};

/* A job to put on the queue (queue_push_many). */
struct queue_item {
	const char	*id;
	const char	*payload;
	int		 prio;
	u_int64_t	 run_at;
};

struct worker;

struct job_type {
	const char	*name;
	int		(*run)(struct worker *, struct worker_job *, char *,
			    size_t);
	int		 max_attempts;
};

struct worker {
	char			 name[64];
	redisContext		*redis;
	PGconn			*pg;
	char			 sha_fetch[41];
	char			 sha_ack[41];
	char			 sha_fail[41];
	char			 sha_enqueue_many[41];
	char			 sha_release[41];
	char			 sha_extend[41];
	int			 fetch_size;
	u_int64_t		 next_relay;
	u_int64_t		 next_sweep;
	u_int64_t		 next_digest;
	int64_t			 done_outbox[WORKER_FETCH_MAX * 4];
	int			 done_count;
};

/* A growable byte string (NUL-terminated). */
struct mbuf {
	char		*d;
	size_t		 len;
	size_t		 cap;
};

extern struct worker_config	wcfg;
extern volatile sig_atomic_t	worker_quit;

/* worker_main.c */
u_int64_t	worker_now_ms(void);

/* worker_config.c */
void		worker_config_load(void);

/* worker_log.c */
void		worker_log(const char *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		worker_log_job(struct worker_job *, const char *, u_int64_t,
		    const char *);

/* worker_queue.c */
int		queue_connect(struct worker *);
int		queue_fetch(struct worker *, struct worker_job *, int);
int		queue_ack(struct worker *, const char **, int);
int		queue_release(struct worker *, const char **, int);
int		queue_fail(struct worker *, const char *, const char *,
		    const char *, u_int64_t);
int		queue_enqueue(struct worker *, const char *, const char *,
		    int, u_int64_t, const char *);
int		queue_push_many(struct worker *, const struct queue_item *,
		    int);
int		queue_wait(struct worker *, int);
int		queue_extend(struct worker *, char **, int);
void		queue_job_free(struct worker_job *);

/* worker_heartbeat.c */
int		worker_heartbeat_start(struct worker *);
void		worker_heartbeat_hold(struct worker_job *, int);
void		worker_heartbeat_stop(void);

/* worker_db.c */
PGconn		*worker_db(struct worker *);
void		worker_db_reset(struct worker *);
PGresult	*worker_db_exec(struct worker *, const char *, int,
		    const char *const *);

/* worker_outbox.c */
void		outbox_relay(struct worker *);
void		outbox_push_rows(struct worker *, PGresult *);
void		outbox_done(struct worker *, int64_t);
void		outbox_flush(struct worker *);

/* worker_sweep.c */
void		blog_images_sweep(struct worker *);

/* worker_loop.c */
int		worker_loop(struct worker *);
const struct job_type *job_type_find(const char *);

/* mbuf.c */
void		mbuf_add(struct mbuf *, const void *, size_t);
void		mbuf_adds(struct mbuf *, const char *);
void		mbuf_addf(struct mbuf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		mbuf_free(struct mbuf *);

/* mail_message.c */
int		mail_build(struct mbuf *, const char *, const char *,
		    const char *, const char *, const char *, char *, size_t);
int		mail_build_list(struct mbuf *, const char *, const char *,
		    const char *, const char *, const char *, const char *,
		    char *, size_t);
int		mail_address_ok(const char *);
const char	*mail_addr_spec(const char *, char *, size_t);

/* mail_templates.c */
int		mail_render(const char *, json_t *, struct mbuf *,
		    struct mbuf *, struct mbuf *);

/* mail_link.c */
int		mail_link_wanted(json_t *);
int		mail_link_mint(struct worker *, json_t *, int *, char *,
		    size_t, char *, size_t);
void		mail_link_forget(struct worker *, json_t *, const char *);

/* job_export.c */
int		job_export(struct worker *, struct worker_job *, char *, size_t);
void		exports_sweep(struct worker *);

/* job_email.c */
int		job_email(struct worker *, struct worker_job *, char *, size_t);

/* job_notify.c */
int		job_notify_email(struct worker *, struct worker_job *, char *,
		    size_t);
int		job_notify_digest(struct worker *, struct worker_job *, char *,
		    size_t);
int		notify_digest_run(struct worker *, int);

/* job_thumbnail.c */
int		job_thumbnail(struct worker *, struct worker_job *, char *,
		    size_t);
int		job_avatar(struct worker *, struct worker_job *, char *,
		    size_t);
int		avatar_make(const char *, const char *, const char *, int *,
		    int *, char *, size_t);
void		thumbnail_init(const char *);
int		thumbnail_make(const char *, const char *, const char *,
		    int *, int *, char *, size_t);

/* job_moderate.c */
int		job_moderate(struct worker *, struct worker_job *, char *,
		    size_t);

/* job_detect.c */
int		job_detect(struct worker *, struct worker_job *, char *,
		    size_t);
json_t		*detect_file(const char *, char *, size_t);

/* job_media_purge.c */
int		job_media_purge(struct worker *, struct worker_job *, char *,
		    size_t);

/* job_blog_publish.c */
int		job_blog_publish(struct worker *, struct worker_job *, char *,
		    size_t);

/* job_publish.c */
int		job_publish(struct worker *, struct worker_job *, char *,
		    size_t);

#endif /* !__H_AGORA_WORKER_H */
