// Browser test: at phone width, a writer uses the editor's toolbar (44 px
// labelled buttons), sees the live preview rendered by the server,
// inserts an image, which the editor will not do without alt text, then
// pastes and drops one, and gets back text kept in the browser after a
// reload.
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

	// A File put on the text as a paste or a drop, as the browser does.
	async function give(kind, name) {
		await body.evaluate((t, [kind, name, b64]) => {
			const bytes = Uint8Array.from(atob(b64), (c) =>
			    c.charCodeAt(0));
			const dt = new DataTransfer();
			dt.items.add(new File([bytes], name, { type: 'image/png' }));
			const init = { bubbles: true, cancelable: true };
			t.dispatchEvent(kind === 'paste' ?
			    new ClipboardEvent('paste', { ...init, clipboardData: dt }) :
			    new DragEvent('drop', { ...init, dataTransfer: dt }));
		}, [kind, name, PNG.toString('base64')]);
	}

	for (const [kind, done, words] of [['paste', 'pasted', 'A pasted dot'],
	    ['drop', 'dropped', 'A dropped dot']]) {
		await check(`a ${done} image asks for its alt text`, async () => {
			await body.evaluate((t) =>
			    t.setSelectionRange(t.value.length, t.value.length));
			await give(kind, kind + '.png');
			const alt = page.getByLabel(/alt text/);
			await alt.waitFor();
			expectTrue(await alt.evaluate((e) =>
			    document.activeElement === e), 'alt text not focused');
			await alt.fill(words);
			const done = page.waitForResponse((r) =>
			    r.url().endsWith('/api/v1/blog/images'));
			await page.getByRole('button', { name: 'Insert image' })
			    .click();
			expectTrue((await done).status() === 201, 'upload refused');
			await page.waitForFunction((w) => document.querySelector(
			    'textarea[name=body]').value.includes('![' + w + ']('),
			    words);
			await preview.locator(`img[alt="${words}"]`).waitFor();
		});
	}

	await check('the text is kept in the browser across a reload',
	    async () => {
		const before = await body.inputValue();
		await page.locator('.kept-status',
		    { hasText: 'Kept in this browser' }).waitFor();
		await page.reload();
		const offer = page.getByRole('region', { name: 'Unsaved text' });
		await offer.waitFor();
		expectTrue(await body.inputValue() === '', 'not a fresh editor');
		await page.screenshot({ path: join(shots,
		    'blog-editor-restore-phone.png'), fullPage: true });
		await offer.getByRole('button', { name: 'Restore it' }).click();
		expectTrue(await body.inputValue() === before, 'text not restored');
		expectTrue(await page.inputValue('input[name=title]') === title,
		    'title not restored');
		await preview.locator('img[alt="A dropped dot"]').waitFor();
	});

	await check('the post is saved as written', async () => {
		await Promise.all([page.waitForURL(/\/blog\/\d+-/),
		    page.click('button[value=draft]')]);
		await page.locator('.post-body strong', { hasText: 'early' })
		    .waitFor();
		expectTrue(await page.locator(
		    '.post-body img[alt="A red [dot] on white"]').count() === 1,
		    'image without its alt text');
		expectTrue(await page.locator(
		    '.post-body img[alt="A pasted dot"]').count() === 1,
		    'the pasted image is missing');
		// Sent: the browser forgets it, and a new editor offers nothing.
		await page.goto(base + '/blog/new');
		await page.locator('textarea[name=body]').waitFor();
		await page.waitForTimeout(300);
		expectTrue(await page.getByRole('region',
		    { name: 'Unsaved text' }).count() === 0,
		    'sent text offered again');
	});

	await check('no script errors or server errors', async () => {
		expectTrue(problems.length === 0, problems.join('; '));
	});
} finally {
	await browser.close();
}
finish();
