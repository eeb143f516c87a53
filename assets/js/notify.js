// The bell in the navigation of every signed-in page: its count, its
// label and the tab's title ("(3) Blog · Agora") follow the inbox
// without a reload.  The chat's WebSocket (/chat/ws) carries a
// {"type":"notify"} frame whenever the inbox changes, on whichever
// instance it changed; the page then asks the API for the count.  On
// the chat page, chat.js owns the socket and passes the frames on as
// an "agora:notify" event.  While no socket is open the count is
// polled, and the socket is tried again.
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
			const res = await fetch(
			    '/api/v1/notifications?unread=1&limit=1', {
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

	polling(true);
	if (document.getElementById('chat'))
		return;		// chat.js's socket brings the events
	if (!('WebSocket' in window))
		return;
	connect();
})();
