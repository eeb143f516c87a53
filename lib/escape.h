/*
 * HTML escaping, shared by the site (into a kore_buf) and the job
 * worker's mail (into an mbuf).
 */

#ifndef __H_AGORA_ESCAPE_H
#define __H_AGORA_ESCAPE_H

#include <stddef.h>

void	agora_html_escape(const char *,
	    void (*)(void *, const char *, size_t), void *);

#endif /* !__H_AGORA_ESCAPE_H */
