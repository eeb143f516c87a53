-- Uploaded images and the moderation queue, shared by every app.

-- An uploaded image.  Files are named by content: the original at
-- <media>/orig/<sha256>.<ext> (never served), the worker's copies at
-- <media>/thumb/<sha256>.jpg and <media>/display/<sha256>.jpg.
CREATE TABLE media_files (
	id		bigserial PRIMARY KEY,
	user_id		bigint REFERENCES users (id) ON DELETE SET NULL,
	sha256		text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	format		text NOT NULL CHECK (format IN ('jpeg', 'png', 'webp')),
	bytes		bigint NOT NULL CHECK (bytes > 0),
	width		integer,
	height		integer,
	status		text NOT NULL DEFAULT 'processing'
			CHECK (status IN ('processing', 'ready', 'failed')),
	reason		text,
	created_at	timestamptz NOT NULL DEFAULT now(),
	processed_at	timestamptz
);

CREATE INDEX media_files_user_idx ON media_files (user_id);
CREATE INDEX media_files_sha_idx ON media_files (sha256);

-- Items waiting for an admin's decision: flagged by the moderate job,
-- reported by users, or (blog posts) new and awaiting approval.  An app
-- reacts to decisions on its own kinds with a trigger on this table.
CREATE TABLE moderation_queue (
	id		bigserial PRIMARY KEY,
	kind		text NOT NULL CHECK (kind ~ '^[a-z_]{1,32}$'),
	item_id		bigint NOT NULL,
	reason		text NOT NULL CHECK (length(reason) <= 1000),
	source		text NOT NULL
			CHECK (source IN ('auto', 'report', 'review')),
	reporter_id	bigint REFERENCES users (id) ON DELETE SET NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	decided_at	timestamptz,
	decision	text CHECK (decision IN ('approved', 'rejected')),
	decision_reason	text,
	decided_by	bigint REFERENCES users (id) ON DELETE SET NULL
);

CREATE UNIQUE INDEX moderation_queue_open_idx
	ON moderation_queue (kind, item_id) WHERE decided_at IS NULL;
CREATE INDEX moderation_queue_pending_idx
	ON moderation_queue (created_at) WHERE decided_at IS NULL;
