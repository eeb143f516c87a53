// The nav search box: as you type, people, rooms and tags that begin
// with the last word (GET /api/v1/search/suggest, 200 ms after the last
// key); Enter searches everything (/search).  Arrow keys move through
// the suggestions, Escape closes them.
(function () {
	'use strict';

	var form = document.getElementById('nav-search');
	if (!form)
		return;
	var box = form.querySelector('input[name="q"]');
	var list = document.getElementById('nav-suggest');
	var timer = null;
	var asked = '';
	var kinds = { person: 'Person', room: 'Room', tag: 'Tag' };

	function close() {
		list.hidden = true;
		list.textContent = '';
		box.setAttribute('aria-expanded', 'false');
	}

	function show(items) {
		list.textContent = '';
		items.forEach(function (s) {
			var li = document.createElement('li');
			var a = document.createElement('a');
			var kind = document.createElement('small');
			li.setAttribute('role', 'option');
			a.href = s.url;
			a.textContent = s.label;
			kind.textContent = kinds[s.kind] || s.kind;
			a.appendChild(document.createTextNode(' '));
			a.appendChild(kind);
			li.appendChild(a);
			list.appendChild(li);
		});
		var all = document.createElement('li');
		var go = document.createElement('a');
		all.setAttribute('role', 'option');
		go.href = '/search?q=' + encodeURIComponent(box.value);
		go.textContent = 'Search for “' + box.value + '”';
		go.className = 'suggest-all';
		all.appendChild(go);
		list.appendChild(all);
		list.hidden = false;
		box.setAttribute('aria-expanded', 'true');
	}

	function ask() {
		var q = box.value;
		if (q.trim() === '' || q.length > 256) {
			close();
			return;
		}
		asked = q;
		fetch('/api/v1/search/suggest?q=' + encodeURIComponent(q), {
			credentials: 'same-origin',
			headers: { 'Accept': 'application/json' }
		}).then(function (r) {
			return r.ok ? r.json() : { suggestions: [] };
		}).then(function (body) {
			if (box.value !== asked)
				return;		// typed on meanwhile
			show(body.suggestions || []);
		}).catch(function () {
			close();
		});
	}

	box.addEventListener('input', function () {
		clearTimeout(timer);
		timer = setTimeout(ask, 200);
	});

	box.addEventListener('keydown', function (e) {
		var links = list.querySelectorAll('a');
		if (e.key === 'Escape') {
			close();
		} else if (e.key === 'ArrowDown' && links.length > 0) {
			e.preventDefault();
			links[0].focus();
		}
	});

	list.addEventListener('keydown', function (e) {
		var links = Array.prototype.slice.call(list.querySelectorAll('a'));
		var i = links.indexOf(document.activeElement);
		if (e.key === 'ArrowDown' && i < links.length - 1) {
			e.preventDefault();
			links[i + 1].focus();
		} else if (e.key === 'ArrowUp') {
			e.preventDefault();
			if (i > 0)
				links[i - 1].focus();
			else
				box.focus();
		} else if (e.key === 'Escape') {
			close();
			box.focus();
		}
	});

	document.addEventListener('click', function (e) {
		if (!form.contains(e.target))
			close();
	});
})();
