-- 1,000 users and 10,000 processed photos (their media rows point at
-- files that need not exist: the feed reads rows, not files), with
-- captions, #tags, likes and comment counts.
INSERT INTO users (username, email, password_hash)
SELECT 'pb_' || i, 'pb_' || i || '@example.org', '!'
  FROM generate_series(1, 1000) i;

INSERT INTO media_files (user_id, sha256, format, bytes, width, height,
    status, processed_at)
SELECT (SELECT id FROM users WHERE username = 'pb_' || (1 + i % 1000)),
       md5(i::text) || md5((i * 7)::text), 'jpeg', 250000, 1280, 960,
       'ready', now()
  FROM generate_series(1, 10000) i;

INSERT INTO photos (owner_id, media_id, caption, like_count, comment_count,
    created_at)
SELECT m.user_id, m.id,
       'Photo ' || m.id || ' of the <walk> & the #hills ' ||
       CASE WHEN m.id % 3 = 0 THEN '#sunset' ELSE '#day' END,
       m.id % 50, m.id % 7,
       now() - (10000 - m.id) * interval '1 minute'
  FROM media_files m;

INSERT INTO photo_tags (photo_id, tag)
SELECT id, 'hills' FROM photos
UNION ALL
SELECT id, CASE WHEN media_id % 3 = 0 THEN 'sunset' ELSE 'day' END
  FROM photos;

ANALYZE users;
ANALYZE media_files;
ANALYZE photos;
ANALYZE photo_tags;
