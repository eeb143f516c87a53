-- What the object detector (worker job photo_detect) sees in photos, the
-- tags it gives them, and the owners' corrections, which win over it.

-- Every detection: a COCO class as a tag-shaped label, the network's
-- score, the box as fractions of the upright image.
CREATE TABLE photo_detections (
	photo_id	bigint NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
	label		text NOT NULL CHECK (label ~ '^[a-z_]{1,32}$'),
	score		real NOT NULL CHECK (score >= 0 AND score <= 1),
	x		real NOT NULL CHECK (x >= 0 AND x <= 1),
	y		real NOT NULL CHECK (y >= 0 AND y <= 1),
	w		real NOT NULL CHECK (w > 0 AND x + w <= 1.0001),
	h		real NOT NULL CHECK (h > 0 AND y + h <= 1.0001)
);

CREATE INDEX photo_detections_photo_idx ON photo_detections (photo_id);

-- Where a tag came from: the owner's caption, the detector, or the
-- owner's correction ("there is a cat here").  Before this, the only
-- tag the detector gave was #cat.
ALTER TABLE photo_tags
	ADD COLUMN source text NOT NULL DEFAULT 'owner'
	CHECK (source IN ('owner', 'detected', 'corrected'));

UPDATE photo_tags t SET source = 'detected' FROM photos p
 WHERE p.id = t.photo_id AND t.tag = 'cat' AND p.cat_score IS NOT NULL
   AND p.caption !~* '(^|[^A-Za-z0-9_&])#cat([^A-Za-z0-9_]|$)';

-- The owners' corrections of detected tags, kept with what the model
-- said (its best score for that label then, NULL when it saw none): the
-- data set a better model would be checked against.  The latest one for
-- a photo and tag wins over the detector, on every later run too.
CREATE TABLE photo_tag_corrections (
	id		bigserial PRIMARY KEY,
	photo_id	bigint NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
	tag		text NOT NULL CHECK (tag ~ '^[a-z0-9_]{1,50}$'),
	action		text NOT NULL CHECK (action IN ('add', 'remove')),
	model_score	real,
	user_id		bigint REFERENCES users (id) ON DELETE SET NULL,
	created_at	timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX photo_tag_corrections_photo_idx
	ON photo_tag_corrections (photo_id, tag, id DESC);
CREATE INDEX photo_tag_corrections_recent_idx
	ON photo_tag_corrections (id DESC);

-- Detection re-runs over every photo (after the model or a threshold
-- changed), started by an admin: progress is the photos checked since.
CREATE TABLE photo_detect_runs (
	id		bigserial PRIMARY KEY,
	requested_by	bigint REFERENCES users (id) ON DELETE SET NULL,
	photos		bigint NOT NULL,
	requested_at	timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX photos_checked_idx ON photos (cat_checked_at);
