// Browser test at phone width: one person follows another from the
// profile page, and the Following tab of /photos then shows that
// person's photo; the tabs are 44 px touch targets and the page fits
// the screen.
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
	const owner = await person(browser, 'fo_', problems,
	    { viewport: PHONE });
	const fan = await person(browser, 'ff_', problems,
	    { viewport: PHONE });
	const file = join(shots, 'following.png');
	writeFileSync(file, png(64, 48));
	let id = '';

	await check('the followed person posts a photo', async () => {
		const p = owner.page;
		await p.goto(base + '/photos/new');
		await p.setInputFiles('input[name=file]', file);
		await Promise.all([p.waitForURL(/\/photos\/\d+$/),
		    p.click('form.photo-upload button[type=submit]')]);
		await p.locator('article.photo[data-status=ready]')
		    .waitFor({ timeout: 30000 });
		id = new URL(p.url()).pathname.split('/').pop();
	});

	await check('Follow on the profile page', async () => {
		const p = fan.page;
		await p.goto(base + '/u/' + owner.name);
		const button = p.getByRole('button', { name: 'Follow' });
		const box = await button.boundingBox();
		expectTrue(box && box.height >= 44, 'Follow is under 44 px');
		await Promise.all([p.waitForURL(base + '/u/' + owner.name),
		    button.click()]);
		await p.getByRole('button', { name: 'Unfollow' }).waitFor();
		expectTrue((await p.locator('.followers').innerText())
		    .startsWith('1'), 'the follower count is not 1');
	});

	await check('the Following tab shows their photo', async () => {
		const p = fan.page;
		await p.goto(base + '/photos');
		const tab = p.locator('.photo-tabs a', { hasText: 'Following' });
		const box = await tab.boundingBox();
		expectTrue(box && box.height >= 44, 'the tab is under 44 px');
		await Promise.all([p.waitForURL(base + '/photos/following'),
		    tab.click()]);
		expectTrue(await tab.getAttribute('aria-current') === 'page',
		    'the tab is not marked current');
		await p.locator(`.photo-grid a[href^="/photos/${id}?"]`)
		    .first().waitFor();
		const wide = await p.evaluate(() =>
		    document.documentElement.scrollWidth);
		expectTrue(wide <= 390, `the page is ${wide} px wide`);
		await p.screenshot({ path: join(shots, 'photos-following.png'),
		    fullPage: true });
	});

	await check('no script errors or server errors', async () => {
		expectTrue(problems.length === 0, problems.join('; '));
	});
} finally {
	await browser.close();
}

finish();
