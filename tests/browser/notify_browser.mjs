// Browser test: browser notifications (the Notification API) for direct
// messages and mentions.  Permission is never asked on page load, only
// from the button on /settings/notifications; a direct message shows a
// notification while the tab is hidden, and none while it is seen.
// The browser's Notification is replaced by a recorder (headless
// Chromium shows nothing) and the tab's visibility is set by the test.
//   AGORA_TEST_URL, AGORA_SCREENSHOT_DIR

import { join } from 'node:path';

import { base, shots, check, expectTrue, launch, person, finish }
    from './lib/harness.mjs';

// Runs in every page before its scripts: the record survives page loads.
const RECORDER = () => {
	const get = (k, d) => JSON.parse(sessionStorage.getItem(k) || d);
	const put = (k, v) => sessionStorage.setItem(k, JSON.stringify(v));
	class Recorder {
		constructor(title, opts) {
			put('shown', get('shown', '[]').concat([{ title,
			    body: (opts || {}).body || '' }]));
		}
		static get permission() {
			return get('perm', '"default"');
		}
		static requestPermission() {
			put('asked', get('asked', '[]').concat([location.pathname]));
			put('perm', 'granted');
			return Promise.resolve('granted');
		}
	}
	window.Notification = Recorder;
	Object.defineProperty(document, 'hidden',
	    { configurable: true, get: () => get('hidden', 'false') });
};

const browser = await launch();
const problems = [];

async function record(page, key) {
	return page.evaluate((k) =>
	    JSON.parse(sessionStorage.getItem(k) || '[]'), key);
}

async function dm(b, to, body) {
	await b.page.evaluate(async ([name, text]) => {
		const h = {
			'X-CSRF-Token': document.getElementById('chat').dataset.csrf,
			'Accept': 'application/json',
			'Content-Type': 'application/json',
		};
		const r = await fetch('/api/v1/chat/dm/' + name,
		    { method: 'POST', headers: h, body: '{}' });
		const room = (await r.json()).room;
		await fetch(`/api/v1/chat/rooms/${room.id}/messages`, {
			method: 'POST', headers: h,
			body: JSON.stringify({ body: text }),
		});
	}, [to, body]);
}

try {
	const a = await person(browser, 'bn_', problems, { init: RECORDER });
	const b = await person(browser, 'bm_', problems);
	const bell = a.page.locator('#nav-bell');

	await check('no page asks for permission as it loads', async () => {
		for (const path of ['/', '/chat', '/notifications', '/blog',
		    '/photos', '/settings/notifications']) {
			await a.page.goto(base + path);
			await bell.waitFor();
			await a.page.waitForTimeout(300);
		}
		const asked = await record(a.page, 'asked');
		expectTrue(asked.length === 0, 'asked on load: ' + asked);
	});

	await check('the settings page asks from its button', async () => {
		const button = a.page.locator('#browser-notify-button');
		await button.waitFor();
		expectTrue(await button.getAttribute('aria-pressed') === 'false',
		    'pressed before');
		await a.page.screenshot({ path: join(shots,
		    'notify-browser-settings.png'), fullPage: true });
		await button.click();
		await a.page.waitForFunction(() => document.getElementById(
		    'browser-notify-button').getAttribute('aria-pressed') ===
		    'true');
		const asked = await record(a.page, 'asked');
		expectTrue(asked.length === 1 &&
		    asked[0] === '/settings/notifications', 'asked: ' + asked);
		const state = await a.page.locator('#browser-notify-state')
		    .textContent();
		expectTrue(state.startsWith('On'), 'state: ' + state);
	});

	await check('a DM while the tab is hidden is a notification',
	    async () => {
		await a.page.goto(base + '/blog');
		await a.page.waitForFunction(() =>
		    document.getElementById('nav-bell').dataset.link === 'live');
		await a.page.evaluate(() =>
		    sessionStorage.setItem('hidden', 'true'));
		await b.page.goto(base + '/chat');
		await dm(b, a.name, 'are you there?');
		await a.page.waitForFunction(() => JSON.parse(
		    sessionStorage.getItem('shown') || '[]').length === 1,
		    null, { timeout: 5000 });
		const shown = await record(a.page, 'shown');
		expectTrue(shown[0].title === `${b.name} sent you a message`,
		    'title: ' + shown[0].title);
		expectTrue(shown[0].body === 'are you there?',
		    'body: ' + shown[0].body);
	});

	await check('none while the tab is seen', async () => {
		await a.page.evaluate(() =>
		    sessionStorage.setItem('hidden', 'false'));
		const before = Number(await bell.getAttribute('data-unread'));
		await dm(b, a.name, 'never mind');
		await a.page.waitForFunction((n) =>
		    Number(document.getElementById('nav-bell').dataset.unread) > n,
		    before, { timeout: 5000 });
		await a.page.waitForTimeout(300);
		const shown = await record(a.page, 'shown');
		expectTrue(shown.length === 1, 'shown: ' + shown.length);
		const asked = await record(a.page, 'asked');
		expectTrue(asked.length === 1, 'asked again: ' + asked);
	});

	await check('no server or script errors', async () => {
		expectTrue(problems.length === 0, problems.slice(0, 3).join('; '));
	});
} finally {
	await browser.close();
}

finish();
