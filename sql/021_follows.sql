-- Following: a user follows others and reads their photos in a
-- "Following" feed beside the global one (apps/photos), counted and
-- listed on profiles (apps/people).  One row per pair; following
-- oneself is refused by the table as well as by the handlers.

CREATE TABLE follows (
	follower_id	bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	followee_id	bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (follower_id, followee_id),
	CHECK (follower_id <> followee_id)
);

-- The feed reads (follower_id, followee_id) by the primary key, then
-- each followee's photos newest first by photos_owner_idx (owner_id,
-- created_at DESC, id DESC; sql/008_photos.sql).  Followers of a user,
-- newest first, for profiles.
CREATE INDEX follows_followee_idx
	ON follows (followee_id, created_at DESC, follower_id);
CREATE INDEX follows_follower_time_idx
	ON follows (follower_id, created_at DESC, followee_id);

-- Explore: the photos of the last 7 days by likes.
CREATE INDEX photos_recent_likes_idx
	ON photos (created_at DESC, like_count DESC) WHERE NOT hidden;

-- A follow tells the followed user, as a like does: in the statement
-- that stores it, never for one's own action, and not when they turned
-- the kind off.  Unfollowing removes it (the foreign key cascades).
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
	CHECK (kind IN ('comment', 'reply', 'mention', 'dm', 'like',
	    'moderation', 'follow'));
ALTER TABLE notifications DROP CONSTRAINT notifications_app_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_app_check
	CHECK (app IN ('blog', 'photos', 'chat', 'people'));
ALTER TABLE notifications ADD COLUMN follow_followee_id bigint;
ALTER TABLE notifications ADD CONSTRAINT notifications_follow_fkey
	FOREIGN KEY (actor_id, follow_followee_id)
	REFERENCES follows (follower_id, followee_id) ON DELETE CASCADE;
CREATE INDEX notifications_follow_idx
	ON notifications (actor_id, follow_followee_id)
	WHERE follow_followee_id IS NOT NULL;

ALTER TABLE notification_prefs DROP CONSTRAINT notification_prefs_kind_check;
ALTER TABLE notification_prefs ADD CONSTRAINT notification_prefs_kind_check
	CHECK (kind IN ('comment', 'reply', 'mention', 'dm', 'like', 'follow'));

-- `p_actor` began to follow `p_user`.
CREATE FUNCTION notify_follow(p_user bigint, p_actor bigint)
RETURNS SETOF bigint
LANGUAGE sql AS $$
	INSERT INTO notifications (user_id, actor_id, kind, app,
	    follow_followee_id, subject, link)
	SELECT u.id, p_actor, 'follow', 'people', u.id, 'you',
	       '/u/' || a.username
	  FROM users u, users a
	 WHERE u.id = p_user AND a.id = p_actor AND u.id <> p_actor
	   AND notify_channel(u.id, 'follow') <> 'off'
	RETURNING user_id
$$;
