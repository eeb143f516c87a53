/*
 * KEY=VALUE settings files, shared by the site and the job worker.
 * Plain C (no Kore) so both programs can link it.
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envfile.h"

#define ENVFILE_LINE_MAX	1024

static int	env_set(const char *, const char *, void *, char *, size_t);

/*
 * Load `path` into the environment without overriding variables that are
 * already set.  Returns 0 (also when the file does not exist), or -1 with
 * a message in `err` for an unreadable file or a malformed line.
 */
int
core_envfile_load(const char *path, char *err, size_t errlen)
{
	FILE		*fp;
	int		 rc;

	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return (0);
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}

	rc = core_envfile_read(fp, path, env_set, NULL, err, errlen);
	fclose(fp);

	return (rc);
}

/*
 * Read KEY=VALUE lines from `fp` (named `path` in messages) and hand each
 * pair to `set`.  Blank lines and lines starting with # are skipped.
 * Returns 0, or -1 with a message in `err` for a read error, a malformed
 * line or a pair that `set` refused (it fills `err` then).
 */
int
core_envfile_read(FILE *fp, const char *path,
    int (*set)(const char *, const char *, void *, char *, size_t),
    void *arg, char *err, size_t errlen)
{
	char		 line[ENVFILE_LINE_MAX], *eq, *p;
	char		 why[128];
	int		 lineno;

	lineno = 0;
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			snprintf(err, errlen, "%s:%d: line too long", path,
			    lineno);
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
			return (-1);
		}
		*eq = '\0';
		if (set(p, eq + 1, arg, why, sizeof(why)) == -1) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
			return (-1);
		}
	}

	if (ferror(fp)) {
		snprintf(err, errlen, "%s: read error", path);
		return (-1);
	}

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

/* Into the environment, unless the variable is set already. */
static int
env_set(const char *key, const char *value, void *arg, char *why,
    size_t whylen)
{
	if (setenv(key, value, 0) == -1) {
		snprintf(why, whylen, "%s", strerror(errno));
		return (-1);
	}

	return (0);
}
