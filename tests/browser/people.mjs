// Browser test: someone finds a person from an author link (a photo
// tile), reads their profile, opens the conversation with "Message",
// then uses the account menu at phone width, with the keyboard too:
// settings, and logging out.
//   AGORA_TEST_URL, AGORA_SCREENSHOT_DIR

import { join } from 'node:path';

import { base, shots, check, expectTrue, launch, person, finish }
    from './lib/harness.mjs';
import { png } from './lib/png.mjs';

const problems = [];

const browser = await launch();

try {
	const bob = await person(browser, 'pb_', problems);
	const alice = await person(browser, 'pa_', problems,
	    { viewport: { width: 390, height: 844 } });
	const page = alice.page;
	let photo;

	await check('a person shares a photo', async () => {
		await bob.page.goto(base + '/photos');
		const csrf = await bob.page.locator('input[name=_csrf]').first()
		    .getAttribute('value');
		const r = await bob.page.request.post(base + '/api/v1/photos', {
			headers: { 'x-csrf-token': csrf },
			multipart: {
				file: { name: 'p.png', mimeType: 'image/png',
				    buffer: png(64, 64) },
				caption: 'A square of colour',
			},
		});
		expectTrue(r.status() === 201, `upload: ${r.status()}`);
		photo = (await r.json()).photo.id;
		for (let i = 0; i < 100; i++) {
			const s = await bob.page.request.get(
			    `${base}/api/v1/photos/${photo}`);
			if ((await s.json()).photo.status === 'ready')
				return;
			await new Promise((ok) => setTimeout(ok, 100));
		}
		throw new Error('the photo was not processed');
	});

	await check('the author link on a photo tile opens the profile',
	    async () => {
		const link = page.locator(`.tile-meta a[href="/u/${bob.name}"]`)
		    .first();
		// The feed may come from its one-second cache: look again.
		for (let i = 0; i < 30; i++) {
			await page.goto(base + '/photos');
			if (await link.count() > 0)
				break;
			await new Promise((ok) => setTimeout(ok, 200));
		}
		await Promise.all([page.waitForURL(`${base}/u/${bob.name}`),
		    link.click()]);
		expectTrue(await page.locator('h1').textContent() === bob.name,
		    'the profile is not the author\'s');
		await page.locator(`.profile-photos a[href="/photos/${photo}"] img`)
		    .waitFor();
		expectTrue((await page.locator('.profile-counts').textContent())
		    .includes('1 photo'), 'no photo count');
		await page.screenshot({ path: join(shots, 'profile-phone.png'),
		    fullPage: true });
	});

	await check('"Message" opens the conversation with them', async () => {
		await Promise.all([page.waitForURL(/\/chat\?/),
		    page.click('a.profile-action:has-text("Message")')]);
		await page.locator('#room-title', { hasText: '@' + bob.name })
		    .waitFor();
		expectTrue(!page.url().includes('dm='),
		    'the address still asks for the conversation');
	});

	await check('the account menu opens at phone width', async () => {
		await page.goto(base + '/');
		const settings = page.locator('.user-menu a[href="/settings"]');
		expectTrue(!await settings.isVisible(), 'the menu starts open');
		await page.click('.user-menu summary');
		await settings.waitFor({ state: 'visible' });
		// Pico fades the menu in.
		await page.waitForFunction(() => getComputedStyle(
		    document.querySelector('.user-menu ul')).opacity === '1');
		const box = await settings.boundingBox();
		expectTrue(box.height >= 44, `a ${box.height}px touch target`);
		expectTrue(box.x >= 0 && box.x + box.width <= 390,
		    'the menu goes off screen');
		await page.screenshot({ path: join(shots, 'menu-phone.png') });
		await Promise.all([page.waitForURL(base + '/settings'),
		    settings.click()]);
		await page.locator('h1', { hasText: 'Settings' }).waitFor();
		await page.screenshot({ path: join(shots, 'settings-phone.png'),
		    fullPage: true });
	});

	await check('the menu works from the keyboard, and logs out',
	    async () => {
		await page.focus('.user-menu summary');
		await page.keyboard.press('Enter');
		expectTrue(await page.locator('.user-menu').getAttribute('open')
		    !== null, 'Enter did not open the menu');
		await page.keyboard.press('Tab');
		expectTrue(await page.evaluate(() =>
		    document.activeElement.textContent) === 'Profile',
		    'Tab does not go to the first item');
		await page.locator('.user-menu form[action="/logout"] button')
		    .focus();
		await Promise.all([page.waitForURL(base + '/'),
		    page.keyboard.press('Enter')]);
		await page.locator('nav a', { hasText: 'Log in' }).waitFor();
	});

	await check('no script errors or server errors', async () => {
		expectTrue(problems.length === 0, problems.join('; '));
	});
} finally {
	await browser.close();
}
finish();
