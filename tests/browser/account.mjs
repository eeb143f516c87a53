// Browser test at phone width: what someone does with their account from
// the pages alone. They block another person from that person's
// profile, export their data from the settings page (the page follows
// the job until the download is there, and the download is a zip), and
// delete the account with their password: signed out, the profile gone,
// the name no longer signs in.
//   AGORA_TEST_URL, AGORA_SCREENSHOT_DIR, AGORA_MAIL_DIR

import { join } from 'node:path';

import { base, shots, check, expectTrue, launch, person, finish }
    from './lib/harness.mjs';

const problems = [];
const PASSWORD = 'a long browser passphrase';
const PHONE = { viewport: { width: 390, height: 844 } };

const browser = await launch();

try {
	const me = await person(browser, 'ac_', problems, PHONE);
	const them = await person(browser, 'ab_', problems);
	const page = me.page;

	await check('block someone from their profile', async () => {
		await page.goto(`${base}/u/${them.name}`);
		await Promise.all([page.waitForURL(`${base}/u/${them.name}/block`),
		    page.click('a.profile-block')]);
		await page.locator('h1', { hasText: `Block ${them.name}?` })
		    .waitFor();
		const button = page.locator('form.block-confirm button');
		expectTrue((await button.boundingBox()).height >= 44,
		    'a small Block button');
		await page.screenshot({ path: join(shots, 'block-confirm-phone.png'),
		    fullPage: true });
		await Promise.all([page.waitForURL(`${base}/u/${them.name}`),
		    button.click()]);
		await page.locator('form.profile-block button',
		    { hasText: 'Unblock' }).waitFor();
	});

	await check('export the data from the settings page', async () => {
		await page.goto(base + '/settings#export');
		await Promise.all([page.waitForURL(/saved=export/),
		    page.click('form[action="/settings/export"] button')]);
		// The page says it refreshes itself while the job builds the
		// archive (a Refresh header); looked at again each second here.
		const link = page.locator('.export-state a[download]');
		let state = '';
		for (let i = 0; i < 45 && await link.count() === 0; i++) {
			await page.waitForTimeout(1000);
			await page.goto(base + '/settings#export');
			state = await page.locator('.export-state')
			    .getAttribute('data-state').catch(() => 'none');
		}
		expectTrue(await link.count() === 1,
		    `no download link (the export is ${state})`);
		await page.screenshot({ path: join(shots, 'export-ready-phone.png'),
		    fullPage: true });
		const r = await page.request.get(base +
		    await link.getAttribute('href'));
		expectTrue(r.status() === 200, `download ${r.status()}`);
		const body = await r.body();
		expectTrue(body.subarray(0, 2).toString() === 'PK',
		    'the download is not a zip');
	});

	await check('delete the account with the password', async () => {
		await page.goto(base + '/settings');
		await Promise.all([page.waitForURL(base + '/settings/delete'),
		    page.click('a[href="/settings/delete"]')]);
		await page.fill('input[name=password]', PASSWORD);
		await page.check('input[name=content][value=delete]');
		await page.screenshot({ path: join(shots, 'delete-phone.png'),
		    fullPage: true });
		await page.click('form[action="/settings/delete"] button');
		await page.locator('h1', { hasText: 'Your account is deleted' })
		    .waitFor();
		await page.screenshot({ path: join(shots, 'deleted-phone.png') });
		await page.goto(base + '/');
		expectTrue(await page.locator('.site-nav .who').count() === 0,
		    'still signed in');
		const profile = await page.request.get(`${base}/u/${me.name}`);
		expectTrue(profile.status() === 404,
		    `the profile answers ${profile.status()}`);
		await page.goto(base + '/login');
		await page.fill('input[name=username]', me.name);
		await page.fill('input[name=password]', PASSWORD);
		await page.click('form[action="/login"] button[type=submit]');
		await page.locator('.form-error').waitFor();
		expectTrue(await page.locator('.site-nav .who').count() === 0,
		    'the deleted account signed in');
	});

	await check('no script errors or server errors', async () => {
		expectTrue(problems.length === 0, problems.join('; '));
	});
} finally {
	await browser.close();
}
finish();
