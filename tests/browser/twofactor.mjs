// Browser test at phone width: someone uploads an avatar on the
// settings page and sees it in the account menu, sets up two-factor
// sign-in (the QR code fits the screen, the key is there as text), turns
// it on with a code from "their app" (computed here), keeps the recovery
// codes, logs out and signs in again with the password then a code.
//   AGORA_TEST_URL, AGORA_SCREENSHOT_DIR

import { createHmac } from 'node:crypto';
import { join } from 'node:path';

import { base, shots, check, expectTrue, launch, person, finish }
    from './lib/harness.mjs';
import { png } from './lib/png.mjs';

const problems = [];
const PASSWORD = 'a long browser passphrase';

// What an authenticator app shows for base32 key `secret` at `step`.
function totp(secret, step) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = '';
	for (const ch of secret)
		bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
	const key = Buffer.alloc(Math.floor(bits.length / 8));
	for (let i = 0; i < key.length; i++)
		key[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(step));
	const mac = createHmac('sha1', key).update(msg).digest();
	const off = mac[19] & 0x0f;
	const n = (mac.readUInt32BE(off) & 0x7fffffff) % 1000000;
	return String(n).padStart(6, '0');
}

// The current step, never in its last 3 seconds.
async function stepNow() {
	while (Date.now() / 1000 % 30 > 27)
		await new Promise((ok) => setTimeout(ok, 500));
	return Math.floor(Date.now() / 1000 / 30);
}

const browser = await launch();

try {
	const me = await person(browser, 'tf_', problems,
	    { viewport: { width: 390, height: 844 } });
	const page = me.page;
	let secret, step;

	await check('an avatar uploaded on the settings page', async () => {
		await page.goto(base + '/settings');
		await page.setInputFiles('form[action="/settings/avatar"] '
		    + 'input[type=file]', { name: 'me.png', mimeType: 'image/png',
		    buffer: png(200, 120) });
		await Promise.all([page.waitForURL(/\/settings\?saved=avatar/),
		    page.click('form[action="/settings/avatar"] button')]);
		const img = page.locator('.site-nav .who img.avatar');
		for (let i = 0; i < 60 && await img.count() === 0; i++) {
			await new Promise((ok) => setTimeout(ok, 250));
			await page.goto(base + '/settings');
		}
		expectTrue(await img.count() === 1, 'no avatar in the menu');
		await page.locator('#avatar img.avatar').waitFor();
		expectTrue(await img.evaluate((el) => el.complete &&
		    el.naturalWidth === 64), 'the avatar did not load');
	});

	await check('two-factor set-up shows a QR code that fits', async () => {
		await page.goto(base + '/settings#two-factor');
		await Promise.all([page.waitForURL(base + '/settings/2fa'),
		    page.click('form[action="/settings/2fa/setup"] button')]);
		const qr = page.locator('.qr-box svg');
		await qr.waitFor();
		const box = await qr.boundingBox();
		expectTrue(box.width >= 150 && box.x >= 0 &&
		    box.x + box.width <= 390, `the QR code is ${box.width}px at `
		    + `${box.x}`);
		secret = (await page.locator('#totp-secret').textContent()).trim();
		expectTrue(/^[A-Z2-7]{32}$/.test(secret), `key ${secret}`);
		const input = page.locator('input[name=code]');
		expectTrue((await input.boundingBox()).height >= 44,
		    'a small code field');
		await page.screenshot({ path: join(shots, '2fa-setup-phone.png'),
		    fullPage: true });
	});

	await check('a code from the app turns it on, with recovery codes',
	    async () => {
		step = await stepNow();
		await page.fill('input[name=code]', totp(secret, step));
		await page.click('form[action="/settings/2fa/enable"] button');
		await page.locator('h1', { hasText: 'Two-factor sign-in is on' })
		    .waitFor();
		expectTrue(await page.locator('.recovery-codes li').count() === 10,
		    'not ten recovery codes');
		await page.screenshot({ path: join(shots, '2fa-codes-phone.png'),
		    fullPage: true });
	});

	await check('signing in takes the password, then a code', async () => {
		await page.goto(base + '/');
		await page.click('.user-menu summary');
		await Promise.all([page.waitForURL(base + '/'),
		    page.click('.user-menu form[action="/logout"] button')]);
		await page.goto(base + '/login');
		await page.fill('input[name=username]', me.name);
		await page.fill('input[name=password]', PASSWORD);
		await page.click('form[action="/login"] button[type=submit]');
		await page.locator('h1', { hasText: 'Two-factor sign-in' })
		    .waitFor();
		const code = page.locator('input[name=code]');
		expectTrue(await code.getAttribute('autocomplete') ===
		    'one-time-code', 'the code field is not a one-time code');
		await page.screenshot({ path: join(shots, '2fa-login-phone.png') });
		// The code the enabling step used is spent: the next one.
		await code.fill(totp(secret, step + 1));
		await Promise.all([page.waitForURL(base + '/'),
		    page.click('form[action="/login/2fa"] button')]);
		await page.locator(`.site-nav .who[data-user="${me.name}"]`)
		    .waitFor();
	});

	await check('no script errors or server errors', async () => {
		expectTrue(problems.length === 0, problems.join('; '));
	});
} finally {
	await browser.close();
}
finish();
