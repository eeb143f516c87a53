/*
 * Job payloads, shared by the site and the worker (plain C + jansson).
 */

#ifndef __H_AGORA_JOB_PAYLOAD_H
#define __H_AGORA_JOB_PAYLOAD_H

#include <stddef.h>

#include <jansson.h>

char	*core_job_payload(long long, const char *, const char *, json_t *,
	    long long, long long, const char *, char *, size_t);
int	 core_job_prio(const char *);

#endif /* !__H_AGORA_JOB_PAYLOAD_H */
