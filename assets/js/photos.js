// The photo page: while the photo is being processed, the page asks the
// API every two seconds and shows it (or why it failed) once it is done;
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
