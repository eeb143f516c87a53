/*
 * Structured logs, shared by the site and the job worker: one JSON
 * object a line on standard output.
 */

#ifndef __H_AGORA_LOGLINE_H
#define __H_AGORA_LOGLINE_H

#include <jansson.h>

void	agora_log_line(json_t *);

#endif /* !__H_AGORA_LOGLINE_H */
