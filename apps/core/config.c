/*
 * Runtime configuration.
 *
 * Settings come from the file named by AGORA_CONFIG (default
 * var/dev/agora.env), KEY=VALUE lines, with the process environment taking
 * precedence.  conf/agora.env.example documents every key.  Read once in
 * the parent before the workers fork, so every worker shares it.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/core.h"
#include "core/envfile.h"

struct core_config	core_cfg;

static const char	*config_get(const char *, const char *);
static long long	config_number(const char *, long long, long long,
			    long long);
static void		config_redis(const char *);
static void		config_secret(const char *);

void
core_config_load(void)
{
	const char	*v;
	char		 err[256];

	if (core_envfile_load(core_envfile_path(), err, sizeof(err)) == -1)
		fatal("%s", err);

	core_cfg.database_url = kore_strdup(config_get("AGORA_DATABASE_URL",
	    "host=/var/run/postgresql dbname=agora user=agora"));
	config_redis(config_get("AGORA_REDIS", "127.0.0.1:6379"));

	core_cfg.site_url = kore_strdup(config_get("AGORA_SITE_URL",
	    "http://127.0.0.1:8888"));
	while (strlen(core_cfg.site_url) > 1 &&
	    core_cfg.site_url[strlen(core_cfg.site_url) - 1] == '/')
		core_cfg.site_url[strlen(core_cfg.site_url) - 1] = '\0';

	v = config_get("AGORA_COOKIE_SECURE", "auto");
	if (!strcmp(v, "auto"))
		core_cfg.cookie_secure =
		    !strncmp(core_cfg.site_url, "https://", 8);
	else
		core_cfg.cookie_secure = !strcmp(v, "1") || !strcmp(v, "yes");

	config_secret(config_get("AGORA_SECRET_KEY", NULL));

	core_cfg.smtp_url = kore_strdup(config_get("AGORA_SMTP_URL",
	    "smtp://127.0.0.1:8025"));
	core_cfg.mail_from = kore_strdup(config_get("AGORA_MAIL_FROM",
	    "Agora <agora@localhost>"));
	core_cfg.upload_max_bytes = config_number("AGORA_UPLOAD_MAX_BYTES",
	    20 * 1024 * 1024, 1024, 1LL << 31);
	core_cfg.upload_quota_bytes = config_number("AGORA_UPLOAD_QUOTA_BYTES",
	    1LL << 30, 1024 * 1024, 1LL << 50);
	core_cfg.upload_max_pixels = config_number("AGORA_UPLOAD_MAX_PIXELS",
	    50000000, 1, 1LL << 32);
	core_cfg.session_ttl = config_number("AGORA_SESSION_TTL",
	    14 * 24 * 3600, 600, 365 * 24 * 3600);
	core_cfg.dev = config_number("AGORA_DEV", 0, 0, 1);
	core_cfg.dev_mail_dir = kore_strdup(config_get("AGORA_DEV_MAIL_DIR",
	    "var/dev/mail"));
	core_cfg.media_dir = kore_strdup(config_get("AGORA_MEDIA_DIR",
	    "var/dev/media"));

	v = config_get("AGORA_TRUSTED_PROXY", "");
	core_cfg.trusted_proxy = *v != '\0' ? kore_strdup(v) : NULL;

	core_cfg.pwhash_ops = config_number("AGORA_PWHASH_OPS",
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE, 10);
	core_cfg.pwhash_mem = config_number("AGORA_PWHASH_MEM",
	    crypto_pwhash_MEMLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE, 1LL << 30);
}

static const char *
config_get(const char *key, const char *def)
{
	const char	*v;

	v = getenv(key);
	if (v == NULL || *v == '\0')
		return (def);

	return (v);
}

static long long
config_number(const char *key, long long def, long long min, long long max)
{
	const char	*v;
	long long	 n;
	int		 err;

	if ((v = config_get(key, NULL)) == NULL)
		return (def);

	n = kore_strtonum(v, 10, min, max, &err);
	if (err != KORE_RESULT_OK)
		fatal("%s: '%s' is not a number in [%lld, %lld]",
		    key, v, min, max);

	return (n);
}

/* AGORA_REDIS is "unix:/path/to/socket" or "host:port". */
static void
config_redis(const char *v)
{
	const char	*colon;
	int		 err;

	if (!strncmp(v, "unix:", 5)) {
		core_cfg.redis_path = kore_strdup(v + 5);
		return;
	}

	if ((colon = strrchr(v, ':')) == NULL)
		fatal("AGORA_REDIS: expected unix:/path or host:port");

	core_cfg.redis_host = kore_strdup(v);
	core_cfg.redis_host[colon - v] = '\0';
	core_cfg.redis_port = kore_strtonum(colon + 1, 10, 1, 65535, &err);
	if (err != KORE_RESULT_OK)
		fatal("AGORA_REDIS: bad port in '%s'", v);
}

/* The secret key signs CSRF tokens: 32 bytes as 64 hex digits. */
static void
config_secret(const char *hex)
{
	size_t		len;

	if (hex == NULL)
		fatal("AGORA_SECRET_KEY is not set (make run generates one "
		    "in var/dev/agora.env)");

	if (strlen(hex) != 64 ||
	    sodium_hex2bin(core_cfg.secret, sizeof(core_cfg.secret), hex, 64,
	    NULL, &len, NULL) != 0 || len != sizeof(core_cfg.secret))
		fatal("AGORA_SECRET_KEY must be 64 hex digits");
}
