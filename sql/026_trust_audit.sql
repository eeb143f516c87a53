-- Trust and standing: trust levels computed from what a user has done,
-- timed suspensions, every report kept, and the audit log of what
-- admins do.

-- An admin may set a user's level by hand (NULL: computed); a
-- suspension ends by itself at suspended_until (nothing has to run).
ALTER TABLE users
	ADD COLUMN trust_override	text
		CHECK (trust_override IN ('new', 'member', 'trusted')),
	ADD COLUMN suspended_until	timestamptz,
	ADD COLUMN suspend_reason	text NOT NULL DEFAULT ''
		CHECK (char_length(suspend_reason) <= 500);

-- The thresholds, one row, changed on /admin.  A user becomes a member
-- after member_items approved items and member_days days since signing
-- up; trusted after the trusted_* ones.
CREATE TABLE trust_settings (
	id		boolean PRIMARY KEY DEFAULT true CHECK (id),
	member_items	integer NOT NULL DEFAULT 3
			CHECK (member_items BETWEEN 0 AND 10000),
	member_days	integer NOT NULL DEFAULT 2
			CHECK (member_days BETWEEN 0 AND 3650),
	trusted_items	integer NOT NULL DEFAULT 20
			CHECK (trusted_items BETWEEN 0 AND 10000),
	trusted_days	integer NOT NULL DEFAULT 30
			CHECK (trusted_days BETWEEN 0 AND 3650),
	changed_by	bigint REFERENCES users (id) ON DELETE SET NULL,
	changed_at	timestamptz NOT NULL DEFAULT now()
);
INSERT INTO trust_settings DEFAULT VALUES;

CREATE INDEX photo_comments_author_idx ON photo_comments (author_id);
CREATE INDEX moderation_queue_author_idx ON moderation_queue (author_id);

