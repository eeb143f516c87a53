// Browser test at phone width (390 px): an album of three photos goes up
// from the form (a preview and an alt text field for each file), its page
// is a carousel that the next button, the arrow keys and a swipe move
// through ("2/3"), its tile in the grid says "1/3", and the Save button
// works from the grid in place and lists the album under /photos/saved.
//   AGORA_TEST_URL, AGORA_SCREENSHOT_DIR

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { base, shots, check, expectTrue, launch, person, finish }
    from './lib/harness.mjs';
import { png } from './lib/png.mjs';

const problems = [];
const PHONE = { width: 390, height: 844 };

const browser = await launch();

try {
	const owner = await person(browser, 'pa_', problems,
	    { viewport: PHONE });
	const files = [];
	for (let i = 0; i < 3; i++) {
		files.push(join(shots, `album-${i}.png`));
		writeFileSync(files[i], png(160 + 40 * i, 120));
	}
	const alts = ['A red kite', 'Two gulls on a post', 'The harbour wall'];
	let id = null;

	await check('three files chosen: a preview and an alt field each',
	    async () => {
		const p = owner.page;
		await p.goto(base + '/photos/new');
		await p.setInputFiles('input[name=file]', files);
		await p.locator('.alt-slot[data-slot="3"] img.upload-preview')
		    .waitFor();
		expectTrue(await p.locator('img.upload-preview').count() === 3,
		    'not one preview per file');
		expectTrue(await p.locator('.alt-slot[data-slot="4"]')
		    .isHidden(), 'a fourth alt field is shown');
		await p.fill('input[name=alt_text]', alts[0]);
		await p.fill('input[name=alt_text_2]', alts[1]);
		await p.fill('input[name=alt_text_3]', alts[2]);
		await p.fill('textarea[name=caption]', 'Harbour day #album');
		await p.screenshot({ path: join(shots, 'album-upload-phone.png'),
		    fullPage: true });
	});

	await check('the album goes up and is processed', async () => {
		const p = owner.page;
		await Promise.all([p.waitForURL(/\/photos\/\d+$/),
		    p.click('form.photo-upload button[type=submit]')]);
		id = new URL(p.url()).pathname.split('/').pop();
		await p.locator('article.photo[data-status=ready]')
		    .waitFor({ timeout: 30000 });
		for (let tries = 0; tries < 60; tries++) {
			if (await p.locator('.album-slide img').count() === 3)
				break;
			await p.waitForTimeout(500);
			await p.reload();
		}
		const got = await p.$$eval('.album-slide img',
		    (imgs) => imgs.map((i) => i.alt));
		expectTrue(JSON.stringify(got) === JSON.stringify(alts),
		    `the slides say ${JSON.stringify(got)}`);
	});

	await check('the next button moves the carousel, 44 px targets',
	    async () => {
		const p = owner.page;
		const next = p.locator('.album-next');
		const box = await next.boundingBox();
		expectTrue(box.width >= 44 && box.height >= 44,
		    `the next button is ${box.width}x${box.height}`);
		const track = await p.locator('.album-track').boundingBox();
		expectTrue(track.width <= PHONE.width,
		    `the carousel is ${track.width} px wide`);
		expectTrue(await p.locator('.album-prev').isDisabled(),
		    'previous is enabled on the first photo');
		await next.click();
		await p.waitForFunction(() => document.querySelector(
		    '.album-i').textContent === '2');
		// Snapped to the second photo, once the smooth scroll ends.
		await p.waitForFunction(() => {
			const t = document.querySelector('.album-track');
			const s = t.querySelectorAll('.album-slide')[1];
			return Math.abs(t.scrollLeft - s.offsetLeft) < 2;
		});
		await p.screenshot({ path: join(shots, 'album-second-phone.png') });
	});

	await check('the arrow keys move it, within the album', async () => {
		const p = owner.page;
		await p.focus('.album-track');
		await p.keyboard.press('ArrowRight');
		await p.waitForFunction(() => document.querySelector(
		    '.album-i').textContent === '3');
		expectTrue(await p.locator('.album-next').isDisabled(),
		    'next is enabled on the last photo');
		await p.keyboard.press('ArrowLeft');
		await p.waitForFunction(() => document.querySelector(
		    '.album-i').textContent === '2');
	});

	await check('a swipe moves it back to the first', async () => {
		const p = owner.page;
		// A touch swipe scrolls the snapping track; the wheel is its
		// sideways scroll here.
		const box = await p.locator('.album-track').boundingBox();
		await p.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
		await p.mouse.wheel(-box.width, 0);
		await p.waitForFunction(() => document.querySelector(
		    '.album-i').textContent === '1');
	});

	await check('the viewer shows the album as a carousel', async () => {
		const p = owner.page;
		await p.goto(`${base}/photos/u/${owner.name}`);
		const tile = p.locator(`#p${id}`);
		expectTrue((await tile.locator('.tile-count').textContent())
		    .startsWith('1/3'), 'the tile does not say 1/3');
		await Promise.all([p.waitForURL(/\?in=user/),
		    p.click(`#p${id} a.tile-link`)]);
		await p.locator('#viewer .album-slide img').first().waitFor();
		await p.focus('#viewer .album-track');
		await p.keyboard.press('ArrowRight');
		await p.waitForFunction(() => document.querySelector(
		    '#viewer .album-i').textContent === '2');
		expectTrue(new URL(p.url()).pathname === `/photos/${id}`,
		    'the arrow key left the album');
		await p.screenshot({ path: join(shots, 'album-viewer-phone.png') });
	});

	const saver = await person(browser, 'ps_', problems,
	    { viewport: PHONE });

	await check('Save from the grid, in place; listed as saved', async () => {
		const p = saver.page;
		const grid = `${base}/photos/u/${owner.name}`;
		await p.goto(grid);
		const button = p.locator(`#p${id} .save-button`);
		const box = await button.boundingBox();
		expectTrue(box.width >= 44 && box.height >= 44,
		    `the save button is ${box.width}x${box.height}`);
		await button.click();
		await p.waitForFunction((x) => document.querySelector(
		    `#p${x} .save-button`).getAttribute('aria-pressed') ===
		    'true', id);
		expectTrue(p.url() === grid, 'the page left the grid');
		await p.goto(base + '/photos/saved');
		await p.locator(`#p${id}`).waitFor();
		await p.screenshot({ path: join(shots, 'saved-phone.png'),
		    fullPage: true });
	});

	await check('no script errors or server errors', async () => {
		expectTrue(problems.length === 0, problems.join('; '));
	});
} finally {
	await browser.close();
}

finish();
