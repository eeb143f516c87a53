/*
 * Every rate and size limit of the site, in one place.  The numbers are
 * chosen so that a real person never meets them; they bound what a
 * script can do with one account or one address.
 */

#ifndef __H_AGORA_LIMITS_H
#define __H_AGORA_LIMITS_H

/*
 * Logins.  Each attempt that reaches the password check counts, before
 * the check; a success refunds it.  Per (account, address): 5 in 15
 * minutes.  Per account from every address together: 20 in 15 minutes,
 * so rotating addresses buys an attacker nothing; an address that logged
 * in to the account in the last 30 days is exempt from the per-account
 * limit (only its own per-(account, address) limit applies), so an
 * attack on an account never locks its owner out on their own devices.
 * Every window is fixed from its first attempt: it ends on its own.
 */
#define LIMIT_LOGIN_PAIR_MAX		5
#define LIMIT_LOGIN_PAIR_WINDOW		(15 * 60)
#define LIMIT_LOGIN_ACCOUNT_MAX		20
#define LIMIT_LOGIN_ACCOUNT_WINDOW	(15 * 60)
#define LIMIT_LOGIN_KNOWN_TTL		(30 * 24 * 3600)

/*
 * Password reset mails, keyed by the lower-cased address: 3 per
 * (address, client) in 15 minutes, 5 per address in an hour whoever asks.
 */
#define LIMIT_FORGOT_PAIR_MAX		3
#define LIMIT_FORGOT_PAIR_WINDOW	(15 * 60)
#define LIMIT_FORGOT_ADDRESS_MAX	5
#define LIMIT_FORGOT_ADDRESS_WINDOW	3600

/* Creations per user. */
#define LIMIT_ROOMS_MAX			10	/* chat rooms an hour */
#define LIMIT_ROOMS_WINDOW		3600
#define LIMIT_REPORTS_MAX		30	/* reports an hour, all apps */
#define LIMIT_REPORTS_WINDOW		3600
#define LIMIT_COMMENTS_MAX		30	/* comments in 10 minutes */
#define LIMIT_COMMENTS_WINDOW		600
#define LIMIT_PHOTO_EDITS_MAX		60	/* photo edits an hour */
#define LIMIT_PHOTO_EDITS_WINDOW	3600
#define LIMIT_PHOTO_SAVES_MAX		300	/* saves and unsaves an hour */
#define LIMIT_PHOTO_SAVES_WINDOW	3600
#define LIMIT_AVATARS_MAX		10	/* avatar uploads an hour */
#define LIMIT_AVATARS_WINDOW		3600
#define LIMIT_FOLLOWS_ALIVE		5000	/* people one follows */
#define LIMIT_FOLLOWS_MAX		100	/* follows and unfollows an hour */
#define LIMIT_FOLLOWS_WINDOW		3600
#define LIMIT_BLOCKS_ALIVE		1000	/* blocks and mutes at once */
#define LIMIT_BLOCKS_MAX		100	/* blocks, mutes, undone, an hour */
#define LIMIT_BLOCKS_WINDOW		3600
#define LIMIT_TOKENS_ALIVE		50	/* API tokens at once */
#define LIMIT_TOKENS_RETRY		3600	/* Retry-After when at it */

/*
 * Mails about one's address, per user: 3 verification links an hour
 * (the sign-up's not counted), 5 requests to change the address an hour.
 */
#define LIMIT_VERIFY_RESEND_MAX		3
#define LIMIT_VERIFY_RESEND_WINDOW	3600
#define LIMIT_EMAIL_CHANGE_MAX		5
#define LIMIT_EMAIL_CHANGE_WINDOW	3600

/*
 * A new user (trust level 'new', sql/026): at most this many links in
 * one post or comment, and a third of the comments, rooms and reports
 * above.
 */
#define LIMIT_NEW_LINKS			2
#define LIMIT_NEW_DIVISOR		3

/* Home views further apart than this are two visits (site.c). */
#define CORE_VISIT_GAP			"30 minutes"

#endif
