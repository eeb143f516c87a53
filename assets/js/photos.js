// The photo page: while the photo is being processed, the page asks the
// API every two seconds and shows it (or why it failed) once it is done;
// the upload form is sent by fetch, so that a refused file or caption
// shows its reason beside the field with the chosen file still there;
// the "Show boxes" button draws what the detector found over the picture,
// from the fractions the page carries (the site's content security
// policy admits no inline style, so they are set here).
'use strict';

(function () {
	const photo = document.querySelector('article.photo');
	const id = location.pathname.match(/^\/photos\/(\d+)$/)?.[1];
	if (photo && id && photo.dataset.status === 'processing') {
		let tries = 0;
		const poll = async () => {
			try {
				const r = await fetch('/api/v1/photos/' + id,
				    { credentials: 'same-origin' });
				if (r.ok) {
					const p = (await r.json()).photo;
					if (p.status !== 'processing') {
						location.reload();
						return;
					}
				}
			} catch (e) {
				// Offline for a moment: try again.
			}
			if (++tries < 90)
				setTimeout(poll, 2000);
			else
				photo.querySelector('.photo-status').textContent =
				    'Still processing. Reload the page in a ' +
				    'minute to see it.';
		};
		setTimeout(poll, 2000);
	}
})();

(function () {
	const boxes = document.getElementById('photo-boxes');
	const button = document.getElementById('show-boxes');
	if (!boxes || !button)
		return;

	for (const box of boxes.querySelectorAll('.photo-box')) {
		const f = (k) => Math.min(Math.max(Number(box.dataset[k]) || 0,
		    0), 1) * 100 + '%';
		box.style.left = f('x');
		box.style.top = f('y');
		box.style.width = f('w');
		box.style.height = f('h');
	}

	button.hidden = false;
	button.addEventListener('click', () => {
		const show = boxes.hidden;
		boxes.hidden = !show;
		button.setAttribute('aria-pressed', show ? 'true' : 'false');
		button.textContent = show ? 'Hide boxes' : 'Show boxes';
	});
})();

(function () {
	const form = document.querySelector('form.photo-upload');
	if (!form || !window.fetch || !window.DOMParser)
		return;
	const max = Number(form.dataset.maxBytes) || 0;
	const file = form.querySelector('input[type=file]');

	// The page's answer, drawn into this form: its errors by field.
	const show = (doc) => {
		const got = doc.querySelector('form.photo-upload');
		let alert = form.parentNode.querySelector('.form-error');
		const theirs = doc.querySelector('.form-error');
		if (theirs && !alert) {
			alert = document.createElement('p');
			alert.className = 'form-error';
			alert.setAttribute('role', 'alert');
			form.before(alert);
		}
		if (alert)
			alert.textContent = theirs ? theirs.textContent : '';
		for (const small of form.querySelectorAll('.field-error')) {
			const other = got && got.querySelector('#' + small.id);
			const field = form.querySelector(
			    '[aria-describedby="' + small.id + '"]');
			const msg = other && !other.hidden ?
			    other.textContent : '';
			small.textContent = msg;
			small.hidden = msg === '';
			if (field && msg)
				field.setAttribute('aria-invalid', 'true');
			else if (field)
				field.removeAttribute('aria-invalid');
		}
		const bad = form.querySelector('[aria-invalid=true]');
		if (bad)
			bad.focus();
	};

	const local = (field, msg) => {
		const doc = document.implementation.createHTMLDocument('');
		doc.body.innerHTML = '<p class="form-error">Nothing was ' +
		    'posted: please correct the marked field.</p><form ' +
		    'class="photo-upload"><small class="field-error" id="' +
		    field + '-error"></small></form>';
		doc.getElementById(field + '-error').textContent = msg;
		show(doc);
	};

	// A preview of each chosen file beside its alt text field.
	const most = Number(form.dataset.maxFiles) || 10;
	const slots = [...form.querySelectorAll('.alt-slot')];
	const more = form.querySelector('details.album-alts');
	const urls = [];
	file.addEventListener('change', () => {
		for (const u of urls.splice(0))
			URL.revokeObjectURL(u);
		const files = [...file.files];
		slots.forEach((slot, i) => {
			slot.querySelector('.upload-preview')?.remove();
			slot.hidden = i > 0 && i >= files.length;
			if (i >= files.length)
				return;
			const img = document.createElement('img');
			const u = URL.createObjectURL(files[i]);
			urls.push(u);
			img.src = u;
			img.alt = 'Preview of photo ' + (i + 1) + ', ' +
			    files[i].name;
			img.className = 'upload-preview';
			slot.prepend(img);
		});
		if (more) {
			more.open = files.length > 1;
			more.querySelector('summary').hidden = files.length > 1;
		}
		if (files.length > most)
			local('file', 'An album has at most ' + most +
			    ' photos.');
	});

	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const files = [...file.files];
		if (files.length > most) {
			local('file', 'An album has at most ' + most +
			    ' photos.');
			return;
		}
		const big = files.findIndex((f) => max > 0 && f.size > max);
		if (big !== -1) {
			local('file', (files.length > 1 ? 'Photo ' + (big + 1) +
			    ' (' + files[big].name + '): the' : 'The') +
			    ' file is larger than the upload limit (' +
			    Math.floor(max / 1048576) + ' MB).');
			return;
		}
		const button = form.querySelector('button[type=submit]');
		button.setAttribute('aria-busy', 'true');
		button.disabled = true;
		try {
			const r = await fetch(form.action, { method: 'POST',
			    body: new FormData(form),
			    credentials: 'same-origin' });
			if (r.ok && r.redirected) {
				location.assign(r.url);
				return;
			}
			const text = await r.text();
			// An album posted without some of its files: its page,
			// which says which and why.
			if (r.status === 201) {
				const doc = new DOMParser().parseFromString(text,
				    'text/html');
				const main = doc.querySelector('main');
				const here = document.querySelector('main');
				if (main && here) {
					here.replaceWith(document.importNode(main,
					    true));
					if (r.headers.get('location'))
						history.replaceState(null, '',
						    r.headers.get('location'));
					albums(document);
					document.querySelector('.album-refused')
					    ?.focus();
					return;
				}
				location.assign(r.headers.get('location') ||
				    '/photos');
				return;
			}
			show(new DOMParser().parseFromString(text,
			    'text/html'));
			if (!form.querySelector('[aria-invalid=true]'))
				local('file', 'The upload failed (' +
				    r.status + '). Try again.');
		} catch (e) {
			local('file', 'The upload did not reach the site. ' +
			    'Check the connection and try again.');
		} finally {
			button.removeAttribute('aria-busy');
			button.disabled = false;
		}
	});
})();

