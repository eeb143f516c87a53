// The bell in the navigation of every signed-in page: its count, its
// label and the tab's title ("(3) Blog · Agora") follow the inbox
// without a reload.  The chat's WebSocket (/chat/ws) carries a
// {"type":"notify"} frame whenever the inbox changes, on whichever
// instance it changed; the page then asks the API for the count.  On
// the chat page, chat.js owns the socket and passes the frames on as
// an "agora:notify" event.  While no socket is open the count is
// polled, and the socket is tried again.
//
// Browser notifications (the Notification API) for direct messages and
// mentions: only once the user turned them on with the button on
// /settings/notifications (permission is never asked on page load),
// and only while the tab is hidden; a click opens the message.
'use strict';

(function () {
	const bell = document.getElementById('nav-bell');
	if (!bell)
		return;

	const badge = bell.querySelector('.bell-count');
	const base = document.title.replace(/^\([0-9]+\) /, '');
	const POLL_MS = 30000;
	let ws = null;
	let wsDelay = 1000;
	let pollTimer = null;
	let soonTimer = null;
	let stopped = false;
	const BROWSER_KEY = 'agora:browser-notify';
	const LOUD = { dm: 1, mention: 1 };
	let newest = -1;	// the newest unread id seen; -1: not looked yet

	function browserOn() {
		try {
			return 'Notification' in window &&
			    Notification.permission === 'granted' &&
			    localStorage.getItem(BROWSER_KEY) === '1';
		} catch (e) {
			return false;
		}
	}

	// The newest unread notification, told to the system when it is
	// new since the last look, loud and the tab hidden.
	function tell(item) {
		const id = item ? item.id : 0;
		if (newest === -1) {
			newest = id;	// what was there before this page
			return;
		}
		if (!item || id <= newest)
			return;
		newest = id;
		if (!LOUD[item.kind] || !document.hidden || !browserOn())
			return;
		const who = item.actor || 'Someone';
		const what = item.kind === 'dm' ?
		    `${who} sent you a message` :
		    `${who} mentioned you` +
		    (item.subject ? ` in ${item.subject}` : '');
		try {
			const n = new Notification(what, {
				body: item.excerpt || '',
				tag: 'agora-' + item.id,
			});
			n.onclick = () => {
				window.focus();
				location.href = item.link;
			};
		} catch (e) {
			// Some browsers only allow it from a service worker.
		}
	}

	// The button on the settings page: asks, and remembers the choice
	// for this browser.
	function browserButton() {
		const box = document.getElementById('browser-notify');
		const button = document.getElementById('browser-notify-button');
		const state = document.getElementById('browser-notify-state');
		if (!box || !button || !state || !('Notification' in window))
			return;
		function draw() {
			const on = browserOn();
			button.textContent = on ?
			    'Stop notifications on this device' :
			    'Show notifications on this device';
			button.setAttribute('aria-pressed', on ? 'true' : 'false');
			state.textContent = on ?
			    'On: direct messages and mentions show as ' +
			    'notifications while Agora is in the background.' :
			    Notification.permission === 'denied' ?
			    'This browser blocks notifications from Agora: ' +
			    'allow them in its site settings.' : 'Off.';
		}
		box.hidden = false;
		draw();
		button.addEventListener('click', async () => {
			if (browserOn()) {
				localStorage.removeItem(BROWSER_KEY);
				draw();
				return;
			}
			let p = Notification.permission;
			if (p === 'default')
				p = await Notification.requestPermission();
			if (p === 'granted')
				localStorage.setItem(BROWSER_KEY, '1');
			draw();
		});
	}

	function show(n) {
		bell.dataset.unread = String(n);
		bell.setAttribute('aria-label', `Notifications, ${n} unread`);
		badge.textContent = String(n);
		badge.hidden = n === 0;
		document.title = n > 0 ? `(${n}) ${base}` : base;
		const line = document.getElementById('notify-count');
		if (line)
			line.textContent = n > 0 ? `${n} unread.` : 'All read.';
	}

	async function refresh() {
		try {
			const res = await fetch('/api/v1/notifications/unread', {
				credentials: 'same-origin',
				headers: { 'Accept': 'application/json' },
			});
			if (res.status === 401) {
				stopped = true;
				return;
			}
			if (!res.ok)
				return;
			const data = await res.json();
			if (typeof data.unread === 'number')
				show(data.unread);
			if ('newest' in data)
				tell(data.newest);
		} catch (e) {
			// Offline for a moment: the next event or poll mends it.
		}
	}

	// Events come in bursts (a like and a comment): one fetch for them.
	function soon() {
		clearTimeout(soonTimer);
		soonTimer = setTimeout(refresh, 50);
	}

	function polling(on) {
		clearInterval(pollTimer);
		pollTimer = on ? setInterval(refresh, POLL_MS) : null;
	}

	window.addEventListener('agora:notify', soon);
	document.addEventListener('visibilitychange', () => {
		if (document.visibilityState === 'visible')
			soon();
	});

	function connect() {
		if (stopped)
			return;
		const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
		let sock;
		try {
			sock = new WebSocket(proto + '//' + location.host + '/chat/ws');
		} catch (e) {
			retry();
			return;
		}
		let ping = null;
		sock.addEventListener('open', () => {
			ws = sock;
			wsDelay = 1000;
			polling(false);
			bell.dataset.link = 'live';
			ping = setInterval(() => sock.send('{"type":"ping"}'), 25000);
			// What changed while it was away.
			soon();
		});
		sock.addEventListener('message', (ev) => {
			let f;
			try {
				f = JSON.parse(ev.data);
			} catch (e) {
				return;
			}
			if (f.type === 'notify')
				soon();
		});
		sock.addEventListener('close', (ev) => {
			clearInterval(ping);
			if (ws === sock)
				ws = null;
			bell.dataset.link = 'polling';
			polling(true);
			// 1008: the session ended; nothing to follow any more.
			if (ev.code === 1008)
				stopped = true;
			else
				retry();
		});
	}

	function retry() {
		if (stopped)
			return;
		setTimeout(connect, wsDelay);
		wsDelay = Math.min(wsDelay * 2, 30000);
	}

	browserButton();
	polling(true);
	if (document.getElementById('chat'))
		return;		// chat.js's socket brings the events
	if (!('WebSocket' in window))
		return;
	connect();
})();
