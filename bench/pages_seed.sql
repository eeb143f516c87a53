-- The pages benchmark's data: 10,000 users, 1,000,000 processed photos
-- (media rows whose files need not exist), pg_1 following 500 of the
-- users, 200 published posts, the first with 100 comments and 100
-- replies to them, and pg_1's own posts, photos and rooms for a profile.
INSERT INTO users (username, email, password_hash, created_at)
SELECT 'pg_' || i, 'pg_' || i || '@example.org', '!',
       now() - interval '400 days'
  FROM generate_series(1, 10000) i;

INSERT INTO media_files (user_id, sha256, format, bytes, width, height,
    status, processed_at)
SELECT 1 + i % 10000, md5(i::text) || md5((i * 7)::text), 'jpeg', 250000,
       1280, 960, 'ready', now()
  FROM generate_series(1, 1000000) i;

INSERT INTO photos (owner_id, media_id, caption, caption_cleared,
    like_count, comment_count, created_at)
SELECT m.user_id, m.id, 'Photo ' || m.id || ' of the #hills', true,
       m.id % 50, m.id % 7,
       now() - (1000000 - m.id) * interval '20 seconds'
  FROM media_files m;

-- pg_1 follows every 20th user: 500 of them.
INSERT INTO follows (follower_id, followee_id)
SELECT 1, u FROM generate_series(20, 10000, 20) u;

INSERT INTO posts (author_id, title, slug, body, status, created_at)
SELECT 1 + i % 50, 'Post number ' || i, 'post-' || i,
       repeat('Words of a post about walking and weather. ', 60),
       'approved', now() - make_interval(hours => i)
  FROM generate_series(1, 200) i;

-- The newest post (post-1): 100 comments, each with one reply.
INSERT INTO comments (post_id, author_id, body, created_at)
SELECT (SELECT id FROM posts WHERE slug = 'post-1'), 2 + i,
       'A comment about the walk, number ' || i || '. ' ||
       repeat('More words. ', 10), now() - make_interval(mins => 300 - i)
  FROM generate_series(1, 100) i;
INSERT INTO comments (post_id, author_id, parent_id, body, created_at)
SELECT c.post_id, 200 + (c.id % 100), c.id, 'A reply to ' || c.id || '.',
       c.created_at + interval '1 minute'
  FROM comments c;
UPDATE posts SET comment_count = 200 WHERE slug = 'post-1';

ANALYZE users, media_files, photos, follows, posts, comments;
