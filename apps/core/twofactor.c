/*
 * Two-factor sign-in: the second step after the password, for the page
 * (/login/2fa) and the API (a second POST /api/v1/auth/login).
 *
 * A right password for an account with TOTP on makes a login challenge
 * instead of a session: a random token whose BLAKE2b hash is stored for
 * CORE_TOTP_CHALLENGE_S seconds.  The second step brings it back with a
 * code: a TOTP code of the current 30-second step or one either side
 * (lib/totp.c), accepted only for a step after the last one accepted, so
 * a code works once; or one of the account's recovery codes, each
 * single-use.  Every attempt counts against the same login limits as a
 * password (throttle.c), a success refunds it as a right password does,
 * and a challenge takes CORE_TOTP_ATTEMPTS wrong codes at most.
 *
 * The TOTP key is stored sealed (core_totp_seal): XSalsa20-Poly1305
 * under a key derived from the site's secret for this use alone, with a
 * random nonce, so a copy of the database (a backup, a replica) does not
 * hold the keys that make codes.  A key stored before sealing (20 bytes)
 * is read as it is.
 */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/core.h"
#include "totp.h"

/* ctx->totp.state bits. */
#define TOTP_LOADED		0x01
#define TOTP_MATCHED		0x02	/* ctx->totp.step holds the step */
#define TOTP_RECOVERY		0x04
#define TOTP_NONE		0x08	/* neither shape, or no match */
#define SECOND_THROTTLE_CHECKED	0x10
#define SECOND_THROTTLED	0x20
#define SECOND_COUNTED		0x40

#define RECOVERY_ALPHABET	"abcdefghijklmnopqrstuvwxyz234567"

/* A sealed key: nonce, MAC, the 20 bytes. */
#define TOTP_SEALED_LEN		(crypto_secretbox_NONCEBYTES + \
				    crypto_secretbox_MACBYTES + \
				    AGORA_TOTP_SECRET_BYTES)

_Static_assert(CORE_TOTP_SEALED_HEX == 2 * TOTP_SEALED_LEN + 1,
    "CORE_TOTP_SEALED_HEX");

static void	totp_box_key(u_int8_t *);

/* $1 user: the secret of an account with TOTP on. */
static const char sql_totp_load[] =
	"SELECT encode(secret, 'hex'), last_step FROM user_totp"
	" WHERE user_id = $1 AND enabled_at IS NOT NULL";

/* $1 user, $2 step: taken only once, and only forward. */
static const char sql_totp_use[] =
	"UPDATE user_totp SET last_step = $2"
	" WHERE user_id = $1 AND enabled_at IS NOT NULL AND last_step < $2"
	" RETURNING 1";

/* $1 user, $2 hash (hex): a recovery code, once. */
static const char sql_recovery_use[] =
	"UPDATE user_recovery_codes SET used_at = now()"
	" WHERE user_id = $1 AND code_hash = decode($2, 'hex')"
	"   AND used_at IS NULL"
	"   AND EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = $1"
	"               AND t.enabled_at IS NOT NULL)"
	" RETURNING 1";

/*
 * $1 challenge hash (hex), $2 user, $3 its life (s).  Expired ones go
 * on the way.
 */
static const char sql_challenge_new[] =
	"WITH d AS ("
	"  DELETE FROM login_challenges WHERE expires_at < now()"
	")"
	"INSERT INTO login_challenges (token_hash, user_id, expires_at)"
	"  VALUES (decode($1, 'hex'), $2, now() + make_interval(secs => $3))";

/* $1 challenge hash (hex), $2 wrong codes it takes: its user. */
static const char sql_challenge_get[] =
	"SELECT " CORE_SQL_USER_COLS
	"  FROM login_challenges c JOIN users u ON u.id = c.user_id"
	" WHERE c.token_hash = decode($1, 'hex') AND c.expires_at > now()"
	"   AND c.attempts < $2::int";

/* Used up: gone, once (two requests with one challenge: one wins). */
static const char sql_challenge_done[] =
	"DELETE FROM login_challenges WHERE token_hash = decode($1, 'hex')"
	" RETURNING user_id";

static const char sql_challenge_wrong[] =
	"UPDATE login_challenges SET attempts = attempts + 1"
	" WHERE token_hash = decode($1, 'hex') RETURNING attempts";

/* The key that seals TOTP keys, derived from the site's secret. */
static void
totp_box_key(u_int8_t *box)
{
	(void)crypto_kdf_derive_from_key(box, crypto_secretbox_KEYBYTES, 1,
	    "totpseal", core_cfg.secret);
}

/*
 * Seal TOTP key `key` (AGORA_TOTP_SECRET_BYTES) for the database: hex
 * into `hex` (CORE_TOTP_SEALED_HEX bytes).
 */
