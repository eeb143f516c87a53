// Browser test: at phone width, a writer uses the editor's toolbar (44 px
// labelled buttons), sees the live preview rendered by the server, and
// inserts an image, which the editor will not do without alt text.
//   AGORA_TEST_URL, AGORA_SCREENSHOT_DIR

import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

import { base, shots, check, expectTrue, launch, person, finish }
    from './lib/harness.mjs';

const PHONE = { width: 390, height: 844 };
// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAD' +
    'UlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
const browser = await launch();
const problems = [];

try {
	const w = await person(browser, 'ed_', problems, { viewport: PHONE });
	const page = w.page;
	const body = page.locator('textarea[name=body]');
	const preview = page.locator('#preview');
	const title = `Editor check ${randomBytes(3).toString('hex')}`;

	await check('the toolbar: seven labelled buttons of 44 px', async () => {
		await page.goto(base + '/blog/new');
		const bar = page.locator('[role=toolbar][aria-label=Formatting]');
		await bar.waitFor();
		const tools = bar.locator('button');
		expectTrue(await tools.count() === 7, 'not seven tools');
		for (const label of ['Bold', 'Italic', 'Link', 'Heading',
		    'Bulleted list', 'Code', 'Image']) {
			const b = bar.getByRole('button', { name: label, exact: true });
			const box = await b.boundingBox();
			expectTrue(box && box.width >= 44 && box.height >= 44,
			    `${label} is ${box && box.width}×${box && box.height}`);
		}
		const wide = await page.evaluate(() =>
		    document.documentElement.scrollWidth);
		expectTrue(wide <= PHONE.width, `the page is ${wide}px wide`);
	});

	await check('the preview follows the text, from the server', async () => {
		await page.fill('input[name=title]', title);
		const answered = page.waitForResponse((r) =>
		    r.url().endsWith('/api/v1/blog/preview') && r.status() === 200);
		await body.fill('## Morning\n\nWe left early.\n\n' +
		    '<script>window.pwned = 1</script>');
		await answered;
		await preview.locator('h2', { hasText: 'Morning' }).waitFor();
		expectTrue(await preview.locator('script').count() === 0,
		    'a script element in the preview');
		expectTrue((await preview.textContent()).includes('<script>'),
		    'raw HTML not shown as text');
		expectTrue(await page.evaluate(() => window.pwned) === undefined,
		    'the script ran');
	});

	await check('toolbar buttons format the selection', async () => {
		await body.evaluate((t) => {
			const at = t.value.indexOf('early');
			t.setSelectionRange(at, at + 5);
		});
		await page.getByRole('button', { name: 'Bold', exact: true }).click();
		expectTrue((await body.inputValue()).includes('left **early**.'),
		    'bold not applied');
		await preview.locator('strong', { hasText: 'early' }).waitFor();
		await body.evaluate((t) => {
			const at = t.value.indexOf('We left');
			t.setSelectionRange(at, at);
		});
		await page.getByRole('button', { name: 'Bulleted list',
		    exact: true }).click();
		await preview.locator('li', { hasText: 'We left' }).waitFor();
	});

	await check('an image is inserted only with its alt text', async () => {
		await page.setInputFiles('input[data-upload]', {
			name: 'dot.png', mimeType: 'image/png', buffer: PNG });
		const alt = page.getByLabel(/alt text/);
		await alt.waitFor();
		let uploads = 0;
		page.on('request', (r) => {
			if (r.url().endsWith('/api/v1/blog/images'))
				uploads++;
		});
		await page.getByRole('button', { name: 'Insert image' }).click();
		await page.locator('.alt-ask .field-error',
		    { hasText: 'Describe the image' }).waitFor();
		expectTrue(uploads === 0, 'uploaded without alt text');
		expectTrue(!(await body.inputValue()).includes('!['),
		    'inserted without alt text');
		await alt.fill('A red [dot]\non white');
		const done = page.waitForResponse((r) =>
		    r.url().endsWith('/api/v1/blog/images'));
		await page.getByRole('button', { name: 'Insert image' }).click();
		expectTrue((await done).status() === 201, 'upload refused');
		await page.waitForFunction(() => document.querySelector(
		    'textarea[name=body]').value.includes('/media/display/'));
		const v = await body.inputValue();
		expectTrue(/!\[A red \\\[dot\\\] on white\]\(\/media\/display\/[0-9a-f]{64}\.jpg\)/
		    .test(v), `markdown: ${v}`);
		await preview.locator('img[alt="A red [dot] on white"]').waitFor();
		await page.screenshot({ path: join(shots, 'blog-editor-phone.png'),
		    fullPage: true });
	});

	await check('the post is saved as written', async () => {
		await Promise.all([page.waitForURL(/\/blog\/\d+-/),
		    page.click('button[value=draft]')]);
		await page.locator('.post-body strong', { hasText: 'early' })
		    .waitFor();
		expectTrue(await page.locator(
		    '.post-body img[alt="A red [dot] on white"]').count() === 1,
		    'image without its alt text');
	});

	await check('no script errors or server errors', async () => {
		expectTrue(problems.length === 0, problems.join('; '));
	});
} finally {
	await browser.close();
}
finish();
