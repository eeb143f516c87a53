/*
 * One-click unsubscribe tokens (lib/unsubscribe.c): what is signed
 * verifies, bound to its user and kind; anything altered does not.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "unsubscribe.h"

static unsigned char	key[32], other_key[32];

static int
group_setup(void **state)
{
	if (sodium_init() == -1)
		return (-1);
	memset(key, 7, sizeof(key));
	memset(other_key, 8, sizeof(other_key));

	return (0);
}

static void
round_trip(void **state)
{
	char		token[AGORA_UNSUB_TOKEN_MAX];
	char		kind[AGORA_UNSUB_KIND_MAX];
	int64_t		uid;

	assert_int_equal(agora_unsub_sign(key, 42, "dm", token,
	    sizeof(token)), 0);
	assert_true(strncmp(token, "42-dm-", 6) == 0);
	assert_int_equal(strlen(token), 6 + 64);
	assert_int_equal(agora_unsub_verify(key, token, &uid, kind,
	    sizeof(kind)), 0);
	assert_int_equal(uid, 42);
	assert_string_equal(kind, "dm");

	assert_int_equal(agora_unsub_sign(key, INT64_MAX - 1, "digest", token,
	    sizeof(token)), 0);
	assert_int_equal(agora_unsub_verify(key, token, &uid, kind,
	    sizeof(kind)), 0);
	assert_string_equal(kind, "digest");

	assert_int_equal(agora_unsub_sign(key, 7, "tag", token,
	    sizeof(token)), 0);
	assert_int_equal(agora_unsub_verify(key, token, &uid, kind,
	    sizeof(kind)), 0);
	assert_string_equal(kind, "tag");
}

static void
refuses_what_it_cannot_sign(void **state)
{
	char	token[AGORA_UNSUB_TOKEN_MAX];

	assert_int_equal(agora_unsub_sign(key, 0, "dm", token,
	    sizeof(token)), -1);
	assert_int_equal(agora_unsub_sign(key, -3, "dm", token,
	    sizeof(token)), -1);
	assert_int_equal(agora_unsub_sign(key, 1, "all", token,
	    sizeof(token)), -1);
	assert_int_equal(agora_unsub_sign(key, 1, NULL, token,
	    sizeof(token)), -1);
	assert_int_equal(agora_unsub_sign(key, 1, "dm", token, 20), -1);
}

/* Every way a token can be changed is refused, and leaves the outputs. */
static void
refuses_altered_tokens(void **state)
{
	char		 good[AGORA_UNSUB_TOKEN_MAX], t[512];
	char		 kind[AGORA_UNSUB_KIND_MAX];
	const char	*mac;
	int64_t		 uid;
	size_t		 i;
	const char	*bad[] = { "", "-", "42", "42-dm", "42-dm-",
			    "dm-42-x", "042-dm-00", "+42-dm-00", " 42-dm-00",
			    NULL };

	assert_int_equal(agora_unsub_sign(key, 42, "dm", good,
	    sizeof(good)), 0);
	mac = good + 6;

	for (i = 0; bad[i] != NULL; i++) {
		uid = -5;
		strcpy(kind, "unchanged");
		assert_int_equal(agora_unsub_verify(key, bad[i], &uid, kind,
		    sizeof(kind)), -1);
		assert_int_equal(uid, -5);
		assert_string_equal(kind, "unchanged");
	}

	/* Another user, another kind, the same signature. */
	(void)snprintf(t, sizeof(t), "43-dm-%s", mac);
	assert_int_equal(agora_unsub_verify(key, t, &uid, kind,
	    sizeof(kind)), -1);
	(void)snprintf(t, sizeof(t), "42-mention-%s", mac);
	assert_int_equal(agora_unsub_verify(key, t, &uid, kind,
	    sizeof(kind)), -1);
	(void)snprintf(t, sizeof(t), "0042-dm-%s", mac);
	assert_int_equal(agora_unsub_verify(key, t, &uid, kind,
	    sizeof(kind)), -1);

	/* Each hex digit changed. */
	for (i = 6; i < strlen(good); i++) {
		strcpy(t, good);
		t[i] = t[i] == '0' ? '1' : '0';
		assert_int_equal(agora_unsub_verify(key, t, &uid, kind,
		    sizeof(kind)), -1);
	}

	/* Upper case, cut, extended. */
	strcpy(t, good);
	for (i = 6; t[i] != '\0'; i++)
		if (t[i] >= 'a' && t[i] <= 'f')
			t[i] -= 'a' - 'A';
	if (strcmp(t, good))
		assert_int_equal(agora_unsub_verify(key, t, &uid, kind,
		    sizeof(kind)), -1);
	strcpy(t, good);
	t[strlen(t) - 1] = '\0';
	assert_int_equal(agora_unsub_verify(key, t, &uid, kind,
	    sizeof(kind)), -1);
	(void)snprintf(t, sizeof(t), "%s0", good);
	assert_int_equal(agora_unsub_verify(key, t, &uid, kind,
	    sizeof(kind)), -1);

	/* Another site's secret. */
	assert_int_equal(agora_unsub_verify(other_key, good, &uid, kind,
	    sizeof(kind)), -1);
	/* A kind buffer too small. */
	assert_int_equal(agora_unsub_verify(key, good, &uid, kind, 4), -1);
	assert_int_equal(agora_unsub_verify(key, NULL, &uid, kind,
	    sizeof(kind)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(refuses_what_it_cannot_sign),
		cmocka_unit_test(refuses_altered_tokens),
	};

	return (cmocka_run_group_tests(tests, group_setup, NULL));
}