void
core_totp_seal(const u_int8_t *key, char *hex)
{
	u_int8_t	box[crypto_secretbox_KEYBYTES];
	u_int8_t	out[TOTP_SEALED_LEN];

	totp_box_key(box);
	randombytes_buf(out, crypto_secretbox_NONCEBYTES);
	(void)crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, key,
	    AGORA_TOTP_SECRET_BYTES, out, box);
	sodium_memzero(box, sizeof(box));
	core_hex(out, sizeof(out), hex);
}

/*
 * The TOTP key (AGORA_TOTP_SECRET_BYTES into `key`) of `hex` as the
 * database holds it: sealed, or a key from before sealing.  0, or -1
 * when it is neither or does not open (another site secret).
 */
int
core_totp_open(const char *hex, u_int8_t *key)
{
	u_int8_t	box[crypto_secretbox_KEYBYTES];
	u_int8_t	in[TOTP_SEALED_LEN];
	size_t		len;
	int		rc;

	if (hex == NULL || sodium_hex2bin(in, sizeof(in), hex, strlen(hex),
	    NULL, &len, NULL) != 0)
		return (-1);
	if (len == AGORA_TOTP_SECRET_BYTES) {
		memcpy(key, in, len);
		sodium_memzero(in, sizeof(in));
		return (0);
	}
	if (len != sizeof(in))
		return (-1);
	totp_box_key(box);
	rc = crypto_secretbox_open_easy(key, in + crypto_secretbox_NONCEBYTES,
	    len - crypto_secretbox_NONCEBYTES, in, box);
	sodium_memzero(box, sizeof(box));

	return (rc == 0 ? 0 : -1);
}

/*
 * Whether `code` (six digits) is the TOTP code, for the stored secret
 * `secret_hex` (core_totp_open), of the current step or one either side,
 * and of a step after `last_step`: 0 with the step in *step, or -1.
 */
int
core_totp_match(const char *secret_hex, int64_t last_step, const char *code,
    u_int64_t *step)
{
	u_int8_t	key[AGORA_TOTP_SECRET_BYTES];
	int		rc;

	if (core_totp_open(secret_hex, key) == -1)
		return (-1);
	rc = agora_totp_match(key, sizeof(key),
	    agora_totp_step((int64_t)time(NULL)), 1,
	    last_step < 0 ? 0 : (u_int64_t)last_step, code, step);
	sodium_memzero(key, sizeof(key));

	return (rc);
}

/*
 * The stored form (hex, CORE_HASH_HEX) of recovery code `code`: ten
 * base32 characters, case, spaces and one dash ignored, hashed with
 * BLAKE2b keyed by the site's secret.  Returns 0, or -1 when `code` is
 * not shaped like one.
 */
int
core_recovery_hash(const char *code, char *hex)
{
	u_int8_t	hash[CORE_HASH_BYTES];
	char		norm[11];
	size_t		n;
	char		c;

	if (code == NULL || strlen(code) > 32)
		return (-1);
	for (n = 0; *code != '\0'; code++) {
		c = *code;
		if (c == ' ' || c == '-')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = c - 'A' + 'a';
		if (strchr(RECOVERY_ALPHABET, c) == NULL || c == '\0' ||
		    n == 10)
			return (-1);
		norm[n++] = c;
	}
	if (n != 10)
		return (-1);
	norm[n] = '\0';

	crypto_generichash(hash, sizeof(hash), (const u_int8_t *)norm, n,
	    core_cfg.secret, sizeof(core_cfg.secret));
	core_hex(hash, sizeof(hash), hex);

	return (0);
}

/*
 * A new recovery code as shown ("xxxxx-xxxxx", CORE_RECOVERY_LEN + 1
 * bytes) into `code` and its stored form into `hex` (CORE_HASH_HEX).
 */
void
core_recovery_new(char *code, char *hex)
{
	u_int8_t	raw[10];
	size_t		i, o;

	randombytes_buf(raw, sizeof(raw));
	for (i = 0, o = 0; i < sizeof(raw); i++) {
		if (i == 5)
			code[o++] = '-';
		code[o++] = RECOVERY_ALPHABET[raw[i] & 0x1f];
	}
	code[o] = '\0';
	sodium_memzero(raw, sizeof(raw));
	(void)core_recovery_hash(code, hex);
}

/*
 * Check `code` as a second factor of user `uid` (TOTP on), in statement
 * slots `load` and `use`: a TOTP code (six digits) or a recovery code.
 * CORE_OK with *ok; a code is used up by the check that accepts it.
 */
