-- The bell's question after every live event (GET
-- /api/v1/notifications/unread): the newest unread notification, one
-- probe of this index however many the user has read, beside the count
-- that notifications_unread_idx answers.
CREATE INDEX notifications_unread_time_idx
	ON notifications (user_id, created_at DESC, id DESC)
	WHERE read_at IS NULL;
