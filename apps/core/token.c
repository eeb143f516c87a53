/*
 * Random tokens (session cookies, API tokens) and their stored hashes.
 *
 * A token is 32 bytes from libsodium's CSPRNG, shown to its owner as 64
 * lower-case hex characters.  Only BLAKE2b-256 of the raw bytes is stored,
 * so a leaked table cannot be replayed.
 */

#include <string.h>

#include <sodium.h>

#include "core/core.h"

/*
 * Write the lower-case hex form of `len` bytes of `in` to `out`, which
 * must have room for len * 2 + 1 bytes.
 */
void
core_hex(const u_int8_t *in, size_t len, char *out)
{
	sodium_bin2hex(out, len * 2 + 1, in, len);
}

/*
 * Make a new token: its hex form in `hex` (CORE_TOKEN_HEX bytes) and the
 * hash to store in `hash` (CORE_HASH_BYTES bytes).
 */
void
core_token_new(char *hex, u_int8_t *hash)
{
	u_int8_t	raw[CORE_TOKEN_BYTES];

	randombytes_buf(raw, sizeof(raw));
	core_hex(raw, sizeof(raw), hex);
	crypto_generichash(hash, CORE_HASH_BYTES, raw, sizeof(raw), NULL, 0);
	sodium_memzero(raw, sizeof(raw));
}

/*
 * Hash the token given in hex form.  Returns 0 and fills `hash`, or -1
 * when `hex` is not exactly 64 hex digits (then `hash` is untouched).
 */
int
core_token_hash(const char *hex, u_int8_t *hash)
{
	u_int8_t	raw[CORE_TOKEN_BYTES];
	size_t		len, i;

	if (hex == NULL || strlen(hex) != CORE_TOKEN_BYTES * 2)
		return (-1);

	for (i = 0; i < CORE_TOKEN_BYTES * 2; i++) {
		if (!((hex[i] >= '0' && hex[i] <= '9') ||
		    (hex[i] >= 'a' && hex[i] <= 'f') ||
		    (hex[i] >= 'A' && hex[i] <= 'F')))
			return (-1);
	}

	if (sodium_hex2bin(raw, sizeof(raw), hex, CORE_TOKEN_BYTES * 2,
	    NULL, &len, NULL) != 0 || len != sizeof(raw))
		return (-1);

	crypto_generichash(hash, CORE_HASH_BYTES, raw, sizeof(raw), NULL, 0);
	sodium_memzero(raw, sizeof(raw));

	return (0);
}

/*
 * Keyed BLAKE2b-256 of `label` followed by `data`, written as hex to
 * `out` (CORE_HASH_HEX bytes).  Used to derive CSRF tokens from a
 * credential without storing them.
 */
void
core_keyed_hash(const u_int8_t *key, const char *label, const void *data,
    size_t len, char *out)
{
	crypto_generichash_state	st;
	u_int8_t			mac[CORE_HASH_BYTES];

	crypto_generichash_init(&st, key, 32, sizeof(mac));
	crypto_generichash_update(&st, (const u_int8_t *)label, strlen(label));
	crypto_generichash_update(&st, data, len);
	crypto_generichash_final(&st, mac, sizeof(mac));
	core_hex(mac, sizeof(mac), out);
}

/*
 * Constant-time comparison of two NUL-terminated secrets.  Returns 1 when
 * both are non-empty and equal.  Only the lengths leak.
 */
int
core_token_equal(const char *a, const char *b)
{
	size_t		len;

	if (a == NULL || b == NULL)
		return (0);

	len = strlen(a);
	if (len == 0 || len != strlen(b))
		return (0);

	return (sodium_memcmp(a, b, len) == 0);
}
