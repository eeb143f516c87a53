// Browser test: a user writes a post, an admin approves it from another
// browser context, and it appears on /blog for everyone.
//   AGORA_TEST_URL, AGORA_ADMIN_PASSWORD_FILE, AGORA_SCREENSHOT_DIR

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

import { base, shots, check, expectTrue, launch, finish }
    from './lib/harness.mjs';

const adminPassword = readFileSync(process.env.AGORA_ADMIN_PASSWORD_FILE ||
    'var/test/admin-password', 'utf8').trim();
const browser = await launch();

try {
	const writer = await (await browser.newContext()).newPage();
	const admin = await (await browser.newContext()).newPage();
	const reader = await (await browser.newContext()).newPage();
	for (const p of [writer, admin, reader])
		p.setDefaultTimeout(15000);

	const user = 'w_' + randomBytes(4).toString('hex');
	const title = `A walk in the hills ${randomBytes(3).toString('hex')}`;
	let postUrl;

	await check('a new user writes a post', async () => {
		await writer.goto(base + '/register');
		await writer.fill('input[name=username]', user);
		await writer.fill('input[name=email]', `${user}@example.org`);
		await writer.fill('input[name=password]', 'a long browser passphrase');
		await Promise.all([writer.waitForURL(base + '/'),
		    writer.click('form[action="/register"] button[type=submit]')]);
		await writer.goto(base + '/blog');
		await writer.click('a:has-text("New post")');
		await writer.fill('input[name=title]', title);
		await writer.fill('textarea[name=body]',
		    '## Morning\n\nWe left **early**.\n\n<script>alert(1)</script>');
		await Promise.all([writer.waitForURL(/\/blog\/\d+-/),
		    writer.click('button[value=pending]')]);
		postUrl = writer.url();
		await writer.locator('mark.status-pending').waitFor();
		expectTrue(await writer.locator('.post-body h2').count() === 1,
		    'Markdown not rendered');
		expectTrue(await writer.locator('.post-body script').count() === 0,
		    'raw script element in the post');
		await writer.screenshot({ path: join(shots, 'blog-pending.png'), fullPage: true });
	});

	await check('the post is not public while pending', async () => {
		const res = await reader.goto(postUrl);
		expectTrue(res.status() === 404, `status ${res.status()}`);
	});

	await check('an admin approves it from the moderation queue', async () => {
		await admin.goto(base + '/login');
		await admin.fill('input[name=username]', 'admin');
		await admin.fill('input[name=password]', adminPassword);
		await Promise.all([admin.waitForURL(base + '/'),
		    admin.click('form[action="/login"] button[type=submit]')]);
		await admin.goto(base + '/admin/moderation');
		const item = admin.locator('article.mod-item', { hasText: title });
		await item.waitFor();
		await admin.screenshot({ path: join(shots, 'moderation.png'), fullPage: true });
		await Promise.all([admin.waitForURL(base + '/admin/moderation'),
		    item.locator('button:has-text("Approve")').click()]);
		expectTrue(await admin.locator('article.mod-item', { hasText: title }).count() === 0,
		    'still in the queue');
	});

	await check('it appears on /blog for everyone', async () => {
		// The public list is cached for up to a second.
		const entry = reader.locator('li.post h2 a', { hasText: title });
		for (let i = 0; i < 10; i++) {
			await reader.goto(base + '/blog');
			if (await entry.count() > 0)
				break;
			await reader.waitForTimeout(300);
		}
		await entry.waitFor({ timeout: 1000 });
		await reader.screenshot({ path: join(shots, 'blog.png'), fullPage: true });
		const res = await reader.goto(postUrl);
		expectTrue(res.status() === 200, `status ${res.status()}`);
		expectTrue(await reader.locator('mark.status-pending').count() === 0,
		    'still marked pending');
	});

	await check('the post reads at about 70 characters a line', async () => {
		await reader.setViewportSize({ width: 1440, height: 900 });
		await reader.goto(postUrl);
		const m = await reader.evaluate(() => {
			const body = document.querySelector('.post-body');
			const para = body.querySelector('p');
			// The width of "0" in the text's font (a span would
			// wrap: long words break in this stylesheet).
			const g = document.createElement('canvas')
			    .getContext('2d');
			g.font = getComputedStyle(para).font;
			const ch = g.measureText('0'.repeat(100)).width / 100;
			const pad = parseFloat(getComputedStyle(body).paddingLeft) +
			    parseFloat(getComputedStyle(body).paddingRight);
			const size = (sel) => parseFloat(getComputedStyle(
			    document.querySelector(sel)).fontSize);
			return { chars: (body.getBoundingClientRect().width - pad) /
			    ch,
			    title: size('.post-full > header h1'),
			    h2: size('.post-body h2'),
			    text: size('.post-body p') };
		});
		expectTrue(m.chars >= 55 && m.chars <= 75,
		    `${Math.round(m.chars)} characters a line`);
		expectTrue(m.h2 < m.title && m.h2 > m.text,
		    `title ${m.title}px, heading ${m.h2}px, text ${m.text}px`);
		await reader.screenshot({ path: join(shots, 'post.png'),
		    fullPage: true });
	});

	await check('the post page at phone width', async () => {
		const phone = await (await browser.newContext({
		    viewport: { width: 390, height: 844 } })).newPage();
		await phone.goto(postUrl);
		const wide = await phone.evaluate(() =>
		    document.scrollingElement.scrollWidth);
		expectTrue(wide <= 390, `the page is ${wide}px wide`);
		await phone.screenshot({ path: join(shots, 'post-phone.png'),
		    fullPage: true });
		await phone.context().close();
	});

	await check('fixing a typo keeps the post up', async () => {
		await writer.goto(postUrl.replace(/-[^/]*$/, '/edit'));
		await writer.locator('text=stays up while you edit').waitFor();
		await writer.fill('textarea[name=body]',
		    '## Morning\n\nWe left **early**, fixed.');
		await Promise.all([writer.waitForURL(/\/blog\/\d+-/),
		    writer.click('button[value=pending]')]);
		await writer.locator('text=waiting for an admin').waitFor();
		const res = await reader.goto(postUrl);
		expectTrue(res.status() === 200, `status ${res.status()}`);
		expectTrue(!(await reader.textContent('.post-body'))
		    .includes('fixed'), 'the edit is public before review');
		await writer.screenshot({ path: join(shots, 'post-edit-waits.png'),
		    fullPage: true });
	});

	await check('the home page shows the new post', async () => {
		const entry = reader.locator('.home-part a', { hasText: title });
		for (let i = 0; i < 10; i++) {
			await reader.goto(base + '/');
			if (await entry.count() > 0)
				break;
			await reader.waitForTimeout(300);
		}
		await entry.waitFor({ timeout: 1000 });
		await reader.screenshot({ path: join(shots, 'home.png'),
		    fullPage: true });
	});

	await check('times read relative, exact on hover', async () => {
		await reader.goto(postUrl);
		const t = reader.locator('.post-full time').first();
		const iso = await t.getAttribute('datetime');
		const text = (await t.textContent()).trim();
		expectTrue(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(iso),
		    'datetime ' + iso);
		// Written a moment ago: "now" or "N minutes ago", not a date.
		expectTrue(/now|minute/.test(text), 'text ' + text);
		expectTrue(text === await reader.evaluate((i) =>
		    window.agoraTime.text(new Date(i), Date.now()), iso),
		    'the page and the shared function disagree: ' + text);
		const title = await t.getAttribute('title');
		expectTrue(title && title !== iso && /\d/.test(title),
		    'exact time on hover: ' + title);
	});
} finally {
	await browser.close();
}

finish();
