// One time format for every page and for the live chat: a <time
// datetime="..."> the server wrote in UTC (exact, for readers without
// scripts) becomes relative in the reader's language ("3 minutes ago",
// "yesterday"), with the exact time in the reader's time zone on hover.
// chat.js draws its messages' times with the same functions.
'use strict';

(function () {
	const MINUTE = 60e3, HOUR = 60 * MINUTE, DAY = 24 * HOUR;
	const relative = new Intl.RelativeTimeFormat(undefined,
	    { numeric: 'auto' });

	function text(d, now) {
		const ago = now - d.getTime();
		if (ago < 45e3 && ago > -45e3)
			return relative.format(0, 'second');
		if (Math.abs(ago) < HOUR)
			return relative.format(-Math.round(ago / MINUTE), 'minute');
		if (Math.abs(ago) < DAY)
			return relative.format(-Math.round(ago / HOUR), 'hour');
		if (Math.abs(ago) < 7 * DAY) {
			const today = new Date(now);
			today.setHours(0, 0, 0, 0);
			const day = new Date(d.getTime());
			day.setHours(0, 0, 0, 0);
			return relative.format(Math.round((day - today) / DAY),
			    'day');
		}
		const opts = { day: 'numeric', month: 'short' };
		if (d.getFullYear() !== new Date(now).getFullYear())
			opts.year = 'numeric';
		return d.toLocaleDateString(undefined, opts);
	}

	function exact(d) {
		return d.toLocaleString(undefined,
		    { dateStyle: 'medium', timeStyle: 'short' });
	}

	// `el` a <time> with its datetime set.
	function upgrade(el, now) {
		const d = new Date(el.dateTime);
		if (isNaN(d))
			return;
		el.textContent = text(d, now ?? Date.now());
		el.title = exact(d);
	}

	function all(root) {
		const now = Date.now();
		for (const el of (root ?? document).querySelectorAll(
		    'time[datetime]'))
			upgrade(el, now);
	}

	window.agoraTime = { text, exact, upgrade, all };
	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', () => all());
	else
		all();
	setInterval(() => all(), MINUTE);
})();
