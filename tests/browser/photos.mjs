// Browser test: a user uploads a photo from the page, sees it processed,
// and another visitor finds it in the shared feed and likes it; a tabby
// uploaded from the page lands in the cat zone with its box drawn.
//   AGORA_TEST_URL, AGORA_SCREENSHOT_DIR

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

import { base, shots, check, expectTrue, launch, person, finish }
    from './lib/harness.mjs';
import { png } from './lib/png.mjs';

const problems = [];

const browser = await launch();

try {
	const owner = await person(browser, 'po_', problems);
	const viewer = await person(browser, 'pv_', problems,
	    { viewport: { width: 390, height: 844 } });
	const file = join(shots, 'upload.png');
	writeFileSync(file, png(240, 160));
	const caption = 'Stripes at dusk #stripes' + randomBytes(2).toString('hex');
	let photoUrl;

	await check('a user uploads a photo from the page', async () => {
		await owner.page.goto(base + '/photos');
		await owner.page.click('a:has-text("Upload a photo")');
		await owner.page.setInputFiles('input[name=file]', file);
		await owner.page.fill('textarea[name=caption]', caption);
		await Promise.all([owner.page.waitForURL(/\/photos\/\d+$/),
		    owner.page.click('form.photo-upload button[type=submit]')]);
		photoUrl = owner.page.url();
	});

	await check('it is processed and shown without a reload', async () => {
		// The processing view asks the API and refreshes by itself.
		await owner.page.locator('article.photo[data-status=ready]')
		    .waitFor({ timeout: 30000 });
		const img = owner.page.locator('article.photo img');
		await img.waitFor();
		const loaded = await img.evaluate((el) => el.complete &&
		    el.naturalWidth === 240);
		expectTrue(loaded, 'the display image did not load');
		// The caption's own #tag (the detector's tags, which may
		// come a moment later, are links of the same class).
		const own = '#' + caption.split('#')[1];
		expectTrue(await owner.page.locator('p.caption a.hashtag',
		    { hasText: own }).count() === 1, 'the #tag is not a link');
		await owner.page.screenshot({ path: join(shots, 'photo.png'),
		    fullPage: true });
	});

	await check('another visitor finds it in the feed and likes it',
	    async () => {
		// The feed's first page is cached for a second.
		const tile = viewer.page.locator(
		    `.photo-grid a[href^="${new URL(photoUrl).pathname}?"] img`);
		for (let i = 0; i < 10; i++) {
			await viewer.page.goto(base + '/photos');
			if (await tile.count() > 0)
				break;
			await viewer.page.waitForTimeout(300);
		}
		await tile.waitFor({ timeout: 1000 });
		await viewer.page.screenshot({ path: join(shots,
		    'photos-phone.png'), fullPage: true });
		// The tile opens the viewer within the feed.
		await Promise.all([viewer.page.waitForURL(photoUrl + '?in=feed'),
		    tile.click()]);
		await viewer.page.goto(photoUrl);
		await Promise.all([viewer.page.waitForURL(photoUrl),
		    viewer.page.click(
		    'article.photo form[action$="/like"] button')]);
		expectTrue(await viewer.page.textContent('#like-count') === '1',
		    'like not counted');
	});

	await check('a tabby lands in the cat zone, its box drawn', async () => {
		await owner.page.goto(base + '/photos/new');
		await owner.page.setInputFiles('input[name=file]',
		    join(process.cwd(), 'var/fixtures/chelsea.png'));
		await owner.page.fill('textarea[name=caption]', 'Chelsea');
		await Promise.all([owner.page.waitForURL(/\/photos\/\d+$/),
		    owner.page.click('form.photo-upload button[type=submit]')]);
		const cat = new URL(owner.page.url()).pathname;
		const seen = owner.page.locator(
		    'section.seen a.hashtag:has-text("#cat")');
		for (let i = 0; i < 60 && await seen.count() === 0; i++) {
			await owner.page.waitForTimeout(250);
			await owner.page.reload();
		}
		await seen.waitFor({ timeout: 1000 });
		const button = owner.page.locator('#show-boxes');
		await button.waitFor({ state: 'visible' });
		const box = owner.page.locator('.photo-box').first();
		expectTrue(!await box.isVisible(), 'boxes shown before asked');
		await button.click();
		await box.waitFor({ state: 'visible' });
		expectTrue(await button.getAttribute('aria-pressed') === 'true',
		    'the button does not say it is pressed');
		const b = await box.boundingBox();
		const i = await owner.page.locator('.photo-frame img')
		    .boundingBox();
		expectTrue(b.x >= i.x - 1 && b.y >= i.y - 1 &&
		    b.x + b.width <= i.x + i.width + 1 &&
		    b.y + b.height <= i.y + i.height + 1,
		    'the box lies outside the picture');
		expectTrue(b.width * b.height > 0.25 * i.width * i.height,
		    'the box is far smaller than the cat');
		await owner.page.screenshot({ path: join(shots,
		    'photo-boxes.png'), fullPage: true });

		const tile = viewer.page.locator(
		    `.photo-grid a[href^="${cat}?"]`);
		for (let n = 0; n < 10; n++) {
			await viewer.page.goto(base + '/photos/cats');
			if (await tile.count() > 0)
				break;
			await viewer.page.waitForTimeout(300);
		}
		await tile.waitFor({ timeout: 1000 });
	});

	await check('no script errors or server errors', async () => {
		expectTrue(problems.length === 0, problems.join('; '));
	});
} finally {
	await browser.close();
}

finish();
