-- Accounts, web sessions and API tokens shared by every app.
-- Session and API tokens are stored only as BLAKE2b-256 hashes.

CREATE TABLE users (
	id		bigserial PRIMARY KEY,
	username	text NOT NULL UNIQUE
			CHECK (username ~ '^[a-z0-9_]{3,32}$'),
	email		text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
	password_hash	text NOT NULL,
	role		text NOT NULL DEFAULT 'user'
			CHECK (role IN ('user', 'admin')),
	banned		boolean NOT NULL DEFAULT false,
	created_at	timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE sessions (
	id		bigserial PRIMARY KEY,
	user_id		bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	token_hash	bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL
);

CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE api_tokens (
	id		bigserial PRIMARY KEY,
	user_id		bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	token_hash	bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
	name		text NOT NULL DEFAULT ''
			CHECK (length(name) <= 100),
	created_at	timestamptz NOT NULL DEFAULT now(),
	last_used_at	timestamptz
);

CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);