int
core_totp_check(struct http_request *req, struct core_ctx *ctx,
    struct core_db *load, struct core_db *use, int64_t uid, const char *code,
    int *ok)
{
	struct core_num	 id, st;
	const char	*params[2];
	char		 hex[CORE_HASH_HEX];

	*ok = 0;
	params[0] = core_num(&id, uid);

	if (!(ctx->totp.state & TOTP_LOADED)) {
		if (core_recovery_hash(code, hex) == 0) {
			ctx->totp.state |= TOTP_LOADED | TOTP_RECOVERY;
		} else {
			CORE_TRY(core_db_run(req, load, sql_totp_load, 1,
			    params));
			ctx->totp.state |= TOTP_LOADED;
			if (core_db_rows(load) == 1 && core_totp_match(
			    core_db_value(load, 0, 0), core_db_int(load, 0, 1),
			    code, &ctx->totp.step) == 0)
				ctx->totp.state |= TOTP_MATCHED;
			else
				ctx->totp.state |= TOTP_NONE;
		}
	}

	if (ctx->totp.state & TOTP_NONE)
		return (CORE_OK);

	if (ctx->totp.state & TOTP_RECOVERY) {
		(void)core_recovery_hash(code, hex);
		params[1] = hex;
		CORE_TRY(core_db_run(req, use, sql_recovery_use, 2, params));
	} else {
		params[1] = core_num(&st, (int64_t)ctx->totp.step);
		CORE_TRY(core_db_run(req, use, sql_totp_use, 2, params));
	}
	*ok = core_db_rows(use) == 1;

	return (CORE_OK);
}

/*
 * A login challenge for user `uid`, whose password was right: its token
 * (hex) in ctx->totp.challenge, stored in `db`.
 */
int
core_login_challenge(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t uid)
{
	struct core_num	 id, life;
	u_int8_t	 hash[CORE_HASH_BYTES];
	const char	*params[3];
	char		 hex[CORE_HASH_HEX];

	if (ctx->totp.challenge[0] == '\0') {
		core_token_new(ctx->totp.challenge, hash);
		sodium_memzero(hash, sizeof(hash));
	}
	if (core_token_hash(ctx->totp.challenge, hash) == -1)
		return (core_error(req, 500, NULL));
	core_hex(hash, sizeof(hash), hex);
	params[0] = hex;
	params[1] = core_num(&id, uid);
	params[2] = core_num(&life, CORE_TOTP_CHALLENGE_S);

	return (core_db_run(req, db, sql_challenge_new, 3, params));
}

/*
 * The second step of a sign-in: challenge `challenge` with code `code`,
 * in slots 0 to 3.  CORE_OK with *status: 200 (ctx->db[0] holds the
 * user, CORE_SQL_USER_COLS), 401 (a wrong code; the challenge may be
 * tried again), 410 (no such challenge any more: expired, used, or too
 * many wrong codes), 403 (banned meanwhile) or 429 (throttled).
 */
int
core_login_second(struct http_request *req, struct core_ctx *ctx,
    const char *challenge, const char *code, int *status)
{
	struct core_db	*user = &ctx->db[0];
	struct core_num	 most;
	u_int8_t	 hash[CORE_HASH_BYTES];
	const char	*params[2], *ip, *name;
	char		 hex[CORE_HASH_HEX];
	int		 ok;

	if (core_token_hash(challenge, hash) == -1) {
		*status = 410;
		return (CORE_OK);
	}
	core_hex(hash, sizeof(hash), hex);
	params[0] = hex;
	params[1] = core_num(&most, CORE_TOTP_ATTEMPTS);
	CORE_TRY(core_db_run(req, user, sql_challenge_get, 2, params));
	if (core_db_rows(user) != 1) {
		*status = 410;
		return (CORE_OK);
	}
	name = core_db_value(user, 0, CORE_USER_COL_USERNAME);
	ip = core_client_ip(req);

	if (!(ctx->totp.state & SECOND_THROTTLE_CHECKED)) {
		ctx->totp.state |= SECOND_THROTTLE_CHECKED;
		if (core_throttle_login(name, ip, &ctx->retry_after))
			ctx->totp.state |= SECOND_THROTTLED;
	}
	if (ctx->totp.state & SECOND_THROTTLED) {
		*status = 429;
		return (CORE_OK);
	}

	CORE_TRY(core_totp_check(req, ctx, &ctx->db[1], &ctx->db[2],
	    core_db_int(user, 0, CORE_USER_COL_ID), code, &ok));

	if (!ok) {
		CORE_TRY(core_db_run(req, &ctx->db[3], sql_challenge_wrong, 1,
		    params));
		*status = 401;
		return (CORE_OK);
	}

	CORE_TRY(core_db_run(req, &ctx->db[3], sql_challenge_done, 1, params));
	if (core_db_rows(&ctx->db[3]) != 1) {
		*status = 410;
		return (CORE_OK);
	}
	if (!(ctx->totp.state & SECOND_COUNTED)) {
		ctx->totp.state |= SECOND_COUNTED;
		core_throttle_login_ok(name, ip);
	}
	if (core_db_bool(user, 0, CORE_USER_COL_BANNED)) {
		*status = 403;
		return (CORE_OK);
	}

	*status = 200;
	return (CORE_OK);
}
