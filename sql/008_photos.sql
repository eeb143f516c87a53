-- Photos: uploads shown in a shared feed, with #tags from captions,
-- people tagged by the owner, likes, comments, moderation and the cat
-- detector's findings.
--
-- A photo's image is a media_files row (core).  Its copies are public to
-- whoever knows their name, so a hidden or deleted photo must lose them:
-- media_files.withdrawn marks media whose owner withdrew it, and the
-- media_purge job removes the served copies of a sha256 that no
-- unwithdrawn row still uses (and the original once no row does).

ALTER TABLE media_files
	ADD COLUMN withdrawn boolean NOT NULL DEFAULT false;

CREATE TABLE photos (
	id		bigserial PRIMARY KEY,
	owner_id	bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	media_id	bigint NOT NULL UNIQUE REFERENCES media_files (id),
	caption		text NOT NULL DEFAULT ''
			CHECK (char_length(caption) <= 2000),
	hidden		boolean NOT NULL DEFAULT false,
	like_count	integer NOT NULL DEFAULT 0,
	comment_count	integer NOT NULL DEFAULT 0,
	-- The cat detector (worker job cat_detect): its best score, the
	-- boxes it found (fractions of width and height), when it looked.
	cat_score	real,
	cat_boxes	jsonb,
	cat_checked_at	timestamptz,
	created_at	timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX photos_feed_idx ON photos (created_at DESC, id DESC)
	WHERE NOT hidden;
CREATE INDEX photos_owner_idx ON photos (owner_id, created_at DESC, id DESC);

-- #tags from the caption (lower case), and the cat detector's #cat.
CREATE TABLE photo_tags (
	photo_id	bigint NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
	tag		text NOT NULL CHECK (tag ~ '^[a-z0-9_]{1,50}$'),
	PRIMARY KEY (photo_id, tag)
);

CREATE INDEX photo_tags_tag_idx ON photo_tags (tag, photo_id DESC);

-- People the owner tagged on the photo.
CREATE TABLE photo_people (
	photo_id	bigint NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
	user_id		bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (photo_id, user_id)
);

CREATE TABLE photo_likes (
	photo_id	bigint NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
	user_id		bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (photo_id, user_id)
);

CREATE TABLE photo_comments (
	id		bigserial PRIMARY KEY,
	photo_id	bigint NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
	author_id	bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	body		text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 2000),
	hidden		boolean NOT NULL DEFAULT false,
	created_at	timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX photo_comments_photo_idx ON photo_comments (photo_id, id);

-- Visible comments, counted on the photo.
CREATE FUNCTION photos_count_comments() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		UPDATE photos SET comment_count = (SELECT count(*)
		    FROM photo_comments c WHERE c.photo_id = NEW.photo_id
		    AND NOT c.hidden) WHERE id = NEW.photo_id;
	END IF;
	IF TG_OP IN ('DELETE', 'UPDATE') THEN
		UPDATE photos SET comment_count = (SELECT count(*)
		    FROM photo_comments c WHERE c.photo_id = OLD.photo_id
		    AND NOT c.hidden) WHERE id = OLD.photo_id;
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER photo_comments_count
    AFTER INSERT OR DELETE OR UPDATE OF hidden ON photo_comments
    FOR EACH ROW EXECUTE FUNCTION photos_count_comments();

-- Moderation of photos: users report them (and the moderate job flags
-- odd images).  Approving keeps the photo (and shows it again if it was
-- hidden); rejecting hides it, withdraws its copies and tells the owner.
CREATE FUNCTION moderation_preview_photo(p_item bigint,
    OUT author_id bigint, OUT title text, OUT body text, OUT link text)
LANGUAGE sql STABLE AS $$
	SELECT p.owner_id, 'Photo', left(p.caption, 500), '/photos/' || p.id
	  FROM photos p WHERE p.id = p_item
$$;

CREATE FUNCTION moderation_apply_photo(p_item bigint, p_decision text,
    p_reason text, p_rid text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	p	photos;
	m	media_files;
	u	users;
BEGIN
	SELECT * INTO p FROM photos WHERE id = p_item FOR UPDATE;
	IF NOT FOUND THEN
		RETURN '[]'::json;
	END IF;
	IF p_decision = 'approved' THEN
		IF NOT p.hidden THEN
			RETURN '[]'::json;
		END IF;
		UPDATE photos SET hidden = false WHERE id = p.id;
		UPDATE media_files SET withdrawn = false WHERE id = p.media_id
		RETURNING * INTO m;
		RETURN json_build_array(enqueue_job('thumbnail', 'bulk',
		    jsonb_build_object('media_id', m.id), p_rid));
	END IF;
	UPDATE photos SET hidden = true WHERE id = p.id;
	UPDATE media_files SET withdrawn = true WHERE id = p.media_id
	RETURNING * INTO m;
	SELECT * INTO u FROM users WHERE id = p.owner_id;
	RETURN json_build_array(
	    enqueue_job('media_purge', 'default',
		jsonb_build_object('sha256', m.sha256), p_rid),
	    enqueue_job('email', 'critical', jsonb_build_object(
		'template', 'item_rejected', 'to', u.email,
		'username', u.username, 'what', 'photo',
		'reason', coalesce(p_reason, ''),
		'path', '/photos/' || p.id), p_rid));
END $$;

-- Photo comments: as in the blog, a flagged one is hidden (but shown to
-- its author) until an admin approves it.
CREATE FUNCTION moderation_preview_photo_comment(p_item bigint,
    OUT author_id bigint, OUT title text, OUT body text, OUT link text)
LANGUAGE sql STABLE AS $$
	SELECT c.author_id, 'Comment on a photo', left(c.body, 500),
	       '/photos/' || c.photo_id || '#c' || c.id
	  FROM photo_comments c WHERE c.id = p_item
$$;

CREATE FUNCTION moderation_flagged_photo_comment(p_item bigint)
RETURNS void
LANGUAGE sql AS $$
	UPDATE photo_comments SET hidden = true WHERE id = p_item
$$;

CREATE FUNCTION moderation_apply_photo_comment(p_item bigint,
    p_decision text, p_reason text, p_rid text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	c	photo_comments;
	u	users;
BEGIN
	UPDATE photo_comments SET hidden = (p_decision <> 'approved')
	 WHERE id = p_item RETURNING * INTO c;
	IF NOT FOUND OR p_decision = 'approved' THEN
		RETURN '[]'::json;
	END IF;
	SELECT * INTO u FROM users WHERE id = c.author_id;
	RETURN json_build_array(enqueue_job('email', 'critical',
	    jsonb_build_object('template', 'item_rejected', 'to', u.email,
		'username', u.username, 'what', 'comment',
		'reason', coalesce(p_reason, ''),
		'path', '/photos/' || c.photo_id),
	    p_rid));
END $$;
