-- Revisions: every save of a post is kept (who, when, title, body), and
-- fixing a typo in a published post no longer takes it offline.
--
-- The posts row holds what readers see.  Once a post is published its
-- title and body change only when an edit is published: a user's edit
-- waits as a revision (posts.edit_revision, edit_status 'pending') while
-- the approved version stays public, listed and searchable (the search
-- index is on posts, sql/013_search.sql, so it keeps indexing the public
-- version only).  An admin's decision (moderation_apply_post) applies to
-- the pending revision.  A post that was never published keeps today's
-- flow: its row is its latest version, in review as a whole.
--
-- Restoring a revision is an edit with that revision's text
-- (restored_from says which), so it is reviewed like any other.

CREATE TABLE post_revisions (
	id		bigserial PRIMARY KEY,
	post_id		bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	editor_id	bigint REFERENCES users (id) ON DELETE SET NULL,
	title		text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
	body		text NOT NULL CHECK (char_length(body) <= 100000),
	restored_from	bigint,
	created_at	timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX post_revisions_post_idx ON post_revisions (post_id, id);

-- live_revision: the revision readers see (published posts).
-- edit_revision: the newest edit of a published post that is not public
-- yet, 'draft' (saved, not sent), 'pending' (waiting for review) or
-- 'rejected' (edit_reason says why).  Plain numbers, not foreign keys:
-- a post and its revisions go together (ON DELETE CASCADE above).
ALTER TABLE posts
	ADD COLUMN live_revision bigint,
	ADD COLUMN edit_revision bigint,
	ADD COLUMN edit_status text
	    CHECK (edit_status IN ('draft', 'pending', 'rejected')),
	ADD COLUMN edit_reason text,
	ADD CONSTRAINT posts_edit_state
	    CHECK ((edit_revision IS NULL) = (edit_status IS NULL));

-- Every post so far has one revision: what it holds now.
WITH r AS (
	INSERT INTO post_revisions (post_id, editor_id, title, body,
	    created_at)
	SELECT id, author_id, title, body, updated_at FROM posts
	RETURNING id, post_id
)
UPDATE posts p SET live_revision = r.id
  FROM r WHERE r.post_id = p.id AND p.status = 'approved';

-- A post keeps its newest 200 revisions, and whatever their age the one
-- readers see and the one waiting, so that a writer saving in a loop
-- cannot fill the disk.
CREATE FUNCTION blog_post_prune(p posts) RETURNS void
LANGUAGE sql AS $$
	DELETE FROM post_revisions r
	 WHERE r.post_id = p.id
	   AND r.id < (SELECT k.id FROM post_revisions k
	                WHERE k.post_id = p.id
	                ORDER BY k.id DESC OFFSET 199 LIMIT 1)
	   AND r.id IS DISTINCT FROM p.live_revision
	   AND r.id IS DISTINCT FROM p.edit_revision
$$;

-- The newest revision of a post.
CREATE FUNCTION blog_post_head(p_post bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT max(id) FROM post_revisions WHERE post_id = p_post
$$;

-- The open review item of post `p` with the text under review, and the
-- moderate job on that text; the job as job_json.
CREATE FUNCTION blog_post_review(p posts, p_title text, p_body text,
    p_reason text, p_rid text) RETURNS json
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO moderation_queue (kind, item_id, reason, source,
	    author_id, preview_title, preview_body, link)
	VALUES ('post', p.id, p_reason, 'review', p.author_id, p_title,
	    left(p_body, 500), '/blog/' || p.id)
	ON CONFLICT (kind, item_id) WHERE decided_at IS NULL
	DO UPDATE SET preview_title = EXCLUDED.preview_title,
	              preview_body = EXCLUDED.preview_body;
	RETURN enqueue_job('moderate', 'default', jsonb_build_object(
	    'kind', 'post', 'id', p.id, 'user_id', p.author_id,
	    'text', p_title || E'\n\n' || p_body), p_rid);
END $$;

CREATE FUNCTION blog_post_unreview(p_post bigint) RETURNS void
LANGUAGE sql AS $$
	DELETE FROM moderation_queue
	 WHERE kind = 'post' AND item_id = p_post AND decided_at IS NULL
$$;

-- A save of post `p_post` by `p_editor` (`p_admin`: an admin): NULL
-- title or body leave that field as it is in the version being edited
-- (the pending or drafted edit of a published post, else the post);
-- `p_status` is the writer's request, 'draft', 'pending' (send, or for
-- an admin publish) or NULL (keep).  A save that changes the text is a
-- new revision.  The post as it now is, and the jobs queued (job_json
-- rows); no row when there is no such post.
CREATE FUNCTION blog_post_save(p_post bigint, p_editor bigint,
    p_admin boolean, p_title text, p_body text, p_status text,
    p_restored bigint, p_rid text,
    OUT id bigint, OUT slug text, OUT status text, OUT jobs json)
RETURNS SETOF record
LANGUAGE plpgsql AS $$
DECLARE
	p	posts;
	wt	text;
	wb	text;
	nt	text;
	nb	text;
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
		SELECT r.title, r.body INTO wt, wb
		  FROM post_revisions r WHERE r.id = p.edit_revision;
	ELSE
		wt := p.title;
		wb := p.body;
	END IF;
	nt := coalesce(p_title, wt);
	nb := coalesce(p_body, wb);
	edited := nt <> wt OR nb <> wb;
	IF edited THEN
		INSERT INTO post_revisions (post_id, editor_id, title, body,
		    restored_from)
		VALUES (p.id, p_editor, nt, nb, p_restored)
		RETURNING post_revisions.id INTO rev;
	END IF;

	IF p.status <> 'approved' THEN
		-- Never published: the row is the latest version.
		ns := CASE
		    WHEN p_status = 'draft' THEN 'draft'
		    WHEN p_admin AND p_status = 'pending' THEN 'approved'
		    WHEN p_admin THEN p.status
		    WHEN p_status = 'pending' THEN 'pending'
		    WHEN p.status = 'rejected' AND edited THEN 'pending'
		    ELSE p.status END;
		UPDATE posts SET title = nt, slug = slugify(nt), body = nb,
		       status = ns,
		       reject_reason = CASE WHEN ns = 'rejected'
		           THEN reject_reason END,
		       live_revision = CASE WHEN ns = 'approved'
		           THEN blog_post_head(p.id) END,
		       updated_at = CASE WHEN edited OR ns <> p.status
		           THEN now() ELSE updated_at END
		 WHERE posts.id = p.id RETURNING * INTO p;
		IF ns = 'pending' THEN
			js := jsonb_build_array(blog_post_review(p, nt, nb,
			    CASE WHEN edited OR p_status IS NOT NULL
			    THEN 'Edited post awaiting approval.'
			    ELSE 'New post awaiting approval.' END, p_rid));
		ELSE
			PERFORM blog_post_unreview(p.id);
		END IF;
	ELSIF nt = p.title AND nb = p.body THEN
		-- Back to the published text: nothing is waiting any more.
		UPDATE posts SET edit_revision = NULL, edit_status = NULL,
		       edit_reason = NULL
		 WHERE posts.id = p.id RETURNING * INTO p;
		PERFORM blog_post_unreview(p.id);
	ELSIF p_admin AND p_status IS DISTINCT FROM 'draft' THEN
		-- An admin's edit is published at once.
		UPDATE posts SET title = nt, slug = slugify(nt), body = nb,
		       live_revision = coalesce(rev, p.edit_revision),
		       edit_revision = NULL, edit_status = NULL,
		       edit_reason = NULL, updated_at = now()
		 WHERE posts.id = p.id RETURNING * INTO p;
		PERFORM blog_post_unreview(p.id);
	ELSE
		-- An edit of a published post: the published version stays.
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
			js := jsonb_build_array(blog_post_review(p, nt, nb,
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

-- A new post and its first revision; as blog_post_save returns it.
CREATE FUNCTION blog_post_new(p_author bigint, p_title text, p_body text,
    p_status text, p_rid text,
    OUT id bigint, OUT slug text, OUT status text, OUT jobs json)
RETURNS SETOF record
LANGUAGE plpgsql AS $$
DECLARE
	p	posts;
	rev	bigint;
	js	jsonb := '[]'::jsonb;
BEGIN
	INSERT INTO posts (author_id, title, slug, body, status)
	VALUES (p_author, p_title, slugify(p_title), p_body, p_status)
	RETURNING * INTO p;
	INSERT INTO post_revisions (post_id, editor_id, title, body)
	VALUES (p.id, p_author, p_title, p_body)
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
		    'text', p.title || E'\n\n' || p.body), p_rid));
	END IF;
	id := p.id;
	slug := p.slug;
	status := p.status;
	jobs := js::json;
	RETURN NEXT;
END $$;

-- Decisions on posts: on the pending edit of a published post (publish
-- it, or keep the published version and tell the author why), else on
-- a new post as before.  The author is told by email either way.
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

-- What a report or the moderate job puts in the queue: the text under
-- review when an edit is pending.
CREATE OR REPLACE FUNCTION moderation_preview_post(p_item bigint,
    OUT author_id bigint, OUT title text, OUT body text, OUT link text)
LANGUAGE sql STABLE AS $$
	SELECT p.author_id, coalesce(r.title, p.title),
	       left(coalesce(r.body, p.body), 500), '/blog/' || p.id
	  FROM posts p LEFT JOIN post_revisions r
	    ON r.id = p.edit_revision AND p.edit_status = 'pending'
	 WHERE p.id = p_item
$$;
