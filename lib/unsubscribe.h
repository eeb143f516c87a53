/*
 * One-click unsubscribe tokens (RFC 8058): a user id and a kind of
 * notification email, signed with a key derived from the site's secret.
 * The job worker signs them into the List-Unsubscribe link; the site
 * checks them at /unsubscribe without a sign-in.
 */

#ifndef __H_AGORA_UNSUBSCRIBE_H
#define __H_AGORA_UNSUBSCRIBE_H

#include <stddef.h>
#include <stdint.h>

/* "<user id>-<kind>-<64 hex digits>", NUL included. */
#define AGORA_UNSUB_TOKEN_MAX	(20 + 1 + 16 + 1 + 64 + 1)
#define AGORA_UNSUB_KIND_MAX	16

int	agora_unsub_kind_ok(const char *);
int	agora_unsub_sign(const unsigned char *, int64_t, const char *,
	    char *, size_t);
int	agora_unsub_verify(const unsigned char *, const char *, int64_t *,
	    char *, size_t);

#endif /* !__H_AGORA_UNSUBSCRIBE_H */
