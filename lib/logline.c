/*
 * The JSON log line: the caller's fields plus "ts", keys sorted, written
 * in one write(2) so lines from several processes do not interleave.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "logline.h"

/* Write object `o` (which this takes over) as one line with a timestamp. */
void
agora_log_line(json_t *o)
{
	char		*text;
	char		 ts[40];
	struct timespec	 now;
	struct tm	 tm;
	size_t		 len;

	(void)clock_gettime(CLOCK_REALTIME, &now);
	(void)gmtime_r(&now.tv_sec, &tm);
	len = strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	(void)snprintf(ts + len, sizeof(ts) - len, ".%03ldZ",
	    now.tv_nsec / 1000000);
	json_object_set_new(o, "ts", json_string(ts));

	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	if (text == NULL)
		return;

	len = strlen(text);
	text[len] = '\n';
	/* A log line that cannot be written is dropped, nothing else. */
	if (write(STDOUT_FILENO, text, len + 1) == -1)
		errno = 0;
	free(text);
}
