-- Photos: albums (one post of up to 10 pictures under one caption) and
-- each user's private collection of saved photos.
--
-- An album is a photos row as before: its first picture is
-- photos.media_id with photos.alt_text, and pictures 2 to 10 are
-- photo_items (position 1 to 9), each with its own media row and alt
-- text.  Likes, comments, tags, reports and moderation stay the post's.
-- Hiding the post withdraws every picture's copies; approving it makes
-- them again.

CREATE TABLE photo_items (
	photo_id	bigint NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
	position	smallint NOT NULL CHECK (position BETWEEN 1 AND 9),
	media_id	bigint NOT NULL UNIQUE REFERENCES media_files (id),
	alt_text	text NOT NULL DEFAULT ''
			CHECK (char_length(alt_text) <= 500),
	PRIMARY KEY (photo_id, position)
);

-- The media of post p_photo: its first picture and the album's others.
CREATE FUNCTION photo_media_ids(p_photo bigint) RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
	SELECT media_id FROM photos WHERE id = p_photo
	UNION ALL
	SELECT media_id FROM photo_items WHERE photo_id = p_photo
$$;

-- As in sql/008_photos.sql, for every picture of the post.
CREATE OR REPLACE FUNCTION moderation_apply_photo(p_item bigint,
    p_decision text, p_reason text, p_rid text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	p	photos;
	u	users;
	jobs	json;
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
		WITH m AS (
			UPDATE media_files SET withdrawn = false
			 WHERE id IN (SELECT photo_media_ids(p.id))
			RETURNING id
		)
		SELECT coalesce(json_agg(enqueue_job('thumbnail', 'bulk',
		    jsonb_build_object('media_id', m.id), p_rid)), '[]')
		  INTO jobs FROM m;
		RETURN jobs;
	END IF;
	UPDATE photos SET hidden = true WHERE id = p.id;
	SELECT * INTO u FROM users WHERE id = p.owner_id;
	WITH m AS (
		UPDATE media_files SET withdrawn = true
		 WHERE id IN (SELECT photo_media_ids(p.id))
		RETURNING sha256
	), j AS (
		SELECT enqueue_job('media_purge', 'default',
		    jsonb_build_object('sha256', m.sha256), p_rid) AS job
		  FROM m
		UNION ALL
		SELECT enqueue_job('email', 'critical', jsonb_build_object(
		    'template', 'item_rejected', 'to', u.email,
		    'username', u.username, 'what', 'photo',
		    'reason', coalesce(p_reason, ''),
		    'path', '/photos/' || p.id), p_rid)
	)
	SELECT json_agg(job) INTO jobs FROM j;
	RETURN jobs;
END $$;

-- A user's saved photos: private to them, at most 10,000 (checked by
-- the statement that saves, apps/photos/photos_saved.c).  A photo that
-- is deleted leaves every collection; one that is hidden stays saved
-- but is not shown (agora_photo_visible as a visitor sees it).
CREATE TABLE photo_saves (
	user_id		bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	photo_id	bigint NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
	created_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (user_id, photo_id)
);

CREATE INDEX photo_saves_user_idx ON photo_saves
	(user_id, created_at DESC, photo_id DESC);
CREATE INDEX photo_saves_photo_idx ON photo_saves (photo_id);
