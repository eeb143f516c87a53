// Browser test at phone width: a refused upload keeps the chosen file and
// the caption with the reason beside the field; the grid's like button
// works in place; the full-screen viewer goes through a grid with the
// keyboard and by swiping, and closes with Escape.
//   AGORA_TEST_URL, AGORA_SCREENSHOT_DIR

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

import { base, shots, check, expectTrue, launch, person, finish }
    from './lib/harness.mjs';
import { png } from './lib/png.mjs';

const problems = [];
const PHONE = { width: 390, height: 844 };

const browser = await launch();

try {
	const owner = await person(browser, 'pg_', problems,
	    { viewport: PHONE });
	const bad = join(shots, 'not-an-image.png');
	writeFileSync(bad, 'plain text, not a picture\n'.repeat(10));
	const good = [];
	for (let i = 0; i < 3; i++) {
		good.push(join(shots, `grid-${i}.png`));
		writeFileSync(good[i], png(120, 90));
	}
	const tag = 'grid' + randomBytes(3).toString('hex');
	const caption = `First line of #${tag}\nsecond line`;

	await check('a refused file keeps the file and the caption', async () => {
		const p = owner.page;
		await p.goto(base + '/photos/new');
		await p.setInputFiles('input[name=file]', bad);
		await p.fill('textarea[name=caption]', caption);
		await p.click('form.photo-upload button[type=submit]');
		const err = p.locator('#file-error');
		await err.waitFor({ state: 'visible' });
		expectTrue(/Not a JPEG, PNG or WebP/.test(await err.textContent()),
		    'the reason is not beside the file');
		expectTrue(new URL(p.url()).pathname === '/photos/new',
		    'the page left the form');
		expectTrue(await p.inputValue('textarea[name=caption]') ===
		    caption, 'the caption was lost');
		expectTrue(await p.locator('input[name=file]').evaluate(
		    (el) => el.files.length === 1 &&
		    el.getAttribute('aria-invalid') === 'true'),
		    'the file is gone or not marked');
		await p.screenshot({ path: join(shots, 'upload-refused.png'),
		    fullPage: true });
	});

	await check('the right file then goes up and is processed', async () => {
		const p = owner.page;
		await p.setInputFiles('input[name=file]', good[0]);
		await Promise.all([p.waitForURL(/\/photos\/\d+$/),
		    p.click('form.photo-upload button[type=submit]')]);
		await p.locator('article.photo[data-status=ready]')
		    .waitFor({ timeout: 30000 });
	});

	const liker = await person(browser, 'pl_', problems,
	    { viewport: PHONE });
	const grid = base + '/photos/u/' + owner.name;
	let ids = [];

	await check('two more photos are posted', async () => {
		const p = owner.page;
		for (const f of good.slice(1)) {
			await p.goto(base + '/photos/new');
			await p.setInputFiles('input[name=file]', f);
			await p.fill('input[name=alt_text]', 'Stripes ' + f.slice(-5));
			await Promise.all([p.waitForURL(/\/photos\/\d+$/),
			    p.click('form.photo-upload button[type=submit]')]);
			await p.locator('article.photo[data-status=ready]')
			    .waitFor({ timeout: 30000 });
		}
		await p.goto(grid);
		ids = await p.$$eval('.photo-grid li', (li) =>
		    li.map((x) => x.id.slice(1)));
		expectTrue(ids.length === 3, `${ids.length} tiles, not 3`);
	});

	await check('a like from the grid at phone width, in place', async () => {
		const p = liker.page;
		await p.goto(grid);
		const button = p.locator(`#p${ids[1]} .like-button`);
		const box = await button.boundingBox();
		expectTrue(box.width >= 44 && box.height >= 44,
		    `the like button is ${box.width}x${box.height}`);
		expectTrue(await button.getAttribute('aria-label') ===
		    `Like the photo by ${owner.name}`, 'the button has no label');
		await button.click();
		await p.waitForFunction((id) => document.querySelector(
		    `#p${id} .like-button`).getAttribute('aria-pressed') ===
		    'true', ids[1]);
		expectTrue(p.url() === grid, 'the page left the grid');
		expectTrue(await button.locator('.like-n').textContent() === '1',
		    'the count did not change');
		await p.screenshot({ path: join(shots, 'grid-liked-phone.png'),
		    fullPage: true });
		await p.reload();
		expectTrue(await p.locator(`#p${ids[1]} .like-button`)
		    .getAttribute('aria-pressed') === 'true',
		    'the like was not kept');
	});

	await check('a tile opens the viewer, focused, full screen', async () => {
		const p = liker.page;
		await p.goto(grid);
		await Promise.all([p.waitForURL(/\?in=user/),
		    p.click(`#p${ids[1]} a.tile-link`)]);
		const url = new URL(p.url());
		expectTrue(url.pathname === `/photos/${ids[1]}` &&
		    url.search === `?in=user&u=${owner.name}`,
		    `the viewer's URL is ${p.url()}`);
		await p.locator('#viewer img').waitFor();
		expectTrue(await p.evaluate(() =>
		    document.activeElement.id === 'viewer'),
		    'the viewer does not have the focus');
		const box = await p.locator('#viewer').boundingBox();
		expectTrue(box.width === PHONE.width && box.height === PHONE.height,
		    `the viewer is ${box.width}x${box.height}`);
		expectTrue(await p.locator('#viewer img').getAttribute('alt') ===
		    'Stripes ' + good[1].slice(-5), 'the alt text is not used');
		await p.screenshot({ path: join(shots, 'viewer-phone.png') });
	});

	await check('arrow keys go to the next and previous photo', async () => {
		const p = liker.page;
		await Promise.all([p.waitForURL(new RegExp(`/photos/${ids[2]}\\?`)),
		    p.keyboard.press('ArrowRight')]);
		await p.locator('#viewer img').waitFor();
		expectTrue(await p.locator('span.viewer-next[aria-disabled=true]')
		    .count() === 1, 'the last photo offers a next one');
		await Promise.all([p.waitForURL(new RegExp(`/photos/${ids[1]}\\?`)),
		    p.keyboard.press('ArrowLeft')]);
		await Promise.all([p.waitForURL(new RegExp(`/photos/${ids[0]}\\?`)),
		    p.keyboard.press('ArrowLeft')]);
	});

	await check('a swipe goes to the next photo', async () => {
		const p = liker.page;
		const box = await p.locator('.viewer-stage').boundingBox();
		const y = box.y + box.height / 2;
		await p.mouse.move(box.x + box.width * 0.8, y);
		await p.mouse.down();
		await p.mouse.move(box.x + box.width * 0.2, y + 5, { steps: 5 });
		await Promise.all([p.waitForURL(new RegExp(`/photos/${ids[1]}\\?`)),
		    p.mouse.up()]);
	});

	await check('Tab stays in the viewer, Escape closes it', async () => {
		const p = liker.page;
		await p.locator('#viewer img').waitFor();
		for (let i = 0; i < 8; i++) {
			await p.keyboard.press('Tab');
			expectTrue(await p.evaluate(() => document.getElementById(
			    'viewer').contains(document.activeElement)),
			    'the focus left the viewer');
		}
		await Promise.all([p.waitForURL((u) => u.pathname ===
		    new URL(grid).pathname && u.hash === `#p${ids[1]}`),
		    p.keyboard.press('Escape')]);
		await p.locator(`#p${ids[1]}`).waitFor();
	});

	await check('no script errors or server errors', async () => {
		expectTrue(problems.length === 0, problems.join('; '));
	});
} finally {
	await browser.close();
}

finish();
