-- Photos: a description of each picture for people who cannot see it
-- (alt text), apart from the caption; and editing both after posting.
--
-- An edit applies at once, as a comment appears at once; the moderate
-- job then reads the new text (kind photo_edit, one row of photo_edits
-- per edit).  A flagged edit is undone (the photo shows its previous
-- caption and alt text again, its owner sees the edit held) until an
-- admin approves it; rejecting it keeps it undone and tells the owner.

ALTER TABLE photos
	ADD COLUMN alt_text text NOT NULL DEFAULT ''
	    CHECK (char_length(alt_text) <= 500),
	ADD COLUMN edited_at timestamptz;

-- What an <img> of a photo says: its alt text, or who posted it.
CREATE FUNCTION photo_alt(p_alt text, p_owner text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE WHEN p_alt <> '' THEN p_alt
	       ELSE 'Photo by ' || p_owner END
$$;

CREATE TABLE photo_edits (
	id		bigserial PRIMARY KEY,
	photo_id	bigint NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
	editor_id	bigint REFERENCES users (id) ON DELETE SET NULL,
	old_caption	text NOT NULL,
	old_alt_text	text NOT NULL,
	caption		text NOT NULL CHECK (char_length(caption) <= 2000),
	alt_text	text NOT NULL CHECK (char_length(alt_text) <= 500),
	-- live: shown; held: flagged, undone until approved; rejected.
	status		text NOT NULL DEFAULT 'live'
			CHECK (status IN ('live', 'held', 'rejected')),
	created_at	timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX photo_edits_photo_idx ON photo_edits (photo_id, id DESC);

-- The owner's #tags again from the caption (detected and corrected tags
-- stay as they are).
CREATE FUNCTION photos_retag(p_photo bigint) RETURNS void
LANGUAGE sql AS $$
	DELETE FROM photo_tags WHERE photo_id = p_photo AND source = 'owner';
	INSERT INTO photo_tags (photo_id, tag)
	SELECT DISTINCT p.id, lower(x[1]) FROM photos p,
	       regexp_matches(p.caption,
	       '(?:^|[^A-Za-z0-9_&])#([A-Za-z0-9_]{1,50})', 'g') x
	 WHERE p.id = p_photo
	ON CONFLICT DO NOTHING;
$$;

CREATE FUNCTION moderation_preview_photo_edit(p_item bigint,
    OUT author_id bigint, OUT title text, OUT body text, OUT link text)
LANGUAGE sql STABLE AS $$
	SELECT p.owner_id, 'Edit of a photo''s caption and alt text',
	       left(e.caption || E'\n\nAlt text: ' || e.alt_text, 500),
	       '/photos/' || p.id
	  FROM photo_edits e JOIN photos p ON p.id = e.photo_id
	 WHERE e.id = p_item
$$;

-- Flagged: the photo shows what it said before, unless a later edit
-- already replaced this one.
CREATE FUNCTION moderation_flagged_photo_edit(p_item bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	e	photo_edits;
BEGIN
	UPDATE photo_edits SET status = 'held' WHERE id = p_item
	RETURNING * INTO e;
	IF NOT FOUND THEN
		RETURN;
	END IF;
	UPDATE photos SET caption = e.old_caption, alt_text = e.old_alt_text
	 WHERE id = e.photo_id AND caption = e.caption
	   AND alt_text = e.alt_text
	   AND NOT EXISTS (SELECT 1 FROM photo_edits l
	                    WHERE l.photo_id = e.photo_id AND l.id > e.id);
	PERFORM photos_retag(e.photo_id);
END $$;

CREATE FUNCTION moderation_apply_photo_edit(p_item bigint,
    p_decision text, p_reason text, p_rid text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	e	photo_edits;
	u	users;
BEGIN
	SELECT * INTO e FROM photo_edits WHERE id = p_item FOR UPDATE;
	IF NOT FOUND THEN
		RETURN '[]'::json;
	END IF;
	IF p_decision = 'approved' THEN
		UPDATE photo_edits SET status = 'live' WHERE id = e.id;
		-- Unless a later edit replaced it meanwhile.
		UPDATE photos SET caption = e.caption, alt_text = e.alt_text
		 WHERE id = e.photo_id
		   AND NOT EXISTS (SELECT 1 FROM photo_edits l
		                    WHERE l.photo_id = e.photo_id
		                      AND l.id > e.id);
		PERFORM photos_retag(e.photo_id);
		RETURN '[]'::json;
	END IF;
	UPDATE photo_edits SET status = 'rejected' WHERE id = e.id;
	SELECT u2.* INTO u FROM users u2 JOIN photos p ON p.owner_id = u2.id
	 WHERE p.id = e.photo_id;
	RETURN json_build_array(enqueue_job('email', 'critical',
	    jsonb_build_object('template', 'item_rejected', 'to', u.email,
		'username', u.username, 'what', 'edit of your photo',
		'reason', coalesce(p_reason, ''),
		'path', '/photos/' || e.photo_id),
	    p_rid));
END $$;

-- The owner edits photo p_photo's caption and alt text: the edit row,
-- the photo, its #tags, and the moderate job on what changed.  seen: the
-- viewer sees the photo; allowed: and owns it.  Nothing changed, no edit.
CREATE FUNCTION photos_edit(p_photo bigint, p_viewer bigint, p_admin bool,
    p_caption text, p_alt text, p_rid text,
    OUT seen int, OUT allowed int, OUT jobs json)
LANGUAGE plpgsql AS $$
DECLARE
	p	photos;
	e	photo_edits;
	changed	text;
BEGIN
	seen := 0;
	allowed := 0;
	jobs := '[]'::json;
	SELECT ph.* INTO p FROM photos ph
	  JOIN media_files m ON m.id = ph.media_id
	  JOIN users u ON u.id = ph.owner_id
	 WHERE ph.id = p_photo AND agora_photo_visible(ph.hidden, m.status,
	       ph.owner_id, u.banned, p_viewer, p_admin)
	   FOR UPDATE OF ph;
	IF NOT FOUND THEN
		RETURN;
	END IF;
	seen := 1;
	IF p.owner_id <> p_viewer THEN
		RETURN;
	END IF;
	allowed := 1;
	IF p.caption = p_caption AND p.alt_text = p_alt THEN
		RETURN;
	END IF;
	INSERT INTO photo_edits (photo_id, editor_id, old_caption,
	    old_alt_text, caption, alt_text)
	VALUES (p.id, p_viewer, p.caption, p.alt_text, p_caption, p_alt)
	RETURNING * INTO e;
	UPDATE photos SET caption = p_caption, alt_text = p_alt,
	       edited_at = now() WHERE id = p.id;
	PERFORM photos_retag(p.id);
	changed := concat_ws(E'\n',
	    CASE WHEN p.caption <> p_caption THEN p_caption END,
	    CASE WHEN p.alt_text <> p_alt THEN p_alt END);
	jobs := json_build_array(enqueue_job('moderate', 'default',
	    jsonb_build_object('kind', 'photo_edit', 'id', e.id,
		'user_id', p_viewer, 'text', changed), p_rid));
END $$;
