/*
 * The settings the site and the job worker both read (the same file and
 * keys, conf/agora.env.example), parsed once here.
 */

#ifndef __H_AGORA_SETTINGS_H
#define __H_AGORA_SETTINGS_H

#include <stddef.h>

struct agora_settings {
	char		*database_url;
	char		*redis_path;		/* unix socket, or NULL */
	char		*redis_host;
	int		 redis_port;
	char		*site_url;		/* no trailing slash */
	char		*smtp_url;
	char		*mail_from;
	char		*media_dir;
	long long	 upload_max_pixels;
};

int		 agora_settings_load(struct agora_settings *, char *, size_t);
const char	*agora_setting(const char *, const char *);
int		 agora_setting_number(const char *, long long, long long,
		    long long, long long *, char *, size_t);

#endif /* !__H_AGORA_SETTINGS_H */
