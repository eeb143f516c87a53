/*
 * Settings files (KEY=VALUE), shared by the site and the job worker.
 */

#ifndef __H_AGORA_ENVFILE_H
#define __H_AGORA_ENVFILE_H

#include <stddef.h>
#include <stdio.h>

#define CORE_ENVFILE_DEFAULT	"var/dev/agora.env"

int		 core_envfile_load(const char *, char *, size_t);
int		 core_envfile_read(FILE *, const char *,
		    int (*)(const char *, const char *, void *, char *, size_t),
		    void *, char *, size_t);
const char	*core_envfile_path(void);

#endif /* !__H_AGORA_ENVFILE_H */
