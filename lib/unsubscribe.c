/*
 * One-click unsubscribe tokens.
 *
 * A token names a user and a kind of email and carries
 * crypto_auth (HMAC-SHA-512-256) of "unsubscribe:<user>:<kind>" under a
 * key derived from the 32-byte site secret (crypto_kdf, context
 * "unsubscr"), so it is never the key that signs CSRF tokens.  It does
 * not expire: an unsubscribe link in an old email keeps working, and
 * all it can do is turn that user's email of that kind off.
 */

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "unsubscribe.h"

static const char *const kinds[] = {
	"comment", "mention", "dm", "like", "tag", "digest", NULL
};

static void	unsub_mac(const unsigned char *, int64_t, const char *,
		    unsigned char *);

/* Whether `kind` is a kind a token may name.  1 or 0. */
int
agora_unsub_kind_ok(const char *kind)
{
	int	i;

	if (kind == NULL)
		return (0);
	for (i = 0; kinds[i] != NULL; i++) {
		if (!strcmp(kinds[i], kind))
			return (1);
	}

	return (0);
}

/*
 * The token for user `uid` and `kind` under `secret` (32 bytes), into
 * `out` (AGORA_UNSUB_TOKEN_MAX bytes).  Returns 0, or -1 for a user id
 * not above 0, an unknown kind or a short buffer (out unchanged).
 */
int
agora_unsub_sign(const unsigned char *secret, int64_t uid, const char *kind,
    char *out, size_t len)
{
	unsigned char	mac[crypto_auth_BYTES];
	char		hex[crypto_auth_BYTES * 2 + 1];
	int		n;

	if (uid <= 0 || !agora_unsub_kind_ok(kind) ||
	    len < AGORA_UNSUB_TOKEN_MAX)
		return (-1);

	unsub_mac(secret, uid, kind, mac);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	n = snprintf(out, len, "%" PRId64 "-%s-%s", uid, kind, hex);

	return (n > 0 && (size_t)n < len ? 0 : -1);
}

/*
 * Check `token`: on success 0, with the user in *uid and the kind in
 * `kind` (`klen` bytes, at least AGORA_UNSUB_KIND_MAX).  -1 for anything
 * malformed, an unknown kind or a signature that does not match; *uid
 * and `kind` are then unchanged.  The comparison is constant-time.
 */
int
agora_unsub_verify(const unsigned char *secret, const char *token,
    int64_t *uid, char *kind, size_t klen)
{
	unsigned char	 mac[crypto_auth_BYTES], want[crypto_auth_BYTES];
	char		 k[AGORA_UNSUB_KIND_MAX];
	const char	*p, *dash;
	char		*end;
	long long	 id;
	size_t		 n, got;
	int		 ok;

	if (token == NULL || strlen(token) >= AGORA_UNSUB_TOKEN_MAX ||
	    klen < AGORA_UNSUB_KIND_MAX)
		return (-1);

	/* The user: decimal digits, no sign, no leading zero. */
	if (token[0] < '1' || token[0] > '9')
		return (-1);
	id = strtoll(token, &end, 10);
	if (*end != '-' || id <= 0 || id == LLONG_MAX)
		return (-1);

	p = end + 1;
	if ((dash = strchr(p, '-')) == NULL ||
	    (n = (size_t)(dash - p)) == 0 || n >= sizeof(k))
		return (-1);
	memcpy(k, p, n);
	k[n] = '\0';
	if (!agora_unsub_kind_ok(k))
		return (-1);

	p = dash + 1;
	if (strlen(p) != crypto_auth_BYTES * 2 ||
	    strspn(p, "0123456789abcdef") != crypto_auth_BYTES * 2 ||
	    sodium_hex2bin(mac, sizeof(mac), p, strlen(p), NULL, &got,
	    NULL) != 0 || got != sizeof(mac))
		return (-1);

	unsub_mac(secret, (int64_t)id, k, want);
	ok = sodium_memcmp(mac, want, sizeof(mac)) == 0;
	sodium_memzero(want, sizeof(want));
	if (!ok)
		return (-1);

	*uid = (int64_t)id;
	memcpy(kind, k, n + 1);

	return (0);
}

static void
unsub_mac(const unsigned char *secret, int64_t uid, const char *kind,
    unsigned char *mac)
{
	unsigned char	key[crypto_auth_KEYBYTES];
	char		msg[96];
	int		n;

	crypto_kdf_derive_from_key(key, sizeof(key), 1, "unsubscr", secret);
	n = snprintf(msg, sizeof(msg), "unsubscribe:%" PRId64 ":%s", uid,
	    kind);
	crypto_auth(mac, (const unsigned char *)msg, (size_t)n, key);
	sodium_memzero(key, sizeof(key));
}
