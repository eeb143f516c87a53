-- Avatars and two-factor sign-in.

-- The avatar a person uploaded: its media row (the avatar job makes its
-- square copies, <media>/avatar64 and <media>/avatar256) and, once they
-- exist, the sha256 the pages draw it by.  avatar_sha is NULL while the
-- copies are being made and when there is no avatar: the pages then draw
-- the generated default.  The avatar job sets it only while the user
-- still has that media as their avatar.
ALTER TABLE users
	ADD COLUMN avatar_media_id bigint
		REFERENCES media_files (id) ON DELETE SET NULL,
	ADD COLUMN avatar_sha	text CHECK (avatar_sha ~ '^[0-9a-f]{64}$');

CREATE INDEX users_avatar_media_idx ON users (avatar_media_id)
	WHERE avatar_media_id IS NOT NULL;
