// Browser test: a new visitor registers, logs out, logs in again, and a
// wrong password is refused; screenshots at desktop and phone widths.
// Chromium from Debian, driven by playwright-core.
//   AGORA_TEST_URL (default http://127.0.0.1:18888)
//   AGORA_SCREENSHOT_DIR (default var/test/screenshots)

import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

const base = process.env.AGORA_TEST_URL || 'http://127.0.0.1:18888';
const shots = process.env.AGORA_SCREENSHOT_DIR || 'var/test/screenshots';
const results = { passed: 0, failed: 0 };

mkdirSync(shots, { recursive: true });

async function check(name, fn) {
	try {
		await fn();
		results.passed++;
		console.log(`ok   ${name}`);
	} catch (err) {
		results.failed++;
		console.log(`FAIL ${name}: ${err.message.split('\n')[0]}`);
	}
}

function expectTrue(cond, what) {
	if (!cond)
		throw new Error(what);
}

const timer = setTimeout(() => {
	console.log('browser: timed out after 90 s');
	console.log(`browser: ${results.passed} passed, ${results.failed + 1} failed`);
	process.exit(1);
}, 90000);

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	headless: true,
	args: ['--no-sandbox', '--disable-gpu', '--disable-quic',
	    '--no-first-run', '--disable-background-networking',
	    '--disable-component-update', '--disable-sync'],
});

try {
	const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	const page = await context.newPage();
	page.setDefaultTimeout(15000);
	const user = 'b_' + randomBytes(4).toString('hex');
	const password = 'a long browser passphrase';

	await check('home page shows the three apps', async () => {
		await page.goto(base + '/');
		for (const app of ['Blog', 'Chat', 'Photos'])
			expectTrue(await page.locator('nav a', { hasText: app }).count() > 0,
			    `no ${app} link`);
	});

	await check('register from the navigation', async () => {
		await page.click('nav a:has-text("Register")');
		await page.waitForURL('**/register');
		await page.fill('input[name=username]', user);
		await page.fill('input[name=email]', `${user}@example.org`);
		await page.fill('input[name=password]', password);
		await Promise.all([
			page.waitForURL(base + '/'),
			page.click('form[action="/register"] button[type=submit]'),
		]);
		await page.locator(`nav .who:has-text("${user}")`).waitFor();
		await page.screenshot({ path: join(shots, 'registered.png'), fullPage: true });
	});

	await check('log out', async () => {
		await Promise.all([
			page.waitForURL(base + '/'),
			page.click('form[action="/logout"] button'),
		]);
		await page.locator('nav a:has-text("Log in")').waitFor();
		expectTrue(await page.locator('nav .who').count() === 0, 'still logged in');
	});

	await check('a wrong password is refused', async () => {
		await page.click('nav a:has-text("Log in")');
		await page.fill('input[name=username]', user);
		await page.fill('input[name=password]', 'not the password');
		await page.click('form[action="/login"] button[type=submit]');
		await page.locator('text=Invalid username or password.').waitFor();
	});

	await check('log in again', async () => {
		await page.fill('input[name=username]', user);
		await page.fill('input[name=password]', password);
		await Promise.all([
			page.waitForURL(base + '/'),
			page.click('form[action="/login"] button[type=submit]'),
		]);
		await page.locator(`nav .who:has-text("${user}")`).waitFor();
		await page.screenshot({ path: join(shots, 'logged-in.png'), fullPage: true });
	});

	await check('usable at phone width', async () => {
		await page.setViewportSize({ width: 390, height: 844 });
		await page.goto(base + '/');
		const overflow = await page.evaluate(() =>
		    document.documentElement.scrollWidth > window.innerWidth + 1);
		expectTrue(!overflow, 'the page scrolls sideways at 390 px');
		await page.screenshot({ path: join(shots, 'phone.png'), fullPage: true });
	});
} finally {
	// A fresh, temporary profile each launch: nothing to clean up.
	await browser.close();
	clearTimeout(timer);
}

console.log(`browser: ${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed === 0 ? 0 : 1);
