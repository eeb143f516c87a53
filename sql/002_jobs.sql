-- Deferred jobs: the transactional outbox and what the worker records.
--
-- A change that causes a job inserts the job here in the same statement
-- (and so the same transaction).  The site pushes it to Redis right after
-- the commit; the worker's relay pushes whatever is still unpushed (for
-- instance while Redis was down) and deletes the row once the job has
-- reached a final state.

CREATE TABLE job_outbox (
	id		bigserial PRIMARY KEY,
	type		text NOT NULL CHECK (type ~ '^[a-z_]{1,32}$'),
	queue		text NOT NULL DEFAULT 'default'
			CHECK (queue IN ('critical', 'default', 'bulk')),
	args		jsonb NOT NULL DEFAULT '{}'::jsonb,
	run_at		timestamptz NOT NULL DEFAULT now(),
	request_id	text,
	created_at	timestamptz NOT NULL DEFAULT now(),
	pushed_at	timestamptz
);

CREATE INDEX job_outbox_unpushed_idx ON job_outbox (id)
	WHERE pushed_at IS NULL;
CREATE INDEX job_outbox_pushed_idx ON job_outbox (pushed_at);

-- One row per email job that reached the SMTP server: a re-delivered job
-- finds its row and does not send twice.
CREATE TABLE sent_emails (
	job_id		text PRIMARY KEY,
	recipient	text NOT NULL,
	template	text NOT NULL,
	message_id	text NOT NULL,
	sent_at		timestamptz NOT NULL DEFAULT now()
);

-- Password reset links: single use, one hour.
CREATE TABLE password_resets (
	id		bigserial PRIMARY KEY,
	user_id		bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	token_hash	bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL,
	used_at		timestamptz
);

CREATE INDEX password_resets_user_idx ON password_resets (user_id);
