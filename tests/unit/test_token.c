/*
 * Tokens, their stored hashes and comparisons (apps/core/token.c).
 */

#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/core.h"

static int	group_setup(void **);
static void	assert_lower_hex(const char *, size_t);
static void	assert_hash_refused(const char *);

static void	token_new_format(void **);
static void	token_new_differs(void **);
static void	token_hash_matches_new(void **);
static void	token_hash_known_value(void **);
static void	token_hash_refuses_length(void **);
static void	token_hash_refuses_non_hex(void **);
static void	token_hash_upper_case(void **);
static void	hex_encoding(void **);
static void	token_equal(void **);
static void	keyed_hash(void **);

static int
group_setup(void **state)
{
	return (sodium_init() == -1 ? -1 : 0);
}

/* `s` is exactly `len` lower-case hex digits. */
static void
assert_lower_hex(const char *s, size_t len)
{
	size_t		i;

	assert_int_equal(strlen(s), len);
	for (i = 0; i < len; i++)
		assert_non_null(strchr("0123456789abcdef", s[i]));
}

/* core_token_hash refuses `hex` and leaves its output alone. */
static void
assert_hash_refused(const char *hex)
{
	u_int8_t	hash[CORE_HASH_BYTES], keep[CORE_HASH_BYTES];

	memset(hash, 0x5a, sizeof(hash));
	memcpy(keep, hash, sizeof(keep));
	assert_int_equal(core_token_hash(hex, hash), -1);
	assert_memory_equal(hash, keep, sizeof(hash));
}

static void
token_new_format(void **state)
{
	char		tok[CORE_TOKEN_HEX];
	u_int8_t	hash[CORE_HASH_BYTES];

	memset(tok, 'X', sizeof(tok));
	core_token_new(tok, hash);
	assert_lower_hex(tok, 64);
	assert_int_equal(CORE_TOKEN_HEX, 65);
}

static void
token_new_differs(void **state)
{
	char		a[CORE_TOKEN_HEX], b[CORE_TOKEN_HEX];
	u_int8_t	ha[CORE_HASH_BYTES], hb[CORE_HASH_BYTES];

	core_token_new(a, ha);
	core_token_new(b, hb);
	assert_string_not_equal(a, b);
	assert_memory_not_equal(ha, hb, sizeof(ha));
}

static void
token_hash_matches_new(void **state)
{
	char		tok[CORE_TOKEN_HEX];
	u_int8_t	stored[CORE_HASH_BYTES], again[CORE_HASH_BYTES];
	int		i;

	/* What is stored is what the presented token hashes to. */
	for (i = 0; i < 16; i++) {
		core_token_new(tok, stored);
		memset(again, 0, sizeof(again));
		assert_int_equal(core_token_hash(tok, again), 0);
		assert_memory_equal(stored, again, sizeof(stored));
	}
}

static void
token_hash_known_value(void **state)
{
	u_int8_t	raw[CORE_TOKEN_BYTES], want[CORE_HASH_BYTES];
	u_int8_t	got[CORE_HASH_BYTES];
	char		hex[CORE_TOKEN_HEX];
	size_t		i;

	/* The hash is unkeyed BLAKE2b-256 of the 32 raw bytes. */
	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (u_int8_t)i;
	core_hex(raw, sizeof(raw), hex);
	assert_string_equal(hex, "000102030405060708090a0b0c0d0e0f"
	    "101112131415161718191a1b1c1d1e1f");

	crypto_generichash(want, sizeof(want), raw, sizeof(raw), NULL, 0);
	assert_int_equal(core_token_hash(hex, got), 0);
	assert_memory_equal(got, want, sizeof(got));
}

static void
token_hash_refuses_length(void **state)
{
	char		tok[CORE_TOKEN_HEX], bad[CORE_TOKEN_HEX * 2];
	u_int8_t	hash[CORE_HASH_BYTES];

	core_token_new(tok, hash);

	assert_hash_refused(NULL);
	assert_hash_refused("");
	assert_hash_refused("0");

	snprintf(bad, sizeof(bad), "%.63s", tok);
	assert_int_equal(strlen(bad), 63);
	assert_hash_refused(bad);

	snprintf(bad, sizeof(bad), "%s0", tok);
	assert_int_equal(strlen(bad), 65);
	assert_hash_refused(bad);

	snprintf(bad, sizeof(bad), "%s%s", tok, tok);
	assert_hash_refused(bad);
}

