/*
 * Runtime configuration.
 *
 * The keys the job worker reads too come from lib/settings.c; the rest
 * are the site's own.  conf/agora.env.example documents every key.  Read
 * once in the parent before the workers fork, so every worker shares it.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/core.h"
#include "settings.h"

struct core_config	core_cfg;

static long long	config_number(const char *, long long, long long,
			    long long);
static void		config_secret(const char *);

void
core_config_load(void)
{
	struct agora_settings	 s;
	const char		*v;
	char			 err[256];

	if (agora_settings_load(&s, err, sizeof(err)) == -1)
		fatal("%s", err);

	core_cfg.database_url = s.database_url;
	core_cfg.redis_path = s.redis_path;
	core_cfg.redis_host = s.redis_host;
	core_cfg.redis_port = s.redis_port;
	core_cfg.site_url = s.site_url;
	core_cfg.smtp_url = s.smtp_url;
	core_cfg.mail_from = s.mail_from;
	core_cfg.media_dir = s.media_dir;
	core_cfg.upload_max_pixels = s.upload_max_pixels;

	v = agora_setting("AGORA_COOKIE_SECURE", "auto");
	if (!strcmp(v, "auto"))
		core_cfg.cookie_secure =
		    !strncmp(core_cfg.site_url, "https://", 8);
	else
		core_cfg.cookie_secure = !strcmp(v, "1") || !strcmp(v, "yes");

	config_secret(agora_setting("AGORA_SECRET_KEY", NULL));

	core_cfg.upload_max_bytes = config_number("AGORA_UPLOAD_MAX_BYTES",
	    20 * 1024 * 1024, 1024, 1LL << 31);
	core_cfg.upload_quota_bytes = config_number("AGORA_UPLOAD_QUOTA_BYTES",
	    1LL << 30, 1024 * 1024, 1LL << 50);
	core_cfg.session_ttl = config_number("AGORA_SESSION_TTL",
	    14 * 24 * 3600, 600, 365 * 24 * 3600);
	core_cfg.dev = config_number("AGORA_DEV", 0, 0, 1);
	core_cfg.dev_mail_dir = kore_strdup(agora_setting("AGORA_DEV_MAIL_DIR",
	    "var/dev/mail"));

	v = agora_setting("AGORA_TRUSTED_PROXY", "");
	core_cfg.trusted_proxy = *v != '\0' ? kore_strdup(v) : NULL;

	core_cfg.cred_cache_ms = config_number("AGORA_CREDENTIAL_CACHE_MS",
	    3000, 0, 10000);

	core_cfg.require_2fa_admins = config_number("AGORA_REQUIRE_2FA_ADMINS",
	    0, 0, 1);

	core_cfg.page_cache_ms = config_number("AGORA_PAGE_CACHE_MS",
	    1000, 0, 60000);

	core_cfg.pwhash_ops = config_number("AGORA_PWHASH_OPS",
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE, 10);
	core_cfg.pwhash_mem = config_number("AGORA_PWHASH_MEM",
	    crypto_pwhash_MEMLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE, 1LL << 30);
}

static long long
config_number(const char *key, long long def, long long min, long long max)
{
	long long	n;
	char		err[256];

	if (agora_setting_number(key, def, min, max, &n, err,
	    sizeof(err)) == -1)
		fatal("%s", err);

	return (n);
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
