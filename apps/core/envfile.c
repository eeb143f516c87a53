/*
 * KEY=VALUE settings files, shared by the site and the job worker.
 * Plain C (no Kore) so both programs can link it.
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/envfile.h"

#define ENVFILE_LINE_MAX	1024

/*
 * Load `path` into the environment without overriding variables that are
 * already set.  Blank lines and lines starting with # are skipped.
 * Returns 0 (also when the file does not exist), or -1 with a message in
 * `err` for an unreadable file or a malformed line.
 */
int
core_envfile_load(const char *path, char *err, size_t errlen)
{
	FILE		*fp;
	char		 line[ENVFILE_LINE_MAX], *eq, *p;
	int		 lineno;

	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return (0);
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}

	lineno = 0;
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			snprintf(err, errlen, "%s:%d: line too long", path,
			    lineno);
			fclose(fp);
			return (-1);
		}
		line[strcspn(line, "\r\n")] = '\0';

		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (*p == '\0' || *p == '#')
			continue;

		if ((eq = strchr(p, '=')) == NULL || eq == p) {
			snprintf(err, errlen, "%s:%d: expected KEY=VALUE",
			    path, lineno);
			fclose(fp);
			return (-1);
		}
		*eq = '\0';
		if (setenv(p, eq + 1, 0) == -1) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno,
			    strerror(errno));
			fclose(fp);
			return (-1);
		}
	}

	if (ferror(fp)) {
		snprintf(err, errlen, "%s: read error", path);
		fclose(fp);
		return (-1);
	}

	fclose(fp);
	return (0);
}

/* The settings file to read: $AGORA_CONFIG, or the development one. */
const char *
core_envfile_path(void)
{
	const char	*file;

	file = getenv("AGORA_CONFIG");
	if (file == NULL || *file == '\0')
		return (CORE_ENVFILE_DEFAULT);

	return (file);
}
