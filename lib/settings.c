/*
 * Settings come from the file named by AGORA_CONFIG (default
 * var/dev/agora.env), KEY=VALUE lines, with the process environment taking
 * precedence.  What both programs need is read here; each adds its own
 * keys with agora_setting and agora_setting_number.  Strings are
 * malloc'ed and live as long as the process.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envfile.h"
#include "settings.h"

static int	settings_dup(char **, const char *, char *, size_t);
static int	settings_redis(struct agora_settings *, const char *, char *,
		    size_t);

/*
 * Load the settings file into the environment and fill `s`.  Returns 0,
 * or -1 with a message in `err`.
 */
int
agora_settings_load(struct agora_settings *s, char *err, size_t errlen)
{
	size_t		len;

	memset(s, 0, sizeof(*s));
	if (core_envfile_load(core_envfile_path(), err, errlen) == -1)
		return (-1);

	if (settings_dup(&s->database_url, agora_setting("AGORA_DATABASE_URL",
	    "host=/var/run/postgresql dbname=agora user=agora"),
	    err, errlen) == -1 ||
	    settings_redis(s, agora_setting("AGORA_REDIS", "127.0.0.1:6379"),
	    err, errlen) == -1 ||
	    settings_dup(&s->site_url, agora_setting("AGORA_SITE_URL",
	    "http://127.0.0.1:8888"), err, errlen) == -1 ||
	    settings_dup(&s->smtp_url, agora_setting("AGORA_SMTP_URL",
	    "smtp://127.0.0.1:8025"), err, errlen) == -1 ||
	    settings_dup(&s->mail_from, agora_setting("AGORA_MAIL_FROM",
	    "Agora <agora@localhost>"), err, errlen) == -1 ||
	    settings_dup(&s->media_dir, agora_setting("AGORA_MEDIA_DIR",
	    "var/dev/media"), err, errlen) == -1 ||
	    agora_setting_number("AGORA_UPLOAD_MAX_PIXELS", 50000000, 1,
	    1LL << 32, &s->upload_max_pixels, err, errlen) == -1)
		return (-1);

	while ((len = strlen(s->site_url)) > 1 && s->site_url[len - 1] == '/')
		s->site_url[len - 1] = '\0';

	return (0);
}

/* The value of `key`, or `def` when it is unset or empty. */
const char *
agora_setting(const char *key, const char *def)
{
	const char	*v;

	v = getenv(key);
	if (v == NULL || *v == '\0')
		return (def);

	return (v);
}

/*
 * The decimal number `key` in [min, max] into `out`, `def` when unset.
 * Returns 0, or -1 with a message in `err`.
 */
int
agora_setting_number(const char *key, long long def, long long min,
    long long max, long long *out, char *err, size_t errlen)
{
	const char	*v;
	char		*end;
	long long	 n;

	if ((v = agora_setting(key, NULL)) == NULL) {
		*out = def;
		return (0);
	}

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || end == v || n < min || n > max) {
		(void)snprintf(err, errlen,
		    "%s: '%s' is not a number in [%lld, %lld]", key, v,
		    min, max);
		return (-1);
	}

	*out = n;
	return (0);
}

static int
settings_dup(char **dst, const char *v, char *err, size_t errlen)
{
	if ((*dst = strdup(v)) == NULL) {
		(void)snprintf(err, errlen, "out of memory");
		return (-1);
	}

	return (0);
}

/* AGORA_REDIS is "unix:/path/to/socket" or "host:port". */
static int
settings_redis(struct agora_settings *s, const char *v, char *err,
    size_t errlen)
{
	const char	*colon;
	char		*end;
	long		 port;

	if (!strncmp(v, "unix:", 5))
		return (settings_dup(&s->redis_path, v + 5, err, errlen));

	if ((colon = strrchr(v, ':')) == NULL) {
		(void)snprintf(err, errlen,
		    "AGORA_REDIS: expected unix:/path or host:port");
		return (-1);
	}

	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno != 0 || end == colon + 1 || *end != '\0' || port < 1 ||
	    port > 65535) {
		(void)snprintf(err, errlen, "AGORA_REDIS: bad port in '%s'", v);
		return (-1);
	}

	if (settings_dup(&s->redis_host, v, err, errlen) == -1)
		return (-1);
	s->redis_host[colon - v] = '\0';
	s->redis_port = (int)port;

	return (0);
}