static void
token_hash_refuses_non_hex(void **state)
{
	const char	*bytes = "gGxz -+:/@`\n\xc3\xa9\xff";
	char		 tok[CORE_TOKEN_HEX], bad[CORE_TOKEN_HEX];
	u_int8_t	 hash[CORE_HASH_BYTES];
	size_t		 i;

	core_token_new(tok, hash);

	/* One bad character, at the start, the middle or the end. */
	for (i = 0; bytes[i] != '\0'; i++) {
		memcpy(bad, tok, sizeof(bad));
		bad[0] = bytes[i];
		assert_hash_refused(bad);
		memcpy(bad, tok, sizeof(bad));
		bad[31] = bytes[i];
		assert_hash_refused(bad);
		memcpy(bad, tok, sizeof(bad));
		bad[63] = bytes[i];
		assert_hash_refused(bad);
	}

	/* "0x" prefixes and separators are not hex either. */
	memcpy(bad, tok, sizeof(bad));
	bad[0] = '0';
	bad[1] = 'x';
	assert_hash_refused(bad);
	memcpy(bad, tok, sizeof(bad));
	bad[2] = ':';
	assert_hash_refused(bad);
}

static void
token_hash_upper_case(void **state)
{
	char		tok[CORE_TOKEN_HEX], upper[CORE_TOKEN_HEX];
	u_int8_t	hash[CORE_HASH_BYTES], again[CORE_HASH_BYTES];
	size_t		i;

	core_token_new(tok, hash);
	for (i = 0; i < sizeof(tok); i++)
		upper[i] = toupper((unsigned char)tok[i]);

	assert_int_equal(core_token_hash(upper, again), 0);
	assert_memory_equal(hash, again, sizeof(hash));
}

static void
hex_encoding(void **state)
{
	const u_int8_t	bytes[] = { 0x00, 0x0f, 0x10, 0xab, 0xff };
	char		out[sizeof(bytes) * 2 + 1];

	core_hex(bytes, sizeof(bytes), out);
	assert_string_equal(out, "000f10abff");

	core_hex(bytes, 0, out);
	assert_string_equal(out, "");
}

static void
token_equal(void **state)
{
	char		a[CORE_TOKEN_HEX], b[CORE_TOKEN_HEX];
	u_int8_t	hash[CORE_HASH_BYTES];

	assert_int_equal(core_token_equal("abc", "abc"), 1);
	assert_int_equal(core_token_equal("abc", "abd"), 0);
	assert_int_equal(core_token_equal("xbc", "abc"), 0);
	assert_int_equal(core_token_equal("abc", "abcd"), 0);
	assert_int_equal(core_token_equal("abcd", "abc"), 0);
	assert_int_equal(core_token_equal("abc", "ABC"), 0);
	assert_int_equal(core_token_equal("", ""), 0);
	assert_int_equal(core_token_equal("", "abc"), 0);
	assert_int_equal(core_token_equal("abc", ""), 0);
	assert_int_equal(core_token_equal(NULL, "abc"), 0);
	assert_int_equal(core_token_equal("abc", NULL), 0);
	assert_int_equal(core_token_equal(NULL, NULL), 0);

	core_token_new(a, hash);
	memcpy(b, a, sizeof(b));
	assert_int_equal(core_token_equal(a, b), 1);
	b[63] = (b[63] == '0') ? '1' : '0';
	assert_int_equal(core_token_equal(a, b), 0);
}

static void
keyed_hash(void **state)
{
	u_int8_t	k1[32], k2[32], mac[CORE_HASH_BYTES];
	char		a[CORE_HASH_HEX], b[CORE_HASH_HEX];
	char		want[CORE_HASH_HEX];

	memset(k1, 1, sizeof(k1));
	memset(k2, 1, sizeof(k2));
	k2[31] = 2;

	core_keyed_hash(k1, "csrf:", "data", 4, a);
	assert_lower_hex(a, 64);
	core_keyed_hash(k1, "csrf:", "data", 4, b);
	assert_string_equal(a, b);

	/* The key, the label and the data each change the result. */
	core_keyed_hash(k2, "csrf:", "data", 4, b);
	assert_string_not_equal(a, b);
	core_keyed_hash(k1, "other:", "data", 4, b);
	assert_string_not_equal(a, b);
	core_keyed_hash(k1, "csrf:", "datb", 4, b);
	assert_string_not_equal(a, b);
	core_keyed_hash(k1, "csrf:", "data", 3, b);
	assert_string_not_equal(a, b);

	/* Only `len` bytes of the data count. */
	core_keyed_hash(k1, "csrf:", "dataXYZ", 4, b);
	assert_string_equal(a, b);

	/* It is keyed BLAKE2b-256 of the label and the data. */
	crypto_generichash(mac, sizeof(mac), (const u_int8_t *)"csrf:data",
	    9, k1, sizeof(k1));
	sodium_bin2hex(want, sizeof(want), mac, sizeof(mac));
	assert_string_equal(a, want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(token_new_format),
		cmocka_unit_test(token_new_differs),
		cmocka_unit_test(token_hash_matches_new),
		cmocka_unit_test(token_hash_known_value),
		cmocka_unit_test(token_hash_refuses_length),
		cmocka_unit_test(token_hash_refuses_non_hex),
		cmocka_unit_test(token_hash_upper_case),
		cmocka_unit_test(hex_encoding),
		cmocka_unit_test(token_equal),
		cmocka_unit_test(keyed_hash),
	};

	return (cmocka_run_group_tests_name("token", tests, group_setup,
	    NULL));
}
