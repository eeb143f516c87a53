-- Tags on posts, scheduled publishing, and replies to and edits of
-- blog comments.
--
-- Tags.  A post has up to five (apps/blog/tags.c checks and lowers what
-- the writer typed; blog_tags_valid is the same rule here).  They are
-- part of a revision like the title and the body: a user's change of a
-- published post's tags waits for review with the rest of the edit,
-- while readers see the tags of the published version (posts.tags).

CREATE FUNCTION blog_tags_valid(t text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT cardinality(t) <= 5
	   AND cardinality(t) = (SELECT count(DISTINCT x) FROM unnest(t) x)
	   AND NOT EXISTS (SELECT 1 FROM unnest(t) x
	        WHERE x IS NULL OR char_length(x) > 30
	           OR x !~ '^[a-z0-9]+(-[a-z0-9]+)*$')
$$;

ALTER TABLE posts ADD COLUMN tags text[] NOT NULL DEFAULT '{}'
	CHECK (blog_tags_valid(tags));
ALTER TABLE post_revisions ADD COLUMN tags text[] NOT NULL DEFAULT '{}'
	CHECK (blog_tags_valid(tags));

-- Tag pages and the API's ?tag= (tags @> ARRAY[tag]).
CREATE INDEX posts_tags_idx ON posts USING gin (tags);

-- Scheduling.  A post never published may carry publish_at: when it
-- would be published (an admin's publish, an admin's approval) before
-- that time it is 'scheduled' instead, seen only by its author and the
-- admins, and a delayed job (blog_publish, run at publish_at) publishes
-- it.  The job finds the post by id and time: a post rescheduled,
-- unscheduled, edited back to a draft or already published is left
-- alone, so each schedule publishes once however often its job runs.
ALTER TABLE posts DROP CONSTRAINT posts_status_check;
ALTER TABLE posts ADD CONSTRAINT posts_status_check
	CHECK (status IN ('draft', 'pending', 'scheduled', 'approved',
	    'rejected'));
ALTER TABLE posts ADD COLUMN publish_at timestamptz;

-- Runs before posts_published (triggers fire by name), so a post made
-- 'scheduled' here gets no published_at there.
CREATE FUNCTION blog_post_schedule() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.published_at IS NOT NULL OR
	    NEW.status NOT IN ('approved', 'scheduled') THEN
		RETURN NEW;
	END IF;
	IF NEW.publish_at > now() THEN
		IF TG_OP = 'INSERT' OR OLD.status <> 'scheduled' OR
		    NEW.publish_at IS DISTINCT FROM OLD.publish_at THEN
			INSERT INTO job_outbox (type, queue, args, run_at)
			VALUES ('blog_publish', 'default',
			    jsonb_build_object('id', NEW.id,
			    'at', blog_post_time(NEW.publish_at)),
			    NEW.publish_at);
		END IF;
		NEW.status := 'scheduled';
		NEW.live_revision := NULL;
	ELSIF NEW.status = 'scheduled' THEN
		-- Its time was taken away or has passed: published now.
		NEW.status := 'approved';
		NEW.live_revision := blog_post_head(NEW.id);
	END IF;
	RETURN NEW;
END $$;

CREATE TRIGGER posts_publish_at BEFORE INSERT OR UPDATE OF status,
    publish_at ON posts FOR EACH ROW EXECUTE FUNCTION blog_post_schedule();

-- A schedule's time as its job carries it (microseconds, exact).
CREATE FUNCTION blog_post_time(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

-- The blog_publish job: 'published', 'early' (the job ran before its
-- time: it is tried again) or 'stale' (nothing to do).
CREATE FUNCTION blog_post_publish_due(p_post bigint, p_at text)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	p	posts;
BEGIN
	SELECT * INTO p FROM posts WHERE id = p_post FOR UPDATE;
	IF NOT FOUND OR p.status <> 'scheduled' OR p.publish_at IS NULL OR
	    blog_post_time(p.publish_at) <> p_at THEN
		RETURN 'stale';
	END IF;
	IF p.publish_at > now() THEN
		RETURN 'early';
	END IF;
	UPDATE posts SET status = 'approved',
	       live_revision = blog_post_head(p.id)
	 WHERE id = p.id;
	RETURN 'published';
END $$;

-- The text a review shows and the moderate job reads: the body and
-- the tags, which are the writer's words too.
CREATE FUNCTION blog_review_body(p_body text, p_tags text[]) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT p_body || CASE WHEN cardinality(p_tags) > 0
	    THEN E'\n\nTags: ' || array_to_string(p_tags, ', ') ELSE '' END
$$;

-- As in sql/016_revisions.sql, with the tags (`p_tags` NULL keeps
-- them) and, for a post never published, its time (`p_publish` NULL
-- keeps it, '' removes it).
DROP FUNCTION blog_post_save(bigint, bigint, boolean, text, text, text,
    bigint, text);
CREATE FUNCTION blog_post_save(p_post bigint, p_editor bigint,
    p_admin boolean, p_title text, p_body text, p_status text,
    p_restored bigint, p_rid text, p_tags text[], p_publish text,
    OUT id bigint, OUT slug text, OUT status text, OUT jobs json)
RETURNS SETOF record
LANGUAGE plpgsql AS $$
DECLARE
	p	posts;
	wt	text;
	wb	text;
	wg	text[];
	nt	text;
	nb	text;
	ng	text[];
	np	timestamptz;
	rev	bigint;
	ns	text;
	es	text;
	edited	boolean;
	js	jsonb := '[]'::jsonb;
BEGIN
	SELECT * INTO p FROM posts WHERE posts.id = p_post FOR UPDATE;
	IF NOT FOUND THEN
		RETURN;
	END IF;

	IF p.edit_revision IS NOT NULL THEN
		SELECT r.title, r.body, r.tags INTO wt, wb, wg
		  FROM post_revisions r WHERE r.id = p.edit_revision;
	ELSE
		wt := p.title;
		wb := p.body;
		wg := p.tags;
	END IF;
	nt := coalesce(p_title, wt);
	nb := coalesce(p_body, wb);
	ng := coalesce(p_tags, wg);
	edited := nt <> wt OR nb <> wb OR ng <> wg;
	IF edited THEN
		INSERT INTO post_revisions (post_id, editor_id, title, body,
		    tags, restored_from)
		VALUES (p.id, p_editor, nt, nb, ng, p_restored)
		RETURNING post_revisions.id INTO rev;
	END IF;

	IF p.status <> 'approved' THEN
		np := CASE WHEN p_publish IS NULL THEN p.publish_at
		    WHEN p_publish = '' THEN NULL
		    ELSE p_publish::timestamptz END;
		ns := CASE
		    WHEN p_status = 'draft' THEN 'draft'
		    WHEN p_admin AND p_status = 'pending' THEN 'approved'
		    WHEN p_admin THEN p.status
		    WHEN p_status = 'pending' THEN 'pending'
		    WHEN p.status = 'rejected' AND edited THEN 'pending'
		    -- Approved for its time as it was: changed, reviewed again.
		    WHEN p.status = 'scheduled' AND edited THEN 'pending'
		    ELSE p.status END;
		UPDATE posts SET title = nt, slug = slugify(nt), body = nb,
		       tags = ng, status = ns,
		       publish_at = np,
		       reject_reason = CASE WHEN ns = 'rejected'
		           THEN reject_reason END,
		       live_revision = CASE WHEN ns = 'approved'
		           THEN blog_post_head(p.id) END,
		       updated_at = CASE WHEN edited OR ns <> p.status
		           OR np IS DISTINCT FROM p.publish_at THEN now()
		           ELSE updated_at END
		 WHERE posts.id = p.id RETURNING * INTO p;
		IF ns = 'pending' THEN
			js := jsonb_build_array(blog_post_review(p, nt,
			    blog_review_body(nb, ng),
			    CASE WHEN edited OR p_status IS NOT NULL
			    THEN 'Edited post awaiting approval.'
			    ELSE 'New post awaiting approval.' END, p_rid));
		ELSE
			PERFORM blog_post_unreview(p.id);
		END IF;
	ELSIF nt = p.title AND nb = p.body AND ng = p.tags THEN
		UPDATE posts SET edit_revision = NULL, edit_status = NULL,
		       edit_reason = NULL
		 WHERE posts.id = p.id RETURNING * INTO p;
		PERFORM blog_post_unreview(p.id);
	ELSIF p_admin AND p_status IS DISTINCT FROM 'draft' THEN
		UPDATE posts SET title = nt, slug = slugify(nt), body = nb,
		       tags = ng,
		       live_revision = coalesce(rev, p.edit_revision),
		       edit_revision = NULL, edit_status = NULL,
		       edit_reason = NULL, updated_at = now()
		 WHERE posts.id = p.id RETURNING * INTO p;
		PERFORM blog_post_unreview(p.id);
	ELSE
		es := CASE
		    WHEN p_status = 'draft' THEN 'draft'
		    WHEN p_status = 'pending' THEN 'pending'
		    WHEN p.edit_status = 'draft' THEN 'draft'
		    WHEN p.edit_status = 'pending' THEN 'pending'
		    WHEN edited OR p.edit_status IS NULL THEN 'pending'
		    ELSE p.edit_status END;
		UPDATE posts SET edit_revision = coalesce(rev, edit_revision),
		       edit_status = es,
		       edit_reason = CASE WHEN es = 'rejected'
		           THEN edit_reason END
		 WHERE posts.id = p.id RETURNING * INTO p;
		IF es = 'pending' THEN
			js := jsonb_build_array(blog_post_review(p, nt,
			    blog_review_body(nb, ng),
			    'Edit of a published post awaiting approval.',
			    p_rid));
		ELSE
			PERFORM blog_post_unreview(p.id);
		END IF;
	END IF;

	IF edited THEN
		PERFORM blog_post_prune(p);
	END IF;

	id := p.id;
	slug := p.slug;
	status := p.status;
	jobs := js::json;
	RETURN NEXT;
END $$;

DROP FUNCTION blog_post_new(bigint, text, text, text, text);
CREATE FUNCTION blog_post_new(p_author bigint, p_title text, p_body text,
    p_status text, p_rid text, p_tags text[], p_publish timestamptz,
    OUT id bigint, OUT slug text, OUT status text, OUT jobs json)
RETURNS SETOF record
LANGUAGE plpgsql AS $$
DECLARE
	p	posts;
	rev	bigint;
	js	jsonb := '[]'::jsonb;
BEGIN
	INSERT INTO posts (author_id, title, slug, body, status, tags,
	    publish_at)
	VALUES (p_author, p_title, slugify(p_title), p_body, p_status,
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

-- Publishing a pending edit publishes its tags too.
CREATE OR REPLACE FUNCTION moderation_apply_post(p_item bigint,
    p_decision text, p_reason text, p_rid text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	p	posts;
	r	post_revisions;
	u	users;
	ok	boolean := p_decision = 'approved';
BEGIN
	SELECT * INTO p FROM posts WHERE id = p_item FOR UPDATE;
	IF NOT FOUND THEN
		RETURN '[]'::json;
	END IF;
	IF p.status = 'approved' AND p.edit_status = 'pending' THEN
		SELECT * INTO r FROM post_revisions WHERE id = p.edit_revision;
		IF ok THEN
			UPDATE posts SET title = r.title,
			       slug = slugify(r.title), body = r.body,
			       tags = r.tags,
			       live_revision = r.id, edit_revision = NULL,
			       edit_status = NULL, edit_reason = NULL,
			       updated_at = now()
			 WHERE id = p.id RETURNING * INTO p;
		ELSE
			UPDATE posts SET edit_status = 'rejected',
			       edit_reason = p_reason
			 WHERE id = p.id RETURNING * INTO p;
		END IF;
	ELSIF p.status = 'pending' THEN
		UPDATE posts
		   SET status = CASE WHEN ok THEN 'approved' ELSE 'rejected' END,
		       reject_reason = CASE WHEN ok THEN NULL ELSE p_reason END,
		       live_revision = CASE WHEN ok
		           THEN blog_post_head(p.id) END
		 WHERE id = p.id RETURNING * INTO p;
		r.title := p.title;
	ELSE
		RETURN '[]'::json;
	END IF;
	SELECT * INTO u FROM users WHERE id = p.author_id;
	RETURN json_build_array(enqueue_job('email', 'critical',
	    jsonb_build_object(
		'template', CASE WHEN ok THEN 'post_approved'
		    ELSE 'post_rejected' END,
		'to', u.email, 'username', u.username, 'title', r.title,
		'reason', coalesce(p_reason, ''),
		'path', CASE WHEN ok THEN '/blog/' || p.id || '-' || p.slug
		    ELSE '/blog/' || p.id || '/edit' END),
	    p_rid));
END $$;

-- Replies.  A comment may answer another of the same post; there is one
-- level: a reply to a reply is attached to the top-level comment it is
-- under (the statement that stores it says which, apps/blog/
-- blog_comments.c).  The author of that parent comment is told (kind
-- 'reply'), as the other kinds are: never of their own reply, removed
-- while moderation holds the reply and made again when it is approved.
--
-- Edits.  A comment's author may change its text: edited_at says when,
-- and the new text goes through the moderate job as a new comment does.

ALTER TABLE comments
	ADD COLUMN parent_id bigint REFERENCES comments (id) ON DELETE CASCADE,
	ADD COLUMN edited_at timestamptz,
	ADD CONSTRAINT comments_not_own_parent CHECK (parent_id <> id);

CREATE INDEX comments_parent_idx ON comments (parent_id)
	WHERE parent_id IS NOT NULL;

ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
	CHECK (kind IN ('comment', 'reply', 'mention', 'dm', 'like',
	    'moderation'));
ALTER TABLE notification_prefs DROP CONSTRAINT notification_prefs_kind_check;
ALTER TABLE notification_prefs ADD CONSTRAINT notification_prefs_kind_check
	CHECK (kind IN ('comment', 'reply', 'mention', 'dm', 'like'));

-- As sql/015_notifications.sql's, with `p_answered` the author of a
-- reply's parent comment (NULL for a top-level comment): they are told of the
-- reply, and the item's owner of the comment unless that is the same
-- person; each recipient once.
CREATE FUNCTION notify_comment(p_app text, p_comment bigint,
    p_item bigint, p_actor bigint, p_body text, p_answered bigint)
RETURNS SETOF bigint
LANGUAGE sql AS $$
	WITH i AS (
		SELECT p.author_id AS owner, p.title AS subject,
		       '/blog/' || p.id || '-' || p.slug || '#c' || p_comment
		       AS link
		  FROM posts p WHERE p_app = 'blog' AND p.id = p_item
		UNION ALL
		SELECT p.owner_id, 'your photo',
		       '/photos/' || p.id || '#c' || p_comment
		  FROM photos p WHERE p_app = 'photos' AND p.id = p_item
	), r AS (
		SELECT p_answered AS uid, 'reply' AS kind
		 WHERE p_answered IS NOT NULL
		UNION
		SELECT i.owner, 'comment' FROM i
		 WHERE i.owner IS DISTINCT FROM p_answered
		UNION
		SELECT m, 'mention' FROM i, notify_mentioned(p_body) m
		 WHERE m <> i.owner AND m IS DISTINCT FROM p_answered
	)
	INSERT INTO notifications (user_id, actor_id, kind, app, post_id,
	    comment_id, photo_id, photo_comment_id, subject, excerpt, link)
	SELECT r.uid, p_actor, r.kind, p_app,
	       CASE p_app WHEN 'blog' THEN p_item END,
	       CASE p_app WHEN 'blog' THEN p_comment END,
	       CASE p_app WHEN 'photos' THEN p_item END,
	       CASE p_app WHEN 'photos' THEN p_comment END,
	       left(i.subject, 200), left(p_body, 300), i.link
	  FROM r, i
	 WHERE r.uid <> p_actor AND notify_channel(r.uid, r.kind) <> 'off'
	RETURNING user_id
$$;

-- A held blog comment is no news; approved, it is told again, a reply
-- to the author of its parent.
CREATE OR REPLACE FUNCTION notify_comment_hidden() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.hidden = OLD.hidden THEN
		RETURN NULL;
	END IF;
	IF NEW.hidden THEN
		DELETE FROM notifications WHERE comment_id = NEW.id
		   AND kind IN ('comment', 'reply', 'mention');
	ELSE
		PERFORM notify_comment('blog', NEW.id, NEW.post_id,
		    NEW.author_id, NEW.body, (SELECT a.author_id
		    FROM comments a WHERE a.id = NEW.parent_id));
	END IF;
	RETURN NULL;
END $$;
