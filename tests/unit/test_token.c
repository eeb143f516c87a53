/*
 * Tokens, their hashes and comparisons (apps/core/token.c).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/core.h"

static void
new_tokens(void **state)
{
	char		a[CORE_TOKEN_HEX], b[CORE_TOKEN_HEX];
	u_int8_t	ha[CORE_HASH_BYTES], hb[CORE_HASH_BYTES];
	u_int8_t	again[CORE_HASH_BYTES];
	size_t		i;

	core_token_new(a, ha);
	core_token_new(b, hb);
	assert_int_equal(strlen(a), 64);
	for (i = 0; i < 64; i++)
		assert_non_null(strchr("0123456789abcdef", a[i]));
	assert_string_not_equal(a, b);
	assert_memory_not_equal(ha, hb, sizeof(ha));

	/* What is stored is what the presented token hashes to. */
	assert_int_equal(core_token_hash(a, again), 0);
	assert_memory_equal(ha, again, sizeof(ha));
}

static void
hash_rejects_malformed(void **state)
{
	char		tok[CORE_TOKEN_HEX], upper[CORE_TOKEN_HEX], bad[80];
	u_int8_t	h[CORE_HASH_BYTES], h2[CORE_HASH_BYTES], keep[CORE_HASH_BYTES];
	size_t		i;

	core_token_new(tok, h);
	memset(keep, 0x5a, sizeof(keep));

	memcpy(h2, keep, sizeof(h2));
	assert_int_equal(core_token_hash(NULL, h2), -1);
	assert_int_equal(core_token_hash("", h2), -1);
	snprintf(bad, sizeof(bad), "%.63s", tok);
	assert_int_equal(core_token_hash(bad, h2), -1);
	snprintf(bad, sizeof(bad), "%s0", tok);
	assert_int_equal(core_token_hash(bad, h2), -1);
	snprintf(bad, sizeof(bad), "%s", tok);
	bad[10] = 'g';
	assert_int_equal(core_token_hash(bad, h2), -1);
	bad[10] = ' ';
	assert_int_equal(core_token_hash(bad, h2), -1);
	assert_memory_equal(h2, keep, sizeof(h2));

	for (i = 0; i < 64; i++)
		upper[i] = (tok[i] >= 'a') ? tok[i] - 32 : tok[i];
	upper[64] = '\0';
	assert_int_equal(core_token_hash(upper, h2), 0);
	assert_memory_equal(h, h2, sizeof(h));
}

static void
equal_is_exact(void **state)
{
	assert_true(core_token_equal("abc", "abc"));
	assert_false(core_token_equal("abc", "abd"));
	assert_false(core_token_equal("abc", "abcd"));
	assert_false(core_token_equal("", ""));
	assert_false(core_token_equal(NULL, "abc"));
	assert_false(core_token_equal("abc", NULL));
}

static void
keyed_hash(void **state)
{
	u_int8_t	k1[32], k2[32];
	char		a[CORE_HASH_HEX], b[CORE_HASH_HEX];

	memset(k1, 1, sizeof(k1));
	memset(k2, 2, sizeof(k2));

	core_keyed_hash(k1, "csrf:", "data", 4, a);
	core_keyed_hash(k1, "csrf:", "data", 4, b);
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), 64);

	core_keyed_hash(k2, "csrf:", "data", 4, b);
	assert_string_not_equal(a, b);
	core_keyed_hash(k1, "other:", "data", 4, b);
	assert_string_not_equal(a, b);
	core_keyed_hash(k1, "csrf:", "datb", 4, b);
	assert_string_not_equal(a, b);
}

static int
setup(void **state)
{
	return (sodium_init() == -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(new_tokens),
		cmocka_unit_test(hash_rejects_malformed),
		cmocka_unit_test(equal_is_exact),
		cmocka_unit_test(keyed_hash),
	};

	return (cmocka_run_group_tests_name("token", tests, setup, NULL));
}
