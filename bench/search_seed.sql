-- The search benchmark's data (bench/search.sh), all made in SQL with
-- generate_series: 1,000 users, 100,000 published posts, 100,000
-- processed photos with captions and #tags, 100 public rooms and
-- 1,000,000 chat messages in them.
--
-- Text is drawn from 3,200 made-up words (bench_word) with a Zipf-like
-- (log-uniform) frequency, so a few words are in most items and most
-- words in few: bench_word(4) is in about 60% of posts, bench_word(49)
-- in about 14%, bench_word(2999) in about 0.2%.  Every 100th post and
-- every 1,000th message holds the phrase "harbour lights".  Items are
-- spread over two years.
--
-- The GIN indexes are dropped while the rows go in and built once at
-- the end (as a restore would), and photo_tags' trigger is off while
-- the tags go in (tag_text is written directly).

CREATE FUNCTION bench_word(i int) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT (ARRAY['ba', 'ko', 'mi', 'ta', 'ru', 'sel', 'vin', 'dor', 'pa',
	    'li', 'ne', 'go', 'fa', 'zu', 'qe', 'ham', 'lo', 'ri', 'tu',
	    'wen'])[1 + i % 20] ||
	    (ARRAY['ka', 'po', 'mu', 'te', 'ri', 'sa', 'vo', 'de', 'pi', 'la',
	    'nu', 'gi', 'fo', 'zo', 'qu', 'ha', 'lu', 're', 'to', 'we'])
	    [1 + (i / 20) % 20] ||
	    (ARRAY['x', 'n', 'th', 'r', 'k', 'l', 'ck', 'm'])[1 + (i / 400) % 8]
$$;

-- `n` words, each drawn log-uniformly from the 3,200.
CREATE FUNCTION bench_text(n int) RETURNS text
LANGUAGE sql VOLATILE AS $$
	SELECT string_agg(bench_word(floor(exp(random() * ln(3200)))::int - 1),
	    ' ') FROM generate_series(1, n)
$$;

DROP INDEX posts_search_idx;
DROP INDEX photos_search_idx;
DROP INDEX chat_messages_search_idx;

INSERT INTO users (username, email, password_hash, created_at)
SELECT 'sb_' || i, 'sb_' || i || '@example.org', '!',
       now() - interval '800 days'
  FROM generate_series(1, 1000) i;

INSERT INTO posts (author_id, title, slug, body, status, created_at)
SELECT 1 + (i * 7919) % 1000, initcap(bench_text(6)), 'post',
       bench_text(30) || CASE WHEN i % 100 = 0 THEN ' harbour lights '
       ELSE ' ' END || bench_text(30), 'approved',
       now() - (100000 - i) * interval '10 minutes'
  FROM generate_series(1, 100000) i;

INSERT INTO media_files (user_id, sha256, format, bytes, width, height,
    status, processed_at)
SELECT 1 + i % 1000, md5(i::text) || md5((i * 7)::text), 'jpeg', 250000,
       1280, 960, 'ready', now()
  FROM generate_series(1, 100000) i;

INSERT INTO photos (owner_id, media_id, caption, tag_text, created_at)
SELECT m.user_id, m.id,
       bench_text(12) || ' #tag' || (m.id % 200), 'tag' || (m.id % 200),
       now() - (100000 - m.id) * interval '10 minutes'
  FROM media_files m;

ALTER TABLE photo_tags DISABLE TRIGGER photo_tags_text;
INSERT INTO photo_tags (photo_id, tag)
SELECT id, 'tag' || (media_id % 200) FROM photos;
ALTER TABLE photo_tags ENABLE TRIGGER photo_tags_text;

INSERT INTO chat_rooms (kind, name, created_by)
SELECT 'public', 'room-' || i, 1 + i % 1000 FROM generate_series(1, 100) i;

INSERT INTO chat_messages (room_id, author_id, body, created_at)
SELECT (SELECT min(id) FROM chat_rooms) + i % 100, 1 + (i * 31) % 1000,
       bench_text(10) || CASE WHEN i % 1000 = 0 THEN ' harbour lights'
       ELSE '' END,
       now() - (1000000 - i) * interval '30 seconds'
  FROM generate_series(1, 1000000) i;

CREATE INDEX posts_search_idx ON posts USING gin (search_tsv);
CREATE INDEX photos_search_idx ON photos USING gin (search_tsv);
CREATE INDEX chat_messages_search_idx ON chat_messages
    USING gin (search_tsv);

VACUUM ANALYZE users;
VACUUM ANALYZE posts;
VACUUM ANALYZE media_files;
VACUUM ANALYZE photos;
VACUUM ANALYZE photo_tags;
VACUUM ANALYZE chat_rooms;
VACUUM ANALYZE chat_messages;
