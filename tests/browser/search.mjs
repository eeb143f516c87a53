// Browser test: a new user writes a post, types a word of it in the nav
// search box, sees the suggestions come (debounced), presses Enter, and
// opens the result; the highlight is a <mark>, the payload in the post
// stays text.  A chat message found the same way opens its room at the
// message.  At phone width the box is there and usable.
//   AGORA_TEST_URL, AGORA_SCREENSHOT_DIR

import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

import { base, shots, check, expectTrue, launch, person, finish }
    from './lib/harness.mjs';

const problems = [];
const letters = (n) => Array.from(randomBytes(n),
    (b) => String.fromCharCode(97 + b % 26)).join('');

const browser = await launch();

try {
	const word = 'zq' + letters(10);
	const title = `Harbour notes ${word}`;
	const writer = await person(browser, 's_', problems);
	const page = writer.page;
	let postUrl;

	await check('a new user writes a post', async () => {
		await page.goto(base + '/blog/new');
		await page.fill('input[name=title]', title);
		await page.fill('textarea[name=body]', 'The boats came in at ' +
		    `dawn, ${word} and all. <img src=x onerror="window.__xss=1">`);
		await Promise.all([page.waitForURL(/\/blog\/\d+-/),
		    page.click('button[value=pending]')]);
		postUrl = page.url();
	});

	await check('the nav box suggests as you type', async () => {
		await page.goto(base + '/');
		const box = page.locator('#nav-search input[name=q]');
		await box.click();
		await box.pressSequentially(writer.name.slice(0, 6), { delay: 40 });
		const mine = page.locator('#nav-suggest a',
		    { hasText: writer.name });
		await mine.waitFor({ timeout: 5000 });
		expectTrue(await page.locator('#nav-suggest').isVisible(),
		    'suggestions hidden');
		await page.screenshot({ path: join(shots, 'search-suggest.png') });
		await box.press('Escape');
		expectTrue(!await page.locator('#nav-suggest').isVisible(),
		    'Escape did not close the suggestions');
	});

	await check('Enter searches and the post is found', async () => {
		const box = page.locator('#nav-search input[name=q]');
		await box.fill(word);
		await Promise.all([page.waitForURL(/\/search\?q=/),
		    box.press('Enter')]);
		const hit = page.locator('.search-results .hit-post');
		await hit.first().waitFor();
		expectTrue(await hit.count() === 1, 'hits: ' + await hit.count());
		expectTrue(await hit.locator('mark', { hasText: word }).count() >= 1,
		    'no highlight');
		expectTrue(await page.locator('.search-results img').count() === 0,
		    'an <img> was made from the post');
		await page.screenshot({ path: join(shots, 'search.png'),
		    fullPage: true });
	});

	await check('the result opens the post', async () => {
		await Promise.all([page.waitForURL(postUrl),
		    page.locator('.search-results .hit-post h2 a').click()]);
		await page.locator('h1', { hasText: title }).waitFor();
		expectTrue(await page.evaluate(() => window.__xss) === undefined,
		    'script ran');
	});

	await check('a chat message is found and opens at itself', async () => {
		const said = 'zq' + letters(10);
		await page.goto(base + '/chat');
		await page.locator('#chat[data-link="live"]').waitFor();
		await page.fill('#new-room input[name=name]', 'dock-' + letters(6));
		await page.click('#new-room button');
		await page.locator('#room-title', { hasText: '#dock-' }).waitFor();
		await page.fill('#composer textarea', `meet at the ${said} pier`);
		await page.press('#composer textarea', 'Enter');
		await page.locator('#messages .message-body', { hasText: said })
		    .waitFor();
		const box = page.locator('#nav-search input[name=q]');
		await box.fill(said);
		await Promise.all([page.waitForURL(/\/search\?q=/),
		    box.press('Enter')]);
		const link = page.locator('.search-results .hit-message h2 a');
		await link.waitFor();
		const href = await link.getAttribute('href');
		expectTrue(/^\/chat\?room=\d+#m\d+$/.test(href), 'href ' + href);
		await Promise.all([page.waitForURL(/\/chat\?room=/), link.click()]);
		const target = page.locator('#messages .message.target',
		    { hasText: said });
		await target.waitFor({ timeout: 5000 });
	});

	await check('at phone width the box is there', async () => {
		await page.setViewportSize({ width: 390, height: 844 });
		await page.goto(base + '/photos');
		const box = page.locator('#nav-search input[name=q]');
		expectTrue(await box.isVisible(), 'no search box');
		const h = (await box.boundingBox()).height;
		expectTrue(h >= 44, 'box is ' + h + ' px high');
		await box.fill('"harbour notes" ' + word);
		await Promise.all([page.waitForURL(/\/search\?q=/),
		    box.press('Enter')]);
		await page.locator('.search-results .hit-post').first().waitFor();
		await page.screenshot({ path: join(shots, 'search-phone.png'),
		    fullPage: true });
	});

	await check('no script errors or server errors', async () => {
		expectTrue(problems.length === 0, problems.join('; '));
	});
} finally {
	await browser.close();
}

finish();