-- What a user has published that stands: approved posts, photos and
-- comments moderation has not hidden.
CREATE FUNCTION user_approved_items(p_user bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT (SELECT count(*) FROM posts
	         WHERE author_id = p_user AND status = 'approved')
	     + (SELECT count(*) FROM photos
	         WHERE owner_id = p_user AND NOT hidden)
	     + (SELECT count(*) FROM comments
	         WHERE author_id = p_user AND NOT hidden)
	     + (SELECT count(*) FROM photo_comments
	         WHERE author_id = p_user AND NOT hidden)
$$;

-- The level a user's record earns: 'new' (posts wait for review),
-- 'member' (publish at once, moderated after the fact) or 'trusted'
-- (edits publish at once too), by the thresholds of trust_settings.
CREATE FUNCTION user_trust_earned(p_user bigint) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT CASE
	    WHEN n.items >= s.trusted_items AND u.created_at <=
	        now() - make_interval(days => s.trusted_days) THEN 'trusted'
	    WHEN n.items >= s.member_items AND u.created_at <=
	        now() - make_interval(days => s.member_days) THEN 'member'
	    ELSE 'new' END
	  FROM users u, trust_settings s,
	       LATERAL (SELECT user_approved_items(u.id) AS items) n
	 WHERE u.id = p_user
$$;

-- A user's level: an admin's override wins, admins are trusted, else
-- what the record earns.  Pages, the API and the statements that
-- publish all ask this one function.
CREATE FUNCTION user_trust(p_user bigint) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT CASE
	    WHEN u.trust_override IS NOT NULL THEN u.trust_override
	    WHEN u.role = 'admin' THEN 'trusted'
	    ELSE user_trust_earned(u.id) END
	  FROM users u WHERE u.id = p_user
$$;

-- Whether a user suspended until `p_until` is still suspended.
CREATE FUNCTION user_suspended(p_until timestamptz) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT p_until IS NOT NULL AND p_until > now()
$$;

-- Each report, so the queue can say who reported an item and how often
-- (the queue row itself is one per open item).
CREATE TABLE moderation_reports (
	id		bigserial PRIMARY KEY,
	queue_id	bigint NOT NULL REFERENCES moderation_queue (id)
			ON DELETE CASCADE,
	reporter_id	bigint REFERENCES users (id) ON DELETE SET NULL,
	reason		text NOT NULL CHECK (length(reason) <= 1000),
	created_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX moderation_reports_queue_idx ON moderation_reports (queue_id);

-- As in sql/006, and each report is kept.
CREATE OR REPLACE FUNCTION moderation_flag(p_kind text, p_item bigint,
    p_reason text, p_source text, p_reporter bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	qid	bigint;
	pv	record;
BEGIN
	INSERT INTO moderation_queue (kind, item_id, reason, source,
	    reporter_id)
	VALUES (p_kind, p_item, left(p_reason, 1000), p_source, p_reporter)
	ON CONFLICT (kind, item_id) WHERE decided_at IS NULL
	DO UPDATE SET reason = left(moderation_queue.reason || ' ' ||
	    EXCLUDED.reason, 1000)
	RETURNING id INTO qid;
	IF p_source = 'report' THEN
		INSERT INTO moderation_reports (queue_id, reporter_id, reason)
		VALUES (qid, p_reporter, left(p_reason, 1000));
	END IF;
	IF to_regproc('moderation_preview_' || p_kind) IS NOT NULL THEN
		EXECUTE format('SELECT * FROM %I($1)',
		    'moderation_preview_' || p_kind) INTO pv USING p_item;
		UPDATE moderation_queue
		   SET author_id = coalesce(author_id, pv.author_id),
		       preview_title = coalesce(preview_title, pv.title),
		       preview_body = coalesce(preview_body, pv.body),
		       link = coalesce(link, pv.link)
		 WHERE id = qid;
	END IF;
	IF to_regproc('moderation_flagged_' || p_kind) IS NOT NULL THEN
		EXECUTE format('SELECT %I($1)', 'moderation_flagged_' || p_kind)
		  USING p_item;
	END IF;
	RETURN qid;
END $$;

-- The audit log: who did what to whom, when and why.  Rows are written
-- by the statement of the action itself, so an action and its record
-- commit together; nothing updates or deletes them (the trigger below
-- refuses, whoever asks).  admin_id has no foreign key: the record
-- outlives the account, and keeps its name.
CREATE TABLE admin_audit (
	id		bigserial PRIMARY KEY,
	admin_id	bigint,
	admin_name	text NOT NULL,
	action		text NOT NULL CHECK (action ~ '^[a-z_]{1,40}$'),
	target_id	bigint,
	target_name	text NOT NULL DEFAULT '',
	subject		text NOT NULL DEFAULT ''
			CHECK (char_length(subject) <= 200),
	reason		text NOT NULL DEFAULT ''
			CHECK (char_length(reason) <= 1000),
	detail		jsonb NOT NULL DEFAULT '{}',
	request_id	text,
	created_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX admin_audit_target_idx ON admin_audit (target_id, id);

CREATE FUNCTION admin_audit_refuse() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the audit log is append-only'
	    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER admin_audit_keep BEFORE UPDATE OR DELETE ON admin_audit
    FOR EACH ROW EXECUTE FUNCTION admin_audit_refuse();
CREATE TRIGGER admin_audit_keep_all BEFORE TRUNCATE ON admin_audit
    FOR EACH STATEMENT EXECUTE FUNCTION admin_audit_refuse();
REVOKE UPDATE, DELETE, TRUNCATE ON admin_audit FROM PUBLIC;

-- One record: admin `p_admin` did `p_action` to user `p_target` (or
-- NULL), on `p_subject` (e.g. "post 12"), because `p_reason`.
CREATE FUNCTION audit_log(p_admin bigint, p_action text, p_target bigint,
    p_subject text, p_reason text, p_detail jsonb, p_rid text)
RETURNS bigint
LANGUAGE sql AS $$
	INSERT INTO admin_audit (admin_id, admin_name, action, target_id,
	    target_name, subject, reason, detail, request_id)
	VALUES (p_admin,
	    coalesce((SELECT username FROM users WHERE id = p_admin), ''),
	    p_action, p_target,
	    coalesce((SELECT username FROM users WHERE id = p_target), ''),
	    left(coalesce(p_subject, ''), 200),
	    left(coalesce(p_reason, ''), 1000),
	    coalesce(p_detail, '{}'), p_rid)
	RETURNING id
$$;

-- As in sql/009, and the decision goes into the audit log.
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
	PERFORM audit_log(p_admin, CASE WHEN p_decision = 'approved'
	    THEN 'approve' ELSE 'reject' END, q.author_id,
	    q.kind || ' ' || q.item_id, p_reason,
	    jsonb_build_object('queue_id', q.id, 'kind', q.kind,
		'item_id', q.item_id, 'source', q.source), p_rid);
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

-- As in sql/019, but a member's post sent for review is published at
-- once and only checked by the moderate job afterwards.
CREATE OR REPLACE FUNCTION blog_post_new(p_author bigint, p_title text,
    p_body text, p_status text, p_rid text, p_tags text[],
    p_publish timestamptz,
    OUT id bigint, OUT slug text, OUT status text, OUT jobs json)
RETURNS SETOF record
LANGUAGE plpgsql AS $$
DECLARE
	p	posts;
	rev	bigint;
	js	jsonb := '[]'::jsonb;
	st	text := p_status;
	after	boolean := false;
BEGIN
	IF st = 'pending' AND user_trust(p_author) <> 'new' THEN
		st := 'approved';
		after := true;
	END IF;
	INSERT INTO posts (author_id, title, slug, body, status, tags,
	    publish_at)
	VALUES (p_author, p_title, slugify(p_title), p_body, st,
	    coalesce(p_tags, '{}'), p_publish)
	RETURNING * INTO p;
	INSERT INTO post_revisions (post_id, editor_id, title, body, tags)
	VALUES (p.id, p_author, p_title, p_body, p.tags)
	RETURNING post_revisions.id INTO rev;
	IF p.status = 'approved' THEN
		UPDATE posts SET live_revision = rev WHERE posts.id = p.id;
	ELSIF p.status = 'pending' THEN
		INSERT INTO moderation_queue (kind, item_id, reason, source,
		    author_id, preview_title, preview_body, link)
		VALUES ('post', p.id, 'New post awaiting approval.', 'review',
		    p.author_id, p.title, left(p.body, 500), '/blog/' || p.id);
	END IF;
	IF p.status = 'pending' OR after THEN
		js := jsonb_build_array(enqueue_job('moderate', 'default',
		    jsonb_build_object('kind', 'post', 'id', p.id,
		    'user_id', p.author_id,
		    'text', p.title || E'\n\n' ||
		    blog_review_body(p.body, p.tags)), p_rid));
	END IF;
	id := p.id;
	slug := p.slug;
	status := p.status;
	jobs := js::json;
	RETURN NEXT;
END $$;

-- A published post the moderate job flags goes back to review, out of
-- readers' sight, until an admin decides (a report alone does not hide
-- it: one reader must not be able to take a post down).
CREATE FUNCTION moderation_flagged_post(p_item bigint) RETURNS void
LANGUAGE sql AS $$
	UPDATE posts SET status = 'pending'
	 WHERE id = p_item AND status = 'approved'
	   AND (edit_status IS NULL OR edit_status <> 'pending')
	   AND EXISTS (SELECT 1 FROM moderation_queue q
	        WHERE q.kind = 'post' AND q.item_id = p_item
	          AND q.decided_at IS NULL AND q.source = 'auto')
$$;

-- What a queue item is, in words ("Comment by bob on “Sunrise on the
-- north ridge”"), and the sha256 of its picture for a thumbnail when it
-- has one (photos and their edits).
CREATE FUNCTION moderation_label(p_kind text, p_item bigint,
    OUT label text, OUT thumb text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF p_kind = 'post' THEN
		SELECT 'Post by ' || u.username || ': “' || p.title || '”'
		  INTO label
		  FROM posts p JOIN users u ON u.id = p.author_id
		 WHERE p.id = p_item;
	ELSIF p_kind = 'comment' THEN
		SELECT 'Comment by ' || u.username || ' on “' || p.title || '”'
		  INTO label
		  FROM comments c JOIN posts p ON p.id = c.post_id
		  JOIN users u ON u.id = c.author_id
		 WHERE c.id = p_item;
	ELSIF p_kind = 'photo' THEN
		SELECT 'Photo by ' || u.username || CASE WHEN p.caption <> ''
		       THEN ': “' || left(p.caption, 80) || '”' ELSE '' END,
		       m.sha256
		  INTO label, thumb
		  FROM photos p JOIN users u ON u.id = p.owner_id
		  JOIN media_files m ON m.id = p.media_id
		 WHERE p.id = p_item;
	ELSIF p_kind = 'photo_comment' THEN
		SELECT 'Comment by ' || u.username || ' on ' ||
		       CASE WHEN p.caption <> '' THEN
		       'the photo “' || left(p.caption, 80) || '”'
		       ELSE 'a photo by ' || o.username END, m.sha256
		  INTO label, thumb
		  FROM photo_comments c JOIN photos p ON p.id = c.photo_id
		  JOIN users u ON u.id = c.author_id
		  JOIN users o ON o.id = p.owner_id
		  JOIN media_files m ON m.id = p.media_id
		 WHERE c.id = p_item;
	ELSIF p_kind = 'photo_edit' THEN
		SELECT 'Caption edit by ' || u.username || ' of a photo',
		       m.sha256
		  INTO label, thumb
		  FROM photo_edits e JOIN photos p ON p.id = e.photo_id
		  JOIN users u ON u.id = p.owner_id
		  JOIN media_files m ON m.id = p.media_id
		 WHERE e.id = p_item;
	ELSIF p_kind = 'chat_message' THEN
		SELECT CASE r.kind WHEN 'public' THEN 'Message by ' ||
		       u.username || ' in #' || r.name
		       ELSE 'Direct message by ' || u.username END
		  INTO label
		  FROM chat_messages m JOIN chat_rooms r ON r.id = m.room_id
		  JOIN users u ON u.id = m.author_id
		 WHERE m.id = p_item;
	END IF;
	label := coalesce(label, initcap(replace(p_kind, '_', ' ')) ||
	    ' (gone)');
END $$;

-- The app a kind of item belongs to, for the queue's filter.
CREATE FUNCTION moderation_app(p_kind text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE
	    WHEN p_kind IN ('post', 'comment') THEN 'blog'
	    WHEN p_kind LIKE 'photo%' THEN 'photos'
	    WHEN p_kind LIKE 'chat%' THEN 'chat'
	    ELSE p_kind END
$$;
