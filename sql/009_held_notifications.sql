-- Notifications that carry an item's text wait for moderation, and the
-- password-reset link is made by the worker.
--
-- Held notifications: an email quoting a comment or a caption must not
-- leave before the moderate job (or an admin) has cleared that text.  An
-- app puts such a job in moderation_held_jobs under the item's kind and
-- id instead of the outbox.  The moderate job calls moderation_cleared()
-- when it finds nothing wrong, which moves the held jobs to the outbox
-- unless the item is waiting in the queue; an admin's approval moves
-- them (moderation_decide), a rejection drops them.

CREATE TABLE moderation_held_jobs (
	id		bigserial PRIMARY KEY,
	kind		text NOT NULL CHECK (kind ~ '^[a-z_]{1,32}$'),
	item_id		bigint NOT NULL,
	type		text NOT NULL CHECK (type ~ '^[a-z_]{1,32}$'),
	queue		text NOT NULL
			CHECK (queue IN ('critical', 'default', 'bulk')),
	args		jsonb NOT NULL DEFAULT '{}'::jsonb,
	request_id	text,
	created_at	timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX moderation_held_jobs_item_idx
	ON moderation_held_jobs (kind, item_id);

-- Move the held jobs of an item to the outbox; the new outbox rows.
CREATE FUNCTION moderation_release(p_kind text, p_item bigint)
RETURNS SETOF job_outbox
LANGUAGE sql AS $$
	WITH h AS (
		DELETE FROM moderation_held_jobs
		 WHERE kind = p_kind AND item_id = p_item RETURNING *
	)
	INSERT INTO job_outbox (type, queue, args, request_id)
	SELECT type, queue, args, request_id FROM h ORDER BY id
	RETURNING *
$$;

-- The moderate job found nothing wrong: release, unless the item is in
-- the queue meanwhile (a report), where the decision will release it.
CREATE FUNCTION moderation_cleared(p_kind text, p_item bigint)
RETURNS SETOF job_outbox
LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM moderation_queue WHERE kind = p_kind
	    AND item_id = p_item AND decided_at IS NULL) THEN
		RETURN;
	END IF;
	RETURN QUERY SELECT * FROM moderation_release(p_kind, p_item);
END $$;

CREATE OR REPLACE FUNCTION moderation_decide(p_id bigint, p_decision text,
    p_reason text, p_admin bigint, p_rid text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	q		moderation_queue;
	jobs		json;
	released	json;
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
	IF p_decision = 'approved' THEN
		SELECT coalesce(json_agg(job_json(r)), '[]'::json)
		  INTO released FROM moderation_release(q.kind, q.item_id) r;
	ELSE
		DELETE FROM moderation_held_jobs
		 WHERE kind = q.kind AND item_id = q.item_id;
		released := '[]'::json;
	END IF;
	RETURN (coalesce(jobs, '[]'::json)::jsonb || released::jsonb)::json;
END $$;

-- Password resets: the site stores the request, the email job makes the
-- token, stores its hash here and mails the link, so the link exists
-- only in the message.  A request whose job has not run yet has no hash.
ALTER TABLE password_resets ALTER COLUMN token_hash DROP NOT NULL;