// Save buttons (a photo's page, the viewer, a grid's tiles): the form
// posts and comes back; with scripts, the API toggles it in place.
(function () {
	document.addEventListener('submit', async (ev) => {
		const form = ev.target;
		if (!form.classList || !form.classList.contains('save-form') ||
		    !window.fetch)
			return;
		ev.preventDefault();
		const button = form.querySelector('button');
		const csrf = form.querySelector('input[name=_csrf]').value;
		const saved = button.getAttribute('aria-pressed') === 'true';
		button.disabled = true;
		try {
			const r = await fetch('/api/v1/photos/' +
			    button.dataset.photo + '/save', {
				method: saved ? 'DELETE' : 'POST',
				headers: { 'X-CSRF-Token': csrf },
				credentials: 'same-origin' });
			if (!r.ok) {
				form.submit();
				return;
			}
			const got = await r.json();
			button.setAttribute('aria-pressed',
			    got.saved ? 'true' : 'false');
			button.classList.toggle('saved', got.saved);
			button.querySelector('.save-label').textContent =
			    got.saved ? 'Saved' : 'Save';
			form.action = form.action.replace(/\/(un)?save$/,
			    got.saved ? '/unsave' : '/save');
		} catch (e) {
			form.submit();
		} finally {
			button.disabled = false;
		}
	});
})();

// An album's carousel: the track scrolls sideways (CSS scroll-snap: a
// swipe on a phone), the previous and next buttons and the arrow keys
// move one photo, and "2/5" follows.  Within the viewer the arrow keys
// move within the album first, and a swipe on it stays in it.
function albums(root) {
	for (const album of root.querySelectorAll('.album')) {
		if (album.dataset.ready)
			continue;
		album.dataset.ready = '1';
		const track = album.querySelector('.album-track');
		const slides = [...track.querySelectorAll('.album-slide')];
		const prev = album.querySelector('.album-prev');
		const next = album.querySelector('.album-next');
		const pos = album.querySelector('.album-i');
		const at = () => Math.max(0, Math.min(slides.length - 1,
		    Math.round(track.scrollLeft / (track.clientWidth || 1))));
		const show = () => {
			const i = at();
			pos.textContent = String(i + 1);
			prev.disabled = i === 0;
			next.disabled = i === slides.length - 1;
		};
		const go = (d) => {
			const i = Math.max(0, Math.min(slides.length - 1,
			    at() + d));
			track.scrollTo({ left: slides[i].offsetLeft,
			    behavior: matchMedia('(prefers-reduced-motion: ' +
			    'reduce)').matches ? 'auto' : 'smooth' });
		};
		prev.hidden = false;
		next.hidden = false;
		prev.addEventListener('click', () => go(-1));
		next.addEventListener('click', () => go(1));
		let frame = 0;
		track.addEventListener('scroll', () => {
			cancelAnimationFrame(frame);
			frame = requestAnimationFrame(show);
		});
		album.addEventListener('keydown', (ev) => {
			if (ev.altKey || ev.ctrlKey || ev.metaKey)
				return;
			if (ev.key !== 'ArrowLeft' && ev.key !== 'ArrowRight')
				return;
			const d = ev.key === 'ArrowLeft' ? -1 : 1;
			const i = at();
			// At an end the viewer may take the key on.
			if ((d < 0 && i === 0) ||
			    (d > 0 && i === slides.length - 1))
				return;
			ev.preventDefault();
			ev.stopPropagation();
			go(d);
		});
		show();
	}
}
albums(document);

