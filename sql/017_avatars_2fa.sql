-- Avatars and two-factor sign-in.

-- The avatar a person uploaded: its media row (the avatar job makes its
-- square copies, <media>/avatar64 and <media>/avatar256) and, once they
-- exist, the sha256 the pages draw it by.  avatar_sha is NULL while the
-- copies are being made and when there is no avatar: the pages then draw
-- the generated default.  The avatar job sets it only while the user
-- still has that media as their avatar.
ALTER TABLE users
	ADD COLUMN avatar_media_id bigint
		REFERENCES media_files (id) ON DELETE SET NULL,
	ADD COLUMN avatar_sha	text CHECK (avatar_sha ~ '^[0-9a-f]{64}$');

CREATE INDEX users_avatar_media_idx ON users (avatar_media_id)
	WHERE avatar_media_id IS NOT NULL;

-- Two-factor sign-in with TOTP (RFC 6238).  A row is made when the user
-- starts the set-up and enabled once they entered a valid code from it;
-- last_step is the last time step a code was accepted for, so no code
-- is accepted twice.
CREATE TABLE user_totp (
	user_id		bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	secret		bytea NOT NULL CHECK (length(secret) = 20),
	enabled_at	timestamptz,
	last_step	bigint NOT NULL DEFAULT 0,
	created_at	timestamptz NOT NULL DEFAULT now()
);

-- Ten single-use recovery codes, made when two-factor sign-in is turned
-- on and shown once; only their keyed BLAKE2b hash is kept.
CREATE TABLE user_recovery_codes (
	id		bigserial PRIMARY KEY,
	user_id		bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	code_hash	bytea NOT NULL,
	used_at		timestamptz,
	UNIQUE (user_id, code_hash)
);

-- A sign-in whose password was right and whose second factor is due:
-- the hash of the challenge the page or the API client holds, valid for
-- five minutes and a few wrong codes.
CREATE TABLE login_challenges (
	token_hash	bytea PRIMARY KEY,
	user_id		bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	expires_at	timestamptz NOT NULL,
	attempts	integer NOT NULL DEFAULT 0
);

CREATE INDEX login_challenges_user_idx ON login_challenges (user_id);
CREATE INDEX login_challenges_expiry_idx ON login_challenges (expires_at);

-- Settings admins change at run time.  require_2fa_admins: admins must
-- have two-factor sign-in on to use the admin area (the environment's
-- AGORA_REQUIRE_2FA_ADMINS=1 turns it on whatever this says).
CREATE TABLE site_settings (
	name		text PRIMARY KEY CHECK (name IN ('require_2fa_admins')),
	value		boolean NOT NULL,
	changed_by	bigint REFERENCES users (id) ON DELETE SET NULL,
	changed_at	timestamptz NOT NULL DEFAULT now()
);
