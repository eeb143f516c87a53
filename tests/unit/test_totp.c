/*
 * lib/totp.c: HOTP against RFC 4226's appendix D, TOTP with SHA-1
 * against RFC 6238's appendix B (8 and 6 digits), the window and replay
 * rule, base32 against RFC 4648, and the QR code's SVG.
 */

#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "totp.h"

static const u_int8_t	key[] = "12345678901234567890";
#define KEYLEN		20

static void
hotp_rfc4226(void **state)
{
	static const u_int32_t	want[] = { 755224, 287082, 359152, 969429,
	    338314, 254676, 287922, 162583, 399871, 520489 };
	u_int64_t		i;

	(void)state;
	for (i = 0; i < 10; i++)
		assert_int_equal(agora_hotp(key, KEYLEN, i, 6), want[i]);
}

static void
totp_rfc6238(void **state)
{
	static const struct {
		int64_t		t;
		u_int32_t	code;
	} v[] = {
		{ 59, 94287082 }, { 1111111109, 7081804 },
		{ 1111111111, 14050471 }, { 1234567890, 89005924 },
		{ 2000000000, 69279037 }, { 20000000000LL, 65353130 },
	};
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(agora_hotp(key, KEYLEN,
		    agora_totp_step(v[i].t), 8), v[i].code);
		assert_int_equal(agora_hotp(key, KEYLEN,
		    agora_totp_step(v[i].t), 6), v[i].code % 1000000);
	}
	assert_int_equal(agora_totp_step(59), 1);
	assert_int_equal(agora_totp_step(60), 2);
	assert_int_equal(agora_totp_step(-5), 0);
}

/* ±1 step accepted, two steps off refused, a used step refused. */
static void
totp_window_and_replay(void **state)
{
	u_int64_t	step, found;
	char		code[8];

	(void)state;
	step = agora_totp_step(1111111111);
	(void)snprintf(code, sizeof(code), "%06u",
	    agora_hotp(key, KEYLEN, step - 1, 6));
	assert_int_equal(agora_totp_match(key, KEYLEN, step, 1, 0, code,
	    &found), 0);
	assert_int_equal(found, step - 1);
	(void)snprintf(code, sizeof(code), "%06u",
	    agora_hotp(key, KEYLEN, step + 1, 6));
	assert_int_equal(agora_totp_match(key, KEYLEN, step, 1, 0, code,
	    &found), 0);
	assert_int_equal(found, step + 1);
	/* Used already (the last accepted step is step + 1). */
	assert_int_equal(agora_totp_match(key, KEYLEN, step, 1, step + 1,
	    code, &found), -1);
	(void)snprintf(code, sizeof(code), "%06u",
	    agora_hotp(key, KEYLEN, step + 2, 6));
	assert_int_equal(agora_totp_match(key, KEYLEN, step, 1, 0, code,
	    &found), -1);
	(void)snprintf(code, sizeof(code), "%06u",
	    agora_hotp(key, KEYLEN, step - 2, 6));
	assert_int_equal(agora_totp_match(key, KEYLEN, step, 1, 0, code,
	    &found), -1);
	/* Only six digits. */
	assert_int_equal(agora_totp_match(key, KEYLEN, step, 1, 0, "12345",
	    &found), -1);
	assert_int_equal(agora_totp_match(key, KEYLEN, step, 1, 0, "1234567",
	    &found), -1);
	assert_int_equal(agora_totp_match(key, KEYLEN, step, 1, 0, "12a456",
	    &found), -1);
	assert_int_equal(agora_totp_match(key, KEYLEN, step, 1, 0, NULL,
	    &found), -1);
	/* Step 0 has no step before it. */
	(void)snprintf(code, sizeof(code), "%06u",
	    agora_hotp(key, KEYLEN, 0, 6));
	assert_int_equal(agora_totp_match(key, KEYLEN, 0, 1, 0, code,
	    &found), -1);
}

static void
base32_rfc4648(void **state)
{
	char	out[AGORA_TOTP_B32_LEN];

	(void)state;
	agora_base32((const u_int8_t *)"foobar", 6, out, sizeof(out));
	assert_string_equal(out, "MZXW6YTBOI");
	agora_base32((const u_int8_t *)"f", 1, out, sizeof(out));
	assert_string_equal(out, "MY");
	agora_base32(key, KEYLEN, out, sizeof(out));
	assert_string_equal(out, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	/* A short buffer is cut, still terminated. */
	agora_base32(key, KEYLEN, out, 5);
	assert_string_equal(out, "GEZD");
}

static void
qr_svg(void **state)
{
	char	*svg;

	(void)state;
	svg = agora_qr_svg("otpauth://totp/Agora:alice?secret=GEZDGNBVGY3TQ"
	    "OJQGEZDGNBVGY3TQOJQ&issuer=Agora");
	assert_non_null(svg);
	assert_int_equal(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/"
	    "svg\" viewBox=\"0 0 ", 38), 0);
	assert_non_null(strstr(svg, "<path fill=\"#000\" d=\"M"));
	assert_null(strstr(svg, "otpauth"));
	assert_string_equal(svg + strlen(svg) - 9, "\"/></svg>");
	free(svg);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(hotp_rfc4226),
		cmocka_unit_test(totp_rfc6238),
		cmocka_unit_test(totp_window_and_replay),
		cmocka_unit_test(base32_rfc4648),
		cmocka_unit_test(qr_svg),
	};

	return (cmocka_run_group_tests_name("totp", tests, NULL, NULL));
}
