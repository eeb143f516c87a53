/*
 * The worker's settings: the same file and keys as the site
 * (conf/agora.env.example), plus the queue's own knobs.
 */

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/envfile.h"
#include "worker.h"

struct worker_config	wcfg;

static const char	*cfg_get(const char *, const char *);
static int		 smtp_loopback(const char *);
static long long	 cfg_number(const char *, long long, long long,
			    long long);
static char		*cfg_dup(const char *);
static void		 cfg_die(const char *, ...)
			    __attribute__((format(printf, 1, 2), noreturn));

void
worker_config_load(void)
{
	const char	*redis, *colon;
	char		 err[256];

	if (core_envfile_load(core_envfile_path(), err, sizeof(err)) == -1)
		cfg_die("%s", err);

	wcfg.database_url = cfg_dup(cfg_get("AGORA_DATABASE_URL",
	    "host=/var/run/postgresql dbname=agora user=agora"));
	wcfg.site_url = cfg_dup(cfg_get("AGORA_SITE_URL",
	    "http://127.0.0.1:8888"));
	wcfg.smtp_url = cfg_dup(cfg_get("AGORA_SMTP_URL",
	    "smtp://127.0.0.1:8025"));
	wcfg.mail_from = cfg_dup(cfg_get("AGORA_MAIL_FROM",
	    "Agora <agora@localhost>"));
	wcfg.smtp_tls = cfg_dup(cfg_get("AGORA_SMTP_TLS",
	    smtp_loopback(wcfg.smtp_url) ? "try" : "require"));
	wcfg.media_dir = cfg_dup(cfg_get("AGORA_MEDIA_DIR", "var/media"));
	wcfg.words_file = cfg_dup(cfg_get("AGORA_MODERATION_WORDS",
	    "conf/moderation-words.txt"));
	wcfg.cat_cascade = cfg_dup(cfg_get("AGORA_CAT_CASCADE",
	    "/usr/share/opencv4/haarcascades/"
	    "haarcascade_frontalcatface_extended.xml"));
	wcfg.max_pixels = cfg_number("AGORA_UPLOAD_MAX_PIXELS", 50000000, 1,
	    1LL << 32);
	wcfg.concurrency = cfg_number("AGORA_WORKER_CONCURRENCY", 2, 1, 64);
	wcfg.visibility_ms = cfg_number("AGORA_JOB_VISIBILITY_MS", 60000,
	    1000, 3600000);
	wcfg.backoff_ms = cfg_number("AGORA_JOB_BACKOFF_MS", 2000, 10,
	    600000);
	wcfg.relay_ms = cfg_number("AGORA_JOB_RELAY_MS", 2000, 100, 600000);
	wcfg.sweep_ms = cfg_number("AGORA_IMAGE_SWEEP_MS", 600000, 100,
	    86400000);
	wcfg.image_grace_s = cfg_number("AGORA_IMAGE_GRACE", 86400, 1,
	    365 * 86400);

	if (strcmp(wcfg.smtp_tls, "try") && strcmp(wcfg.smtp_tls, "require") &&
	    strcmp(wcfg.smtp_tls, "none"))
		cfg_die("AGORA_SMTP_TLS must be try, require or none");

	redis = cfg_get("AGORA_REDIS", "127.0.0.1:6379");
	if (!strncmp(redis, "unix:", 5)) {
		wcfg.redis_path = cfg_dup(redis + 5);
	} else {
		if ((colon = strrchr(redis, ':')) == NULL)
			cfg_die("AGORA_REDIS: expected unix:/path or host:port");
		wcfg.redis_host = cfg_dup(redis);
		wcfg.redis_host[colon - redis] = '\0';
		wcfg.redis_port = strtol(colon + 1, NULL, 10);
		if (wcfg.redis_port < 1 || wcfg.redis_port > 65535)
			cfg_die("AGORA_REDIS: bad port");
	}
}

/*
 * Whether the host of an smtp:// or smtps:// URL is this machine's
 * loopback (localhost, 127.0.0.0/8, ::1): the one place where mail may
 * go without TLS unless the settings say otherwise.
 */
static int
smtp_loopback(const char *url)
{
	const char	*h, *at, *end;
	char		 host[256];
	size_t		 n;

	if ((h = strstr(url, "://")) == NULL)
		return (0);
	h += 3;
	end = h + strcspn(h, "/?#");
	if ((at = memchr(h, '@', end - h)) != NULL)
		h = at + 1;
	if (*h == '[') {
		h++;
		n = strcspn(h, "]");
	} else {
		n = strcspn(h, ":/?#");
	}
	if (n == 0 || n >= sizeof(host))
		return (0);
	memcpy(host, h, n);
	host[n] = '\0';

	return (!strcasecmp(host, "localhost") || !strcmp(host, "::1") ||
	    (!strncmp(host, "127.", 4) &&
	    strspn(host, "0123456789.") == n));
}

static const char *
cfg_get(const char *key, const char *def)
{
	const char	*v;

	v = getenv(key);
	if (v == NULL || *v == '\0')
		return (def);

	return (v);
}

static long long
cfg_number(const char *key, long long def, long long min, long long max)
{
	const char	*v;
	char		*end;
	long long	 n;

	if ((v = cfg_get(key, NULL)) == NULL)
		return (def);

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || end == v || n < min || n > max)
		cfg_die("%s: '%s' is not a number in [%lld, %lld]", key, v,
		    min, max);

	return (n);
}

static char *
cfg_dup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		cfg_die("out of memory");

	return (p);
}

static void
cfg_die(const char *fmt, ...)
{
	va_list		ap;
	char		msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	worker_log("fatal", "%s", msg);
	exit(1);
}
