/*
 * The worker's settings: the keys it shares with the site come from
 * lib/settings.c (conf/agora.env.example), plus the queue's own knobs.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "settings.h"
#include "worker.h"
#include "detect.h"

struct worker_config	wcfg;

static int		 smtp_loopback(const char *);
static long long	 cfg_number(const char *, long long, long long,
			    long long);
static double		 cfg_fraction(const char *, double);
static char		*cfg_dup(const char *);
static void		 cfg_secret(const char *);
static void		 cfg_die(const char *, ...)
			    __attribute__((format(printf, 1, 2), noreturn));

void
worker_config_load(void)
{
	struct agora_settings	s;
	char			err[256];

	if (agora_settings_load(&s, err, sizeof(err)) == -1)
		cfg_die("%s", err);

	wcfg.database_url = s.database_url;
	wcfg.redis_path = s.redis_path;
	wcfg.redis_host = s.redis_host;
	wcfg.redis_port = s.redis_port;
	wcfg.site_url = s.site_url;
	wcfg.smtp_url = s.smtp_url;
	wcfg.mail_from = s.mail_from;
	wcfg.media_dir = s.media_dir;
	wcfg.max_pixels = s.upload_max_pixels;

	wcfg.smtp_tls = cfg_dup(agora_setting("AGORA_SMTP_TLS",
	    smtp_loopback(wcfg.smtp_url) ? "try" : "require"));
	wcfg.words_file = cfg_dup(agora_setting("AGORA_MODERATION_WORDS",
	    "conf/moderation-words.txt"));
	wcfg.detect_model = cfg_dup(agora_setting("AGORA_DETECT_MODEL",
	    "var/models/centernet.pb"));
	/* Chosen on Debian's sample photos (README, bench/vision.sh). */
	wcfg.cat_threshold = cfg_fraction("AGORA_DETECT_CAT_THRESHOLD",
	    DETECT_CAT_THRESHOLD);
	wcfg.tag_threshold = cfg_fraction("AGORA_DETECT_TAG_THRESHOLD",
	    DETECT_TAG_THRESHOLD);
	wcfg.detect_people = cfg_number("AGORA_DETECT_PEOPLE", 0, 0, 1);
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

	wcfg.notify_delay_s = cfg_number("AGORA_NOTIFY_EMAIL_DELAY", 300, 0,
	    86400);
	wcfg.digest_hour = cfg_number("AGORA_DIGEST_HOUR", 7, 0, 23);
	wcfg.digest_check_ms = cfg_number("AGORA_DIGEST_CHECK_MS", 60000, 100,
	    3600000);
	cfg_secret(agora_setting("AGORA_SECRET_KEY", NULL));

	if (strcmp(wcfg.smtp_tls, "try") && strcmp(wcfg.smtp_tls, "require") &&
	    strcmp(wcfg.smtp_tls, "none"))
		cfg_die("AGORA_SMTP_TLS must be try, require or none");
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

/*
 * The site's secret signs the unsubscribe links of notification emails
 * (lib/unsubscribe.c).  Without it the worker runs, but those emails
 * fail until it is set.
 */
static void
cfg_secret(const char *hex)
{
	size_t		len;

	if (hex == NULL)
		return;
	if (strlen(hex) != 64 || sodium_hex2bin(wcfg.secret,
	    sizeof(wcfg.secret), hex, 64, NULL, &len, NULL) != 0 ||
	    len != sizeof(wcfg.secret))
		cfg_die("AGORA_SECRET_KEY must be 64 hex digits");
	wcfg.has_secret = 1;
}

static long long
cfg_number(const char *key, long long def, long long min, long long max)
{
	long long	n;
	char		err[256];

	if (agora_setting_number(key, def, min, max, &n, err,
	    sizeof(err)) == -1)
		cfg_die("%s", err);

	return (n);
}

/* A setting between 0 and 1, `def` when unset. */
static double
cfg_fraction(const char *key, double def)
{
	const char	*v;
	char		*end;
	double		 d;

	if ((v = agora_setting(key, NULL)) == NULL)
		return (def);
	errno = 0;
	d = strtod(v, &end);
	if (errno != 0 || end == v || *end != '\0' || !(d >= 0 && d <= 1))
		cfg_die("%s: a number from 0 to 1, not \"%s\"", key, v);

	return (d);
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
