// Browser test: at phone width, user A has a published post open in one
// tab; user B comments on it from another browser; A's bell and tab
// title count it without a reload, and the inbox links to the comment.
//   AGORA_TEST_URL, AGORA_ADMIN_PASSWORD_FILE, AGORA_SCREENSHOT_DIR

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

import { base, shots, check, expectTrue, launch, person, finish }
    from './lib/harness.mjs';

const PHONE = { width: 390, height: 844 };
const adminPassword = readFileSync(process.env.AGORA_ADMIN_PASSWORD_FILE ||
    'var/test/admin-password', 'utf8').trim();
const browser = await launch();
const problems = [];

try {
	const a = await person(browser, 'na_', problems, { viewport: PHONE });
	const b = await person(browser, 'nb_', problems);
	const admin = await (await browser.newContext()).newPage();
	admin.setDefaultTimeout(15000);
	const title = `Notes from the hills ${randomBytes(3).toString('hex')}`;
	let postUrl;

	await check('A writes a post and an admin approves it', async () => {
		await a.page.goto(base + '/blog/new');
		await a.page.fill('input[name=title]', title);
		await a.page.fill('textarea[name=body]', 'We left early.');
		await Promise.all([a.page.waitForURL(/\/blog\/\d+-/),
		    a.page.click('button[value=pending]')]);
		postUrl = a.page.url();
		await admin.goto(base + '/login');
		await admin.fill('input[name=username]', 'admin');
		await admin.fill('input[name=password]', adminPassword);
		await Promise.all([admin.waitForURL(base + '/'),
		    admin.click('form[action="/login"] button[type=submit]')]);
		await admin.goto(base + '/admin/moderation');
		const item = admin.locator('article.mod-item', { hasText: title });
		await Promise.all([admin.waitForURL(base + '/admin/moderation'),
		    item.locator('button:has-text("Approve")').click()]);
	});

	const bell = a.page.locator('#nav-bell');
	let before = 0;

	await check('A has the bell, live, with the decision counted', async () => {
		await a.page.goto(base + '/blog');
		await bell.waitFor();
		await a.page.waitForFunction(() =>
		    document.getElementById('nav-bell').dataset.link === 'live');
		before = Number(await bell.getAttribute('data-unread'));
		expectTrue(await bell.getAttribute('aria-label') ===
		    `Notifications, ${before} unread`, 'aria-label');
	});

	await check("B's comment raises A's count without a reload", async () => {
		await b.page.goto(postUrl);
		await b.page.fill('textarea[name=body]',
		    'Lovely walk! <b>bold?</b>');
		const url = a.page.url();
		let navigated = false;
		a.page.on('framenavigated', (f) => {
			if (f === a.page.mainFrame())
				navigated = true;
		});
		await Promise.all([b.page.waitForURL(/\/blog\/\d+/),
		    b.page.click('form[action$="/comments"] button[type=submit]')]);
		const want = before + 1;
		await a.page.waitForFunction((n) =>
		    document.getElementById('nav-bell').dataset.unread ===
		    String(n), want, { timeout: 5000 });
		expectTrue(!navigated && a.page.url() === url, 'the page reloaded');
		expectTrue(await bell.getAttribute('aria-label') ===
		    `Notifications, ${want} unread`, 'aria-label not updated');
		expectTrue((await a.page.title()).startsWith(`(${want}) `),
		    'title ' + await a.page.title());
		expectTrue(await bell.locator('.bell-count').isVisible(),
		    'no visible count');
		await a.page.screenshot({ path: join(shots, 'notify-bell-phone.png') });
	});

	await check('the inbox at phone width links to the comment', async () => {
		await Promise.all([a.page.waitForURL(base + '/notifications'),
		    bell.click()]);
		const item = a.page.locator('li.notification.unread',
		    { hasText: 'commented on your post' });
		await item.first().waitFor();
		const wide = await a.page.evaluate(() =>
		    document.documentElement.scrollWidth > window.innerWidth + 1);
		expectTrue(!wide, 'the inbox scrolls sideways at phone width');
		expectTrue(await a.page.locator('li.notification b').count() === 0,
		    'the excerpt was not escaped');
		await a.page.screenshot({ path: join(shots, 'notify-inbox-phone.png'),
		    fullPage: true });
		await Promise.all([a.page.waitForURL(/\/blog\/\d+-.*#c\d+$/),
		    item.first().locator('.notification-body > a').click()]);
		const id = a.page.url().split('#')[1];
		expectTrue(await a.page.locator('#' + id).count() === 1,
		    'no comment anchor ' + id);
	});

	await check("a new DM shows in A's chat sidebar at once", async () => {
		await a.page.goto(base + '/chat');
		await a.page.locator('#chat[data-link="live"]').waitFor();
		const before = Number(await bell.getAttribute('data-unread'));
		await b.page.goto(base + '/chat');
		// Well before the sidebar's 10 s poll: only the live event can.
		await b.page.evaluate(async (name) => {
			const h = {
				'X-CSRF-Token':
				    document.getElementById('chat').dataset.csrf,
				'Accept': 'application/json',
				'Content-Type': 'application/json',
			};
			const r = await fetch('/api/v1/chat/dm/' + name,
			    { method: 'POST', headers: h, body: '{}' });
			const room = (await r.json()).room;
			await fetch(`/api/v1/chat/rooms/${room.id}/messages`, {
				method: 'POST', headers: h,
				body: JSON.stringify({ body: 'hello there' }),
			});
		}, a.name);
		await a.page.locator('#dms a', { hasText: '@' + b.name })
		    .waitFor({ timeout: 4000 });
		await a.page.waitForFunction((n) =>
		    Number(document.getElementById('nav-bell').dataset.unread) > n,
		    before, { timeout: 4000 });
		await a.page.screenshot({ path: join(shots, 'notify-dm-phone.png') });
	});

	await check('no server or script errors', async () => {
		expectTrue(problems.length === 0, problems.slice(0, 3).join('; '));
	});
} finally {
	await browser.close();
}

finish();
