// The chat page: rooms, direct messages and a message pane drawn from
// the JSON API.  Every user-written string reaches the page through
// textContent or a checked href, never as HTML.  New messages, edits,
// deletions and typing notices arrive over the WebSocket at /chat/ws;
// while it cannot connect, the page polls ?since={version} instead and
// keeps trying to reconnect.
'use strict';

(function () {
	const root = document.getElementById('chat');
	if (!root)
		return;

	const me = root.dataset.user;
	const myId = Number(root.dataset.uid);
	const isAdmin = root.dataset.admin === '1';
	const csrf = root.dataset.csrf;
	const $ = (id) => document.getElementById(id);
	const list = $('messages');
	const composer = $('composer');
	const older = $('older');

	const POLL_MS = 2000;
	const ROOMS_MS = 10000;

	let rooms = [];
	let current = null;		// the open room
	let version = 0;		// newest change seen in it
	let oldest = null;		// oldest message id shown
	// A link to one message (/chat?room=N#mID, as the search gives).
	let jumpTo = Number((location.hash.match(/^#m([0-9]+)$/) || [])[1]) ||
	    null;
	let pollTimer = null;
	let lastRead = 0;
	let ws = null;			// open WebSocket, or null: polling
	let wsDelay = 1000;
	let typingSent = 0;
	let typingTimer = null;
	let pendingRef = null;
	let pendingFrame = null;
	let roomsTimer = null;
	let signedOut = false;		// the session ended: stop trying

	function say(msg) {
		$('chat-error').textContent = msg || '';
	}

	async function api(method, path, body) {
		const opts = {
			method,
			credentials: 'same-origin',
			headers: { 'Accept': 'application/json' },
		};
		if (method !== 'GET') {
			opts.headers['X-CSRF-Token'] = csrf;
			if (body !== undefined) {
				opts.headers['Content-Type'] = 'application/json';
				opts.body = JSON.stringify(body);
			}
		}
		const res = await fetch(path, opts);
		if (res.status === 204)
			return {};
		const data = await res.json().catch(() => ({}));
		if (!res.ok) {
			if (res.status === 401)
				endSession();
			const err = new Error(problemText(data, res.status));
			err.status = res.status;
			throw err;
		}
		return data;
	}

	function problemText(p, status) {
		if (p && p.errors) {
			const first = Object.values(p.errors)[0];
			if (first)
				return first;
		}
		return (p && (p.detail || p.title)) || 'Error ' + status;
	}

	// ---- message text: links and mentions, built as DOM nodes
	const TOKEN = /(https?:\/\/[^\s<>"']+)|(^|[^A-Za-z0-9_])@([A-Za-z0-9_]{3,32})/g;

	function safeUrl(text) {
		// Trailing punctuation is rarely part of the link.
		const trimmed = text.replace(/[.,;:!?)\]]+$/, '');
		try {
			const u = new URL(trimmed);
			if (u.protocol === 'http:' || u.protocol === 'https:')
				return { href: u.href, text: trimmed };
		} catch (e) {
			/* not a URL */
		}
		return null;
	}

	function renderBody(el, body) {
		let at = 0;
		let m;
		TOKEN.lastIndex = 0;
		while ((m = TOKEN.exec(body)) !== null) {
			if (m[1]) {
				const url = safeUrl(m[1]);
				if (!url)
					continue;
				el.append(body.slice(at, m.index));
				const a = document.createElement('a');
				a.href = url.href;
				a.textContent = url.text;
				a.rel = 'nofollow noopener noreferrer';
				a.target = '_blank';
				el.append(a);
				at = m.index + url.text.length;
				TOKEN.lastIndex = at;
			} else {
				const start = m.index + m[2].length;
				el.append(body.slice(at, start));
				const mark = document.createElement('span');
				mark.className = 'mention' +
				    (m[3].toLowerCase() === me ? ' me' : '');
				mark.textContent = '@' + m[3];
				el.append(mark);
				at = start + 1 + m[3].length;
			}
		}
		el.append(body.slice(at));
	}

	// The author's avatar: the uploaded one, or the site's default
	// (apps/core/avatar.c): the initials of the display name (or the
	// username's first letter) on one of eight colours picked by the
	// username's FNV-1a hash.
	function upper(c) {
		return c >= 'a' && c <= 'z' ? c.toUpperCase() : c;
	}

	function initials(name, shown) {
		const words = (shown || '').split(/[ \t]+/).filter(Boolean);
		if (words.length === 0)
			return upper(Array.from(name)[0] || '');
		let s = upper(Array.from(words[0])[0]);
		if (words.length > 1)
			s += upper(Array.from(words[words.length - 1])[0]);
		return s;
	}

	function avatar(name, shown, url) {
		if (url) {
			const img = document.createElement('img');
			img.className = 'avatar av-img';
			img.src = url;
			img.alt = '';
			img.width = 64;
			img.height = 64;
			img.loading = 'lazy';
			return img;
		}
		let h = 2166136261;
		const bytes = new TextEncoder().encode(name);
		for (let i = 0; i < bytes.length; i++) {
			h ^= bytes[i];
			h = Math.imul(h, 16777619) >>> 0;
		}
		const el = document.createElement('span');
		el.className = 'avatar av-' + (h % 8);
		el.setAttribute('aria-hidden', 'true');
		el.textContent = initials(name, shown);
		return el;
	}

	function messageNode(msg) {
		const li = document.createElement('li');
		li.className = 'message' + (msg.author_id === myId ? ' mine' : '');
		li.id = 'm' + msg.id;
		li.dataset.id = msg.id;
		li.dataset.version = msg.version;
		const head = document.createElement('div');
		head.className = 'message-head';
		// A deleted account's messages (author_id -1) have no profile.
		const gone = msg.author_id === -1;
		const who = document.createElement(gone ? 'span' : 'a');
		who.className = 'author';
		if (!gone)
			who.href = '/u/' + encodeURIComponent(msg.author);
		const name = document.createElement('strong');
		name.textContent = gone ? 'deleted user' : msg.author;
		who.append(name);
		const when = document.createElement('time');
		when.dateTime = msg.created_at;
		when.textContent = msg.created_at;
		window.agoraTime.upgrade(when);
		head.append(avatar(msg.author, msg.author_display_name,
		    msg.author_avatar_url), who, ' ', when);
		if (msg.edited_at) {
			const ed = document.createElement('small');
			ed.textContent = ' (edited)';
			head.append(ed);
		}
		head.append(actions(msg));
		const body = document.createElement('div');
		body.className = 'message-body';
		renderBody(body, msg.body);
		li.append(head, body);
		return li;
	}

	function button(label, fn) {
		const b = document.createElement('button');
		b.type = 'button';
		b.className = 'link';
		b.textContent = label;
		b.addEventListener('click', fn);
		return b;
	}

	function actions(msg) {
		const span = document.createElement('span');
		span.className = 'message-actions';
		if (msg.author_id === myId)
			span.append(button('Edit', () => edit(msg)));
		if (msg.author_id === myId || isAdmin)
			span.append(button('Delete', () => remove(msg)));
		if (msg.author_id !== myId)
			span.append(button('Report', () => report(msg)));
		return span;
	}

	// ---- the message pane
	function place(msg) {
		const old = document.getElementById('m' + msg.id);
		if (old && msg.version !== undefined &&
		    Number(old.dataset.version) > msg.version)
			return;		// an older copy, late
		if (msg.deleted) {
			if (old)
				old.remove();
			return;
		}
		const node = messageNode(msg);
		if (old) {
			old.replaceWith(node);
			return;
		}
		// Keep id order: new ones go last, history first.
		let next = null;
		for (const li of list.children) {
			if (Number(li.dataset.id) > msg.id) {
				next = li;
				break;
			}
		}
		list.insertBefore(node, next);
		if (oldest === null || msg.id < oldest)
			oldest = msg.id;
	}

	function nearBottom() {
		return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
	}

	function absorb(messages) {
		const stick = nearBottom();
		for (const msg of messages) {
			place(msg);
			if (msg.version > version)
				version = msg.version;
		}
		if (stick)
			list.scrollTop = list.scrollHeight;
		markRead();
	}

	async function markRead() {
		if (!current || document.hidden)
			return;
		const last = list.lastElementChild;
		const id = last ? Number(last.dataset.id) : 0;
		if (id <= lastRead)
			return;
		lastRead = id;
		try {
			await api('POST', `/api/v1/chat/rooms/${current.id}/read`,
			    { last_id: id });
			current.unread = 0;
			drawRooms();
		} catch (e) {
			/* counts catch up on the next refresh */
		}
	}

	async function open(room) {
		if (current && ws)
			wsSend({ type: 'unsubscribe', room: current.id });
		current = room;
		version = 0;
		oldest = null;
		lastRead = 0;
		list.replaceChildren();
		say('');
		$('room-title').textContent = room.kind === 'dm' ?
		    '@' + room.name : '#' + room.name;
		composer.hidden = room.archived;
		if (room.archived)
			say('This room is archived: it can be read, not written to.');
		const url = new URL(location.href);
		url.searchParams.set('room', room.id);
		url.searchParams.delete('dm');
		history.replaceState(null, '', url.pathname + url.search);
		drawRooms();
		try {
			const data = await api('GET',
			    `/api/v1/chat/rooms/${room.id}/messages?limit=50`);
			if (current !== room)
				return;
			absorb(data.messages);
			older.hidden = !data.has_more;
			list.scrollTop = list.scrollHeight;
			if (jumpTo !== null) {
				const id = jumpTo;
				jumpTo = null;
				await reveal(room, id);
			}
		} catch (e) {
			say(e.message);
		}
		if (ws)
			wsSend({ type: 'subscribe', room: room.id, since: version });
		else
			schedule();
	}

	// Load older pages until message `id` is shown (at most 1,000
	// messages back), then bring it into view.
	async function reveal(room, id) {
		for (let i = 0; i < 20 && current === room && oldest !== null &&
		    !document.getElementById('m' + id) && !older.hidden &&
		    id < oldest; i++) {
			const data = await api('GET',
			    `/api/v1/chat/rooms/${room.id}/messages?before=${oldest}&limit=50`);
			for (const msg of data.messages)
				place(msg);
			older.hidden = !data.has_more;
		}
		const node = document.getElementById('m' + id);
		if (node) {
			node.classList.add('target');
			node.scrollIntoView({ block: 'center' });
		} else {
			say('That message is no longer here.');
		}
	}

	older.addEventListener('click', async () => {
		if (!current || oldest === null)
			return;
		const room = current;
		const height = list.scrollHeight;
		try {
			const data = await api('GET',
			    `/api/v1/chat/rooms/${room.id}/messages?before=${oldest}&limit=50`);
			if (current !== room)
				return;
			for (const msg of data.messages)
				place(msg);
			older.hidden = !data.has_more;
			list.scrollTop = list.scrollHeight - height;
		} catch (e) {
			say(e.message);
		}
	});

	async function poll() {
		if (!current)
			return;
		const room = current;
		try {
			let more = true;
			while (more && current === room) {
				const data = await api('GET',
				    `/api/v1/chat/rooms/${room.id}/messages?since=${version}&limit=200`);
				if (current !== room)
					return;
				// Changes to messages older than those shown are skipped.
				absorb(data.messages.filter((m) =>
				    oldest === null || m.id >= oldest || m.deleted));
				for (const m of data.messages)
					version = Math.max(version, m.version);
				more = data.has_more;
			}
			$('link-state').textContent = '';
		} catch (e) {
			$('link-state').textContent = 'reconnecting…';
		}
	}

	// The session ended (logged out elsewhere, banned, a password
	// reset): stop polling and reconnecting, and say how to come back.
	function endSession() {
		signedOut = true;
		clearTimeout(pollTimer);
		clearInterval(roomsTimer);
		root.dataset.link = 'signed-out';
		$('link-state').textContent = 'signed out';
		say('You are signed out. Log in again to go on chatting.');
	}

	function schedule() {
		clearTimeout(pollTimer);
		if (ws || signedOut)
			return;
		pollTimer = setTimeout(async () => {
			await poll();
			schedule();
		}, POLL_MS);
	}

	// ---- the WebSocket: live while it is open, polling while it is not
	function wsSend(frame) {
		if (ws && ws.readyState === WebSocket.OPEN)
			ws.send(JSON.stringify(frame));
	}

	function connect() {
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
			clearTimeout(pollTimer);
			$('link-state').textContent = 'live';
			root.dataset.link = 'live';
			ping = setInterval(() => wsSend({ type: 'ping' }), 25000);
			if (current)
				wsSend({ type: 'subscribe', room: current.id,
				    since: version });
		});
		sock.addEventListener('message', (ev) => {
			let f;
			try {
				f = JSON.parse(ev.data);
			} catch (e) {
				return;
			}
			onFrame(f);
		});
		sock.addEventListener('close', (ev) => {
			clearInterval(ping);
			// 1008: the server closed it because the session ended.
			if (ev.code === 1008) {
				if (ws === sock)
					ws = null;
				endSession();
				return;
			}
			if (ws === sock) {
				ws = null;
				root.dataset.link = 'polling';
				$('link-state').textContent = 'polling';
				schedule();
			}
			retry();
		});
	}

	function retry() {
		if (signedOut)
			return;
		setTimeout(connect, wsDelay);
		wsDelay = Math.min(wsDelay * 2, 30000);
	}

	function onFrame(f) {
		const room = f.message ? f.message.room_id : f.room_id;
		switch (f.type) {
		case 'notify':
			// A new conversation or mention: the sidebar at once,
			// the bell (notify.js) too.
			loadRooms();
			window.dispatchEvent(new Event('agora:notify'));
			break;
		case 'sent':
			if (f.ref && f.ref === pendingRef) {
				composer.elements.body.value = '';
				pendingRef = null;
			}
			if (current && room === current.id)
				absorb([f.message]);
			break;
		case 'message':
		case 'edited':
			if (current && room === current.id)
				absorb([f.message]);
			break;
		case 'deleted':
			if (current && room === current.id) {
				place({ id: f.id, deleted: true, version: f.version });
				version = Math.max(version, f.version);
			}
			break;
		case 'typing':
			if (current && room === current.id)
				showTyping(f.user);
			break;
		case 'error':
			// A repeated subscribe (reconnect racing a room switch)
			// is harmless; 401 comes just before the close (1008).
			if (f.code === 401)
				break;
			// Busy: nothing was stored; the same frame once more.
			if (f.code === 503 && f.retry_after && f.ref &&
			    f.ref === pendingRef && pendingFrame &&
			    !pendingFrame.retried) {
				pendingFrame.retried = true;
				const again = pendingFrame;
				setTimeout(() => {
					if (pendingRef === again.ref)
						wsSend({ type: again.type,
						    room: again.room,
						    body: again.body,
						    ref: again.ref });
				}, f.retry_after * 1000);
				say(f.detail);
				break;
			}
			if (f.code !== 409 || f.ref)
				say(f.detail);
			if (f.ref && f.ref === pendingRef)
				pendingRef = null;
			break;
		default:
			break;
		}
	}

	function showTyping(user) {
		$('typing').textContent = user + ' is typing…';
		clearTimeout(typingTimer);
		typingTimer = setTimeout(() => {
			$('typing').textContent = '';
		}, 3000);
	}

	// ---- rooms
	function roomItem(room) {
		const li = document.createElement('li');
		const a = document.createElement('a');
		a.href = '?room=' + room.id;
		a.textContent = (room.kind === 'dm' ? '@' : '#') + room.name;
		if (current && current.id === room.id)
			a.setAttribute('aria-current', 'true');
		a.addEventListener('click', (ev) => {
			ev.preventDefault();
			open(room);
		});
		li.append(a);
		if (room.unread > 0 && !(current && current.id === room.id)) {
			const badge = document.createElement('span');
			badge.className = 'unread';
			badge.textContent = room.unread >= 100 ? '99+' : room.unread;
			li.append(' ', badge);
		}
		if (room.archived) {
			const tag = document.createElement('small');
			tag.textContent = ' archived';
			li.append(tag);
		}
		if (isAdmin && room.kind === 'public') {
			li.append(' ', button(room.archived ? 'Unarchive' : 'Archive',
			    () => archive(room)));
		}
		return li;
	}

	function drawRooms() {
		$('rooms').replaceChildren(...rooms.filter((r) => r.kind === 'public')
		    .map(roomItem));
		$('dms').replaceChildren(...rooms.filter((r) => r.kind === 'dm')
		    .map(roomItem));
	}

	async function loadRooms() {
		try {
			rooms = (await api('GET', '/api/v1/chat/rooms')).rooms;
			if (current) {
				const fresh = rooms.find((r) => r.id === current.id);
				if (fresh) {
					fresh.unread = 0;
					current.archived = fresh.archived;
					composer.hidden = fresh.archived;
				}
			}
			drawRooms();
		} catch (e) {
			say(e.message);
		}
	}

	async function archive(room) {
		const verb = room.archived ? 'unarchive' : 'archive';
		try {
			await api('POST', `/api/v1/chat/rooms/${room.id}/${verb}`);
			await loadRooms();
		} catch (e) {
			say(e.message);
		}
	}

	$('new-room').addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const input = ev.target.elements.name;
		try {
			const data = await api('POST', '/api/v1/chat/rooms',
			    { name: input.value });
			input.value = '';
			await loadRooms();
			open(rooms.find((r) => r.id === data.room.id) || data.room);
		} catch (e) {
			say(e.message);
		}
	});

	$('new-dm').addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const input = ev.target.elements.username;
		const name = input.value.trim().toLowerCase();
		try {
			const data = await api('POST',
			    '/api/v1/chat/dm/' + encodeURIComponent(name));
			input.value = '';
			await loadRooms();
			open(rooms.find((r) => r.id === data.room.id) || data.room);
		} catch (e) {
			say(e.status === 404 ? 'No user of that name.' : e.message);
		}
	});

	// ---- writing
	composer.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const box = composer.elements.body;
		const text = box.value;
		if (!current || !text.trim())
			return;
		if (ws) {
			// The box is emptied when the server confirms ("sent").
			pendingRef = 'c' + Date.now();
			pendingFrame = { type: 'send', room: current.id,
			    body: text, ref: pendingRef };
			wsSend({ type: 'send', room: current.id, body: text,
			    ref: pendingRef });
			say('');
			return;
		}
		try {
			const data = await api('POST',
			    `/api/v1/chat/rooms/${current.id}/messages`,
			    { body: text });
			box.value = '';
			say('');
			absorb([data.message]);
			list.scrollTop = list.scrollHeight;
		} catch (e) {
			say(e.message);
		}
	});

	composer.elements.body.addEventListener('input', () => {
		const now = Date.now();
		if (ws && current && now - typingSent > 2000) {
			typingSent = now;
			wsSend({ type: 'typing', room: current.id });
		}
	});

	composer.elements.body.addEventListener('keydown', (ev) => {
		if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
			ev.preventDefault();
			composer.requestSubmit();
		}
	});

	async function edit(msg) {
		const text = prompt('Edit your message', msg.body);
		if (text === null || text === msg.body)
			return;
		try {
			const data = await api('PATCH', `/api/v1/chat/messages/${msg.id}`,
			    { body: text });
			absorb([data.message]);
		} catch (e) {
			say(e.message);
		}
	}

	async function remove(msg) {
		if (!confirm('Delete this message?'))
			return;
		try {
			await api('DELETE', `/api/v1/chat/messages/${msg.id}`);
			place({ id: msg.id, deleted: true });
		} catch (e) {
			say(e.message);
		}
	}

	async function report(msg) {
		const reason = prompt('Why should a moderator look at this?', '');
		if (reason === null)
			return;
		try {
			await api('POST', `/api/v1/chat/messages/${msg.id}/report`,
			    { reason });
			say('Thank you: a moderator will look at it.');
		} catch (e) {
			say(e.message);
		}
	}

	document.addEventListener('visibilitychange', markRead);

	// ---- start
	(async function start() {
		root.dataset.link = 'polling';
		connect();
		await loadRooms();
		roomsTimer = setInterval(loadRooms, ROOMS_MS);
		const url = new URL(location.href);
		const want = Number(url.searchParams.get('room'));
		let room = rooms.find((r) => r.id === want);
		// ?dm=name (a profile's "Message" button): that conversation.
		const dm = (url.searchParams.get('dm') || '').toLowerCase();
		if (!room && /^[a-z0-9_]{1,32}$/.test(dm)) {
			try {
				const data = await api('POST',
				    '/api/v1/chat/dm/' + encodeURIComponent(dm));
				await loadRooms();
				room = rooms.find((r) => r.id === data.room.id) ||
				    data.room;
			} catch (e) {
				say(e.status === 404 ? 'No user of that name.' :
				    e.message);
			}
		}
		if (!room && want) {
			try {
				room = (await api('GET', `/api/v1/chat/rooms/${want}`)).room;
			} catch (e) {
				say('That room does not exist or is not yours to read.');
			}
		}
		room = room || rooms.find((r) => r.kind === 'public');
		if (room)
			open(room);
	})();
}());
