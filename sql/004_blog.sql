-- The blog: posts and comments, and the moderation conventions every app
-- follows.
--
-- Moderation (core): an item of kind K enters moderation_queue with a
-- preview; an admin's decision goes through moderation_decide(), which
-- records it and calls the owning app's moderation_apply_K(item,
-- decision, reason, request id).  That function changes the item and
-- returns the jobs it enqueued (JSON array, job_json() rows) so the site
-- can push them after the commit.  moderation_flag() is how the moderate
-- job and user reports put an item in the queue; it calls the app's
-- moderation_flagged_K(item) when the app defines one (e.g. to hide a
-- comment until it is approved).

ALTER TABLE moderation_queue
	ADD COLUMN author_id bigint REFERENCES users (id) ON DELETE CASCADE,
	ADD COLUMN preview_title text,
	ADD COLUMN preview_body text,
	ADD COLUMN link text;

-- A job row as the site pushes it (see CORE_JOB_RETURNING).
CREATE FUNCTION job_json(j job_outbox) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', j.id, 'type', j.type, 'queue', j.queue,
	    'args', j.args,
	    'run_at', (extract(epoch FROM j.run_at) * 1000)::bigint,
	    'created_at', (extract(epoch FROM j.created_at) * 1000)::bigint,
	    'request_id', j.request_id)
$$;

CREATE FUNCTION enqueue_job(p_type text, p_queue text, p_args jsonb,
    p_rid text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	j job_outbox;
BEGIN
	INSERT INTO job_outbox (type, queue, args, request_id)
	VALUES (p_type, p_queue, p_args, p_rid) RETURNING * INTO j;
	RETURN job_json(j);
END $$;

CREATE FUNCTION moderation_decide(p_id bigint, p_decision text,
    p_reason text, p_admin bigint, p_rid text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	q	moderation_queue;
	jobs	json;
BEGIN
	UPDATE moderation_queue
	   SET decided_at = now(), decision = p_decision,
	       decision_reason = p_reason, decided_by = p_admin
	 WHERE id = p_id AND decided_at IS NULL
	RETURNING * INTO q;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	EXECUTE format('SELECT %I($1, $2, $3, $4)',
	    'moderation_apply_' || q.kind)
	   INTO jobs USING q.item_id, p_decision, p_reason, p_rid;
	RETURN coalesce(jobs, '[]'::json);
END $$;

CREATE FUNCTION moderation_flag(p_kind text, p_item bigint, p_reason text,
    p_source text, p_reporter bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	qid	bigint;
BEGIN
	INSERT INTO moderation_queue (kind, item_id, reason, source,
	    reporter_id)
	VALUES (p_kind, p_item, left(p_reason, 1000), p_source, p_reporter)
	ON CONFLICT (kind, item_id) WHERE decided_at IS NULL
	DO UPDATE SET reason = left(moderation_queue.reason || ' ' ||
	    EXCLUDED.reason, 1000)
	RETURNING id INTO qid;
	IF to_regproc('moderation_flagged_' || p_kind) IS NOT NULL THEN
		EXECUTE format('SELECT %I($1)', 'moderation_flagged_' || p_kind)
		  USING p_item;
	END IF;
	RETURN qid;
END $$;

CREATE FUNCTION slugify(t text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(nullif(left(trim(BOTH '-' FROM
	    regexp_replace(lower(t), '[^a-z0-9]+', '-', 'g')), 80), ''), 'post')
$$;

CREATE TABLE posts (
	id		bigserial PRIMARY KEY,
	author_id	bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	title		text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
	slug		text NOT NULL,
	body		text NOT NULL CHECK (char_length(body) <= 100000),
	status		text NOT NULL
			CHECK (status IN ('draft', 'pending', 'approved', 'rejected')),
	reject_reason	text,
	word_count	integer GENERATED ALWAYS AS (coalesce(array_length(
			    regexp_split_to_array(btrim(body), '\s+'), 1), 0)) STORED,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX posts_status_created_idx ON posts (status, created_at DESC, id DESC);
CREATE INDEX posts_author_idx ON posts (author_id, created_at DESC, id DESC);

CREATE TABLE comments (
	id		bigserial PRIMARY KEY,
	post_id		bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	author_id	bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	body		text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 5000),
	hidden		boolean NOT NULL DEFAULT false,
	created_at	timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX comments_post_idx ON comments (post_id, id);

-- Decisions on blog posts: publish, or reject with the reason; the author
-- is told by email either way.
CREATE FUNCTION moderation_apply_post(p_item bigint, p_decision text,
    p_reason text, p_rid text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	p	posts;
	u	users;
BEGIN
	UPDATE posts
	   SET status = CASE WHEN p_decision = 'approved' THEN 'approved'
	                     ELSE 'rejected' END,
	       reject_reason = CASE WHEN p_decision = 'approved' THEN NULL
	                            ELSE p_reason END
	 WHERE id = p_item AND status = 'pending'
	RETURNING * INTO p;
	IF NOT FOUND THEN
		RETURN '[]'::json;
	END IF;
	SELECT * INTO u FROM users WHERE id = p.author_id;
	RETURN json_build_array(enqueue_job('email', 'critical',
	    jsonb_build_object(
		'template', CASE WHEN p_decision = 'approved'
		    THEN 'post_approved' ELSE 'post_rejected' END,
		'to', u.email, 'username', u.username, 'title', p.title,
		'reason', coalesce(p_reason, ''),
		'path', CASE WHEN p_decision = 'approved'
		    THEN '/blog/' || p.id || '-' || p.slug
		    ELSE '/blog/' || p.id || '/edit' END),
	    p_rid));
END $$;

-- A flagged comment is hidden (but still shown to its author) until an
-- admin approves it; a rejected one stays hidden and its author is told.
CREATE FUNCTION moderation_flagged_comment(p_item bigint) RETURNS void
LANGUAGE sql AS $$
	UPDATE comments SET hidden = true WHERE id = p_item
$$;

CREATE FUNCTION moderation_apply_comment(p_item bigint, p_decision text,
    p_reason text, p_rid text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	c	comments;
	u	users;
BEGIN
	UPDATE comments SET hidden = (p_decision <> 'approved')
	 WHERE id = p_item RETURNING * INTO c;
	IF NOT FOUND OR p_decision = 'approved' THEN
		RETURN '[]'::json;
	END IF;
	SELECT * INTO u FROM users WHERE id = c.author_id;
	RETURN json_build_array(enqueue_job('email', 'critical',
	    jsonb_build_object('template', 'item_rejected', 'to', u.email,
		'username', u.username, 'what', 'comment',
		'reason', coalesce(p_reason, ''),
		'path', '/blog/' || c.post_id),
	    p_rid));
END $$;
