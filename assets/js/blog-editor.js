// The post editor: upload an image and insert it into the Markdown at the
// cursor.  The form works without this; only image upload needs it.
'use strict';

(function () {
	const form = document.querySelector('form.post-editor');
	if (!form)
		return;
	const input = form.querySelector('input[data-upload]');
	const text = form.querySelector('textarea[name=body]');
	const status = form.querySelector('.upload-status');
	const csrf = form.querySelector('input[name=_csrf]').value;

	function say(msg) {
		status.textContent = msg;
	}

	function insert(markdown) {
		const at = text.selectionStart ?? text.value.length;
		const before = text.value.slice(0, at);
		const after = text.value.slice(at);
		const sep = before && !before.endsWith('\n') ? '\n\n' : '';
		text.value = before + sep + markdown + '\n\n' + after;
		text.focus();
	}

	input.addEventListener('change', async () => {
		const file = input.files[0];
		if (!file)
			return;
		const body = new FormData();
		body.append('file', file);
		say('Uploading ' + file.name + '…');
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
			insert(data.markdown);
			say('Added. The image appears once it is processed.');
		} catch (err) {
			say('The upload failed: ' + err.message);
		} finally {
			input.value = '';
		}
	});
})();