// A grid's like buttons: the form posts and comes back to the grid; with
// scripts, the API toggles the like in place.
(function () {
	document.addEventListener('submit', async (ev) => {
		const form = ev.target;
		if (!form.classList || !form.classList.contains('like-form') ||
		    !window.fetch)
			return;
		ev.preventDefault();
		const button = form.querySelector('button');
		const csrf = form.querySelector('input[name=_csrf]').value;
		const liked = button.getAttribute('aria-pressed') === 'true';
		button.disabled = true;
		try {
			const r = await fetch('/api/v1/photos/' +
			    button.dataset.photo + '/like', {
				method: liked ? 'DELETE' : 'POST',
				headers: { 'X-CSRF-Token': csrf },
				credentials: 'same-origin' });
			if (!r.ok) {
				form.submit();
				return;
			}
			const got = await r.json();
			button.setAttribute('aria-pressed',
			    got.liked ? 'true' : 'false');
			button.classList.toggle('liked', got.liked);
			button.querySelector('.like-n').textContent =
			    got.like_count;
			form.action = form.action.replace(/\/(un)?like$/,
			    got.liked ? '/unlike' : '/like');
		} catch (e) {
			form.submit();
		} finally {
			button.disabled = false;
		}
	});
})();

// The full-screen viewer (/photos/{id}?in=…): the arrow keys and a swipe
// go to the previous or next photo of the list, Escape closes it (back
// to the grid page it was opened from), the focus stays in it, and the
// page under it is inert.  A grid remembers itself when a tile opens it.
(function () {
	for (const a of document.querySelectorAll('.photo-grid a.tile-link'))
		a.addEventListener('click', () => {
			try {
				sessionStorage.setItem('viewer-from', location.href);
			} catch (e) {
				// No storage: the close link goes to the grid's start.
			}
		});

	const viewer = document.getElementById('viewer');
	if (!viewer)
		return;
	for (let el = viewer; el && el !== document.body; el = el.parentElement)
		for (const sib of el.parentElement.children)
			if (sib !== el && sib.tagName !== 'SCRIPT')
				sib.inert = true;
	document.documentElement.classList.add('viewer-open');

	const close = viewer.querySelector('.viewer-close');
	const prev = viewer.querySelector('a.viewer-prev');
	const next = viewer.querySelector('a.viewer-next');
	try {
		const from = new URL(sessionStorage.getItem('viewer-from') || '',
		    location.href);
		if (from.origin === location.origin &&
		    from.pathname === viewer.dataset.grid)
			close.href = from.pathname + from.search + close.hash;
	} catch (e) {
		// Nothing remembered: the close link stays as it is.
	}

	// Within the viewer, moving on replaces the entry: Back is the grid.
	const go = (a) => {
		if (a)
			location.replace(a.href);
	};
	for (const a of [prev, next])
		if (a)
			a.addEventListener('click', (ev) => {
				ev.preventDefault();
				go(a);
			});

	document.addEventListener('keydown', (ev) => {
		if (ev.altKey || ev.ctrlKey || ev.metaKey)
			return;
		if (ev.key === 'ArrowLeft' && prev) {
			ev.preventDefault();
			go(prev);
		} else if (ev.key === 'ArrowRight' && next) {
			ev.preventDefault();
			go(next);
		} else if (ev.key === 'Escape') {
			ev.preventDefault();
			location.assign(close.href);
		} else if (ev.key === 'Tab') {
			// Keep the focus within the viewer.
			const all = [...viewer.querySelectorAll(
			    'a[href], button:not([disabled]), [tabindex="0"]')];
			const i = all.indexOf(document.activeElement);
			if (all.length === 0)
				return;
			if (ev.shiftKey && i <= 0) {
				ev.preventDefault();
				all[all.length - 1].focus();
			} else if (!ev.shiftKey && (i === -1 ||
			    i === all.length - 1)) {
				ev.preventDefault();
				all[0].focus();
			}
		}
	});

	// A swipe: a mostly sideways move of 50 px or more.
	const stage = viewer.querySelector('.viewer-stage');
	let start = null;
	stage.addEventListener('pointerdown', (ev) => {
		// An album's own swipe moves within it.
		start = ev.target.closest('.album') ? null :
		    { x: ev.clientX, y: ev.clientY };
	});
	stage.addEventListener('pointercancel', () => {
		start = null;
	});
	stage.addEventListener('pointerup', (ev) => {
		if (!start)
			return;
		const dx = ev.clientX - start.x;
		const dy = ev.clientY - start.y;
		start = null;
		if (Math.abs(dx) >= 50 && Math.abs(dx) > 1.5 * Math.abs(dy))
			go(dx > 0 ? prev : next);
	});
	for (const img of stage.querySelectorAll('img'))
		img.draggable = false;

	viewer.focus();
})();
