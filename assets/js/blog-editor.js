// The post editor: a formatting toolbar, a live preview rendered by the
// server's own Markdown renderer, images (chosen, pasted or dropped)
// uploaded with the alt text the editor asks for, and the text kept in
// this browser while it is being written.  The form works without this
// script.
'use strict';

(function () {
	const form = document.querySelector('form.post-editor');
	if (!form)
		return;
	const input = form.querySelector('input[data-upload]');
	const text = form.querySelector('textarea[name=body]');
	const status = form.querySelector('.upload-status');
	const csrf = form.querySelector('input[name=_csrf]').value;
	const PREVIEW_DELAY = 400;

	function say(msg) {
		status.textContent = msg;
	}

	function el(tag, attrs, label) {
		const e = document.createElement(tag);
		for (const [k, v] of Object.entries(attrs || {}))
			e.setAttribute(k, v);
		if (label !== undefined)
			e.textContent = label;
		return e;
	}

	// ---- editing the text at the selection

	function changed() {
		text.dispatchEvent(new Event('input', { bubbles: true }));
	}

	// Wrap the selection in `pre` and `post` (or insert `fill` wrapped).
	function wrap(pre, post, fill) {
		const a = text.selectionStart, b = text.selectionEnd;
		const sel = text.value.slice(a, b) || fill;
		text.setRangeText(pre + sel + post, a, b, 'end');
		text.setSelectionRange(a + pre.length, a + pre.length + sel.length);
		text.focus();
		changed();
	}

	// Put `prefix` before every line the selection touches.
	function lines(prefix) {
		const v = text.value;
		const a = v.lastIndexOf('\n', text.selectionStart - 1) + 1;
		let b = v.indexOf('\n', text.selectionEnd);
		if (b === -1)
			b = v.length;
		const block = v.slice(a, b).split('\n')
		    .map((l) => prefix + l.replace(/^(#+ |- )/, '')).join('\n');
		text.setRangeText(block, a, b, 'end');
		text.focus();
		changed();
	}

	function insertBlock(markdown) {
		const at = text.selectionStart ?? text.value.length;
		const before = text.value.slice(0, at);
		const sep = before && !before.endsWith('\n') ? '\n\n' : '';
		text.setRangeText(sep + markdown + '\n\n', at, text.selectionEnd,
		    'end');
		text.focus();
		changed();
	}

	function code() {
		const sel = text.value.slice(text.selectionStart,
		    text.selectionEnd);
		if (sel.includes('\n'))
			wrap('```\n', '\n```', '');
		else
			wrap('`', '`', 'code');
	}

	function link() {
		const a = text.selectionStart, b = text.selectionEnd;
		const label = text.value.slice(a, b) || 'link text';
		text.setRangeText('[' + label + '](https://)', a, b, 'end');
		// Select the address to type over.
		const at = a + label.length + 3;
		text.setSelectionRange(at, at + 8);
		text.focus();
		changed();
	}

	// ---- the toolbar

	const tools = [
		['bold', 'Bold', 'B', () => wrap('**', '**', 'bold text')],
		['italic', 'Italic', 'I', () => wrap('_', '_', 'italic text')],
		// Words, not emoji: not every device has an emoji font.
		['link', 'Link', 'Link', link],
		['heading', 'Heading', 'H', () => lines('## ')],
		['list', 'Bulleted list', '•', () => lines('- ')],
		['code', 'Code', '</>', code],
		['image', 'Image', 'Image', () => input.click()],
	];
	const bar = el('div', { role: 'toolbar', class: 'editor-toolbar',
	    'aria-label': 'Formatting', 'aria-controls': 'post-body' });
	for (const [name, label, glyph, act] of tools) {
		const b = el('button', { type: 'button', class: 'tool',
		    'data-tool': name, 'aria-label': label, title: label });
		b.appendChild(el('span', { 'aria-hidden': 'true' }, glyph));
		b.addEventListener('click', act);
		bar.appendChild(b);
	}
	text.id = 'post-body';
	text.closest('label').before(bar);

	// Ctrl/Cmd+B and +I, as in every editor.
	text.addEventListener('keydown', (e) => {
		if (!(e.ctrlKey || e.metaKey) || e.altKey)
			return;
		if (e.key === 'b') {
			e.preventDefault();
			wrap('**', '**', 'bold text');
		} else if (e.key === 'i') {
			e.preventDefault();
			wrap('_', '_', 'italic text');
		}
	});

	// ---- the preview

	const section = el('section', { class: 'editor-preview',
	    'aria-labelledby': 'preview-title' });
	section.appendChild(el('h2', { id: 'preview-title' }, 'Preview'));
	const note = el('p', { class: 'preview-status', role: 'status' });
	const out = el('div', { class: 'post-body', id: 'preview' });
	section.append(note, out);
	form.querySelector('.upload-status').after(section);

	let timer = null, seq = 0;
	async function preview() {
		const mine = ++seq;
		try {
			const res = await fetch(text.dataset.preview, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json',
				    'X-CSRF-Token': csrf },
				credentials: 'same-origin',
				body: JSON.stringify({ body: text.value }),
			});
			const data = await res.json();
			if (mine !== seq)
				return;		// a newer preview is on its way
			if (!res.ok) {
				note.textContent = data.detail ||
				    'The preview is not available.';
				return;
			}
			note.textContent = '';
			// The server's renderer: raw HTML in the text is shown
			// as text and only http(s) links survive.
			out.innerHTML = data.html;
		} catch (err) {
			if (mine === seq)
				note.textContent = 'The preview is not available.';
		}
	}
	text.addEventListener('input', () => {
		clearTimeout(timer);
		timer = setTimeout(preview, PREVIEW_DELAY);
	});
	if (text.value)
		preview();

	// ---- the time to publish at, in the writer's own time zone

	const when = form.querySelector('input[name=publish_at]');
	const tz = form.querySelector('input[name=tz_offset]');
	if (when && tz) {
		const pad = (n) => String(n).padStart(2, '0');
		const d = new Date(when.dataset.utc || '');
		if (when.dataset.utc && !isNaN(d))
			when.value = d.getFullYear() + '-' + pad(d.getMonth() + 1) +
			    '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) +
			    ':' + pad(d.getMinutes());
		const small = when.closest('label').querySelector('small');
		if (small)
			small.textContent = '(optional, your time: leave empty ' +
			    'to publish on approval)';
		// The offset of the chosen day (summer time), minutes west.
		form.addEventListener('submit', () => {
			const at = new Date(when.value);
			tz.value = String(isNaN(at) ?
			    new Date().getTimezoneOffset() :
			    at.getTimezoneOffset());
		});
	}

	// ---- images, each with its alt text

	// Markdown's image text: no brackets or line breaks to end it early.
	function altText(s) {
		return s.replace(/\s+/g, ' ').trim().replace(/([\\\[\]])/g, '\\$1');
	}

	const ask = el('div', { class: 'alt-ask', hidden: '' });
	const altLabel = el('label', {}, 'Describe the image for people who ' +
	    'cannot see it (alt text)');
	const alt = el('input', { type: 'text', name: 'image_alt',
	    maxlength: '300', autocomplete: 'off' });
	altLabel.appendChild(alt);
	const altErr = el('small', { class: 'field-error', role: 'alert' });
	const go = el('button', { type: 'button' }, 'Insert image');
	const cancel = el('button', { type: 'button', class: 'secondary' },
	    'Cancel');
	const buttons = el('div', { class: 'grid' });
	buttons.append(go, cancel);
	ask.append(altLabel, altErr, buttons);
	input.closest('label').after(ask);

	// The image waiting for its alt text: chosen, pasted or dropped.
	let pending = null;

	function closeAsk() {
		ask.hidden = true;
		alt.value = '';
		altErr.textContent = '';
		input.value = '';
		pending = null;
	}

	function offer(file) {
		pending = file;
		ask.hidden = false;
		say(file.name ? 'Adding ' + file.name + '.' : 'Adding the image.');
		alt.focus();
	}

	input.addEventListener('change', () => {
		if (input.files[0])
			offer(input.files[0]);
	});

	// The first image among pasted or dropped things, if any.
	function imageOf(list) {
		for (const f of list || [])
			if (/^image\/(jpeg|png|webp)$/.test(f.type))
				return f;
		return null;
	}
	text.addEventListener('paste', (e) => {
		const file = imageOf(e.clipboardData && e.clipboardData.files);
		if (!file)
			return;		// text pastes as text
		e.preventDefault();
		offer(file);
	});
	text.addEventListener('dragover', (e) => {
		if (e.dataTransfer && [...e.dataTransfer.types].includes('Files')) {
			e.preventDefault();
			text.classList.add('drop-target');
		}
	});
	text.addEventListener('dragleave', () =>
	    text.classList.remove('drop-target'));
	text.addEventListener('drop', (e) => {
		text.classList.remove('drop-target');
		const file = imageOf(e.dataTransfer && e.dataTransfer.files);
		if (!file) {
			if (e.dataTransfer && e.dataTransfer.files.length) {
				e.preventDefault();
				say('Only JPEG, PNG or WebP images can be added.');
			}
			return;
		}
		e.preventDefault();
		offer(file);
	});
	cancel.addEventListener('click', () => {
		closeAsk();
		say('No image added.');
		text.focus();
	});
	alt.addEventListener('keydown', (e) => {
		if (e.key === 'Enter') {
			e.preventDefault();
			go.click();
		}
	});
	go.addEventListener('click', async () => {
		const file = pending;
		const words = altText(alt.value);
		if (!file)
			return closeAsk();
		if (!words) {
			altErr.textContent = 'Describe the image first: ' +
			    'what would you tell someone who cannot see it?';
			alt.setAttribute('aria-invalid', 'true');
			alt.focus();
			return;
		}
		alt.removeAttribute('aria-invalid');
		const body = new FormData();
		body.append('file', file, file.name || 'pasted-image');
		say('Uploading ' + file.name + '…');
		go.disabled = true;
		try {
			const res = await fetch(input.dataset.upload, {
				method: 'POST',
				body,
				headers: { 'X-CSRF-Token': csrf },
				credentials: 'same-origin',
			});
			const data = await res.json();
			if (!res.ok) {
				say(data.detail || 'The upload failed.');
				return;
			}
			closeAsk();
			insertBlock(data.markdown.replace(/^!\[\]/,
			    '![' + words + ']'));
			say('Added. The image appears once it is processed.');
		} catch (err) {
			say('The upload failed: ' + err.message);
		} finally {
			go.disabled = false;
		}
	});

	// ---- kept in this browser while it is written

	// Every save on the server is a revision an admin may review, so the
	// text in progress is kept here instead: in localStorage under the
	// form's address, a moment after each change, and offered back when
	// the same editor opens again; sending the form forgets it.
	const KEEP_DELAY = 1000;
	const title = form.querySelector('input[name=title]');
	const key = 'agora:draft:' + form.getAttribute('action');
	const kept = el('p', { class: 'kept-status', role: 'status' });
	form.querySelector('.upload-status').before(kept);
	let keepTimer = null, sending = false;

	function store() {
		try {
			localStorage.setItem(key, JSON.stringify({
				title: title ? title.value : '',
				body: text.value, at: Date.now() }));
			kept.textContent = 'Kept in this browser.';
		} catch (err) {
			kept.textContent = '';	// storage full or off
		}
	}
	function keepSoon() {
		clearTimeout(keepTimer);
		keepTimer = setTimeout(store, KEEP_DELAY);
	}
	text.addEventListener('input', keepSoon);
	if (title)
		title.addEventListener('input', keepSoon);
	form.addEventListener('submit', () => {
		sending = true;
		clearTimeout(keepTimer);
		localStorage.removeItem(key);
	});
	window.addEventListener('pagehide', () => {
		if (!sending && keepTimer !== null)
			store();
	});

	let saved = null;
	try {
		saved = JSON.parse(localStorage.getItem(key) || 'null');
	} catch (err) {
		saved = null;
	}
	if (saved && typeof saved.body === 'string' &&
	    (saved.body !== text.value ||
	    (title && saved.title !== title.value))) {
		const box = el('div', { class: 'kept-offer', role: 'region',
		    'aria-label': 'Unsaved text' });
		const when = new Date(saved.at);
		box.appendChild(el('p', {}, 'You have unsaved text from ' +
		    (isNaN(when) ? 'earlier' : when.toLocaleString()) + '.'));
		const restore = el('button', { type: 'button' }, 'Restore it');
		const drop = el('button', { type: 'button', class: 'secondary' },
		    'Discard it');
		const row = el('div', { class: 'grid' });
		row.append(restore, drop);
		box.appendChild(row);
		form.prepend(box);
		restore.addEventListener('click', () => {
			if (title && typeof saved.title === 'string')
				title.value = saved.title;
			text.value = saved.body;
			box.remove();
			kept.textContent = 'Restored. Save or send it to keep it.';
			changed();
			text.focus();
		});
		drop.addEventListener('click', () => {
			localStorage.removeItem(key);
			box.remove();
			kept.textContent = '';
			text.focus();
		});
	}
})();
