-- The alt text of every picture of an album can be changed after
-- posting, as the first picture's can (sql/020_photo_albums.sql): in the
-- same edit, through the same moderation.  An edit records the album's
-- alt texts it changed (item_alts: position -> text, and the texts
-- before, old_item_alts); a flagged edit puts them back, an approved
-- one applies them again, unless a later edit replaced them.

ALTER TABLE photo_edits
	ADD COLUMN item_alts jsonb NOT NULL DEFAULT '{}'::jsonb,
	ADD COLUMN old_item_alts jsonb NOT NULL DEFAULT '{}'::jsonb;

-- Set the alt texts of `p_alts` (position -> text) on photo p_photo's
-- album pictures.
CREATE FUNCTION photo_items_alt_set(p_photo bigint, p_alts jsonb)
RETURNS void
LANGUAGE sql AS $$
	UPDATE photo_items i SET alt_text = a.value
	  FROM jsonb_each_text(p_alts) a
	 WHERE i.photo_id = p_photo AND i.position = a.key::smallint
$$;

CREATE OR REPLACE FUNCTION moderation_preview_photo_edit(p_item bigint,
    OUT author_id bigint, OUT title text, OUT body text, OUT link text)
LANGUAGE sql STABLE AS $$
	SELECT p.owner_id, 'Edit of a photo''s caption and alt text',
	       left(e.caption || E'\n\nAlt text: ' || e.alt_text ||
	       coalesce((SELECT string_agg(E'\nAlt text of picture ' ||
		   (a.key::int + 1) || ': ' || a.value, '' ORDER BY
		   a.key::int) FROM jsonb_each_text(e.item_alts) a), ''), 500),
	       '/photos/' || p.id
	  FROM photo_edits e JOIN photos p ON p.id = e.photo_id
	 WHERE e.id = p_item
$$;

CREATE OR REPLACE FUNCTION moderation_flagged_photo_edit(p_item bigint)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	e	photo_edits;
BEGIN
	UPDATE photo_edits SET status = 'held' WHERE id = p_item
	RETURNING * INTO e;
	IF NOT FOUND OR EXISTS (SELECT 1 FROM photo_edits l
	    WHERE l.photo_id = e.photo_id AND l.id > e.id) THEN
		RETURN;
	END IF;
	UPDATE photos SET caption = e.old_caption, alt_text = e.old_alt_text
	 WHERE id = e.photo_id AND caption = e.caption
	   AND alt_text = e.alt_text;
	PERFORM photo_items_alt_set(e.photo_id, e.old_item_alts);
	PERFORM photos_retag(e.photo_id);
END $$;

CREATE OR REPLACE FUNCTION moderation_apply_photo_edit(p_item bigint,
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
		IF NOT EXISTS (SELECT 1 FROM photo_edits l
		    WHERE l.photo_id = e.photo_id AND l.id > e.id) THEN
			UPDATE photos SET caption = e.caption,
			       alt_text = e.alt_text
			 WHERE id = e.photo_id;
			PERFORM photo_items_alt_set(e.photo_id, e.item_alts);
			PERFORM photos_retag(e.photo_id);
		END IF;
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

-- The owner edits photo p_photo's caption, its first picture's alt text
-- and (p_item_alts, position -> text; positions the album does not have
-- are ignored) its other pictures': the edit row, the photo, its #tags,
-- and the moderate job on what changed.  seen: the viewer sees the
-- photo; allowed: and owns it.  Nothing changed, no edit.
DROP FUNCTION photos_edit(bigint, bigint, bool, text, text, text);
CREATE FUNCTION photos_edit(p_photo bigint, p_viewer bigint, p_admin bool,
    p_caption text, p_alt text, p_item_alts jsonb, p_rid text,
    OUT seen int, OUT allowed int, OUT jobs json)
LANGUAGE plpgsql AS $$
DECLARE
	p	photos;
	e	photo_edits;
	news	jsonb;
	olds	jsonb;
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
	SELECT coalesce(jsonb_object_agg(i.position::text, a.value), '{}'),
	       coalesce(jsonb_object_agg(i.position::text, i.alt_text), '{}')
	  INTO news, olds
	  FROM photo_items i
	  JOIN jsonb_each_text(coalesce(p_item_alts, '{}')) a
	    ON a.key = i.position::text
	 WHERE i.photo_id = p.id AND i.alt_text <> a.value;
	IF p.caption = p_caption AND p.alt_text = p_alt AND news = '{}' THEN
		RETURN;
	END IF;
	INSERT INTO photo_edits (photo_id, editor_id, old_caption,
	    old_alt_text, caption, alt_text, item_alts, old_item_alts)
	VALUES (p.id, p_viewer, p.caption, p.alt_text, p_caption, p_alt,
	    news, olds)
	RETURNING * INTO e;
	UPDATE photos SET caption = p_caption, alt_text = p_alt,
	       edited_at = now() WHERE id = p.id;
	PERFORM photo_items_alt_set(p.id, news);
	PERFORM photos_retag(p.id);
	changed := concat_ws(E'\n',
	    CASE WHEN p.caption <> p_caption THEN p_caption END,
	    CASE WHEN p.alt_text <> p_alt THEN p_alt END,
	    (SELECT string_agg(value, E'\n') FROM jsonb_each_text(news)));
	jobs := json_build_array(enqueue_job('moderate', 'default',
	    jsonb_build_object('kind', 'photo_edit', 'id', e.id,
		'user_id', p_viewer, 'text', changed), p_rid));
END $$;
