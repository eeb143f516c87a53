// Browser test: a new visitor registers from the navigation, logs out, is
// refused with a wrong password, logs in again; screenshots at desktop and
// phone sizes.  Debian's Chromium, driven by playwright-core.
//
//   AGORA_TEST_URL        the site (default http://127.0.0.1:18888)
//   AGORA_SCREENSHOT_DIR  where the PNGs go (default var/test/screenshots)
//
// Each step is one check.  The steps form a chain: once one fails, the
// rest are counted as failed without being tried (a failed step leaves a
// failed-N.png).  A last check, made in any case, looks for server errors,
// missing assets and script errors on every page seen.  The last line is
// "browser: N passed, M failed"; the exit status is non-zero on failure.
// The whole run is limited to 60 s, and the browser is always closed.

import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

const BASE = (process.env.AGORA_TEST_URL || 'http://127.0.0.1:18888')
    .replace(/\/+$/, '');
const SHOTS = process.env.AGORA_SCREENSHOT_DIR || 'var/test/screenshots';
const HOME = BASE + '/';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const OVERALL_MS = 60000;
const STEP_MS = 10000;

const CHROMIUM_ARGS = [
	'--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update',
	'--disable-sync',
];

const results = { passed: 0, failed: 0 };
let browser = null;
let shown = null;	// the page a failure screenshot shows
let broken = false;
let finished = false;

function expect(cond, what) {
	if (!cond)
		throw new Error(what);
}

function firstLine(err) {
	return (String(err && err.message || err).split('\n')[0]);
}

// Run one step of the chain as a check.
async function step(name, fn) {
	if (finished)
		return;
	if (broken) {
		results.failed++;
		console.log(`FAIL ${name}: not reached`);
		return;
	}
	try {
		await fn();
		results.passed++;
		console.log(`ok   ${name}`);
	} catch (err) {
		if (finished)
			return;	// the browser was closed under us
		results.failed++;
		broken = true;
		console.log(`FAIL ${name}: ${firstLine(err)}`);
		if (shown !== null) {
			await shown.screenshot({ path: join(SHOTS,
			    `failed-${results.passed + results.failed}.png`),
			    fullPage: true }).catch(() => {});
		}
	}
}

// Close the browser (at most a few seconds), print the summary, exit.
async function finish(extraFailed) {
	if (finished)
		return;
	finished = true;
	results.failed += extraFailed;
	if (browser !== null) {
		await Promise.race([
			browser.close().catch(() => {}),
			new Promise((resolve) => setTimeout(resolve, 5000)),
		]);
	}
	console.log(`browser: ${results.passed} passed, ${results.failed} failed`);
	process.exit(results.failed === 0 ? 0 : 1);
}

// Click `target` and wait until the page it leads to (after any redirect)
// is `url` and has loaded.  Waiting for the navigation event, not for the
// URL, also works when the next page has the same address as this one.
async function clickTo(page, target, url) {
	const arrived = page.waitForEvent('framenavigated', {
		predicate: (frame) => frame === page.mainFrame() &&
		    frame.url() === url,
	});

	// If the click fails, nobody waits for `arrived`: keep it quiet.
	arrived.catch(() => {});
	await target.click();
	try {
		await arrived;
	} catch (err) {
		throw new Error(`expected to reach ${url}, still at ${page.url()}`);
	}
	await page.waitForLoadState('load');
}

function navUser(page, user) {
	return (page.locator('nav').getByText(user, { exact: true }));
}

function navLink(page, text) {
	return (page.locator('nav a', { hasText: new RegExp(`^\\s*${text}\\s*$`) }));
}

process.on('unhandledRejection', (err) => {
	if (finished)
		return;
	console.log(`FAIL unexpected: ${firstLine(err)}`);
	finish(1);
});

const timer = setTimeout(() => {
	console.log(`FAIL the scenario did not finish within ${OVERALL_MS / 1000} s`);
	finish(1);
}, OVERALL_MS);

mkdirSync(SHOTS, { recursive: true });

try {
	// launch() gives every run a fresh temporary profile and removes it.
	browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: CHROMIUM_ARGS,
		headless: true,
	});
} catch (err) {
	console.log(`FAIL start Chromium: ${firstLine(err)}`);
	clearTimeout(timer);
	await finish(1);
}

try {
	const context = await browser.newContext({ viewport: DESKTOP });
	const page = await context.newPage();
	const user = 'b_' + randomBytes(5).toString('hex');
	const email = `${user}@example.org`;
	const password = 'correct horse battery ' + randomBytes(3).toString('hex');
	const problems = [];
	let loaded = 0;

	shown = page;
	page.setDefaultTimeout(STEP_MS);
	page.setDefaultNavigationTimeout(STEP_MS);

	// Server errors, missing assets and script errors on any page.
	page.on('response', (res) => {
		const type = res.request().resourceType();

		loaded++;
		if (res.status() >= 500)
			problems.push(`${res.status()} ${res.url()}`);
		else if (res.status() >= 400 && res.url().startsWith(BASE) &&
		    ['stylesheet', 'script', 'image', 'font'].includes(type) &&
		    !res.url().endsWith('/favicon.ico'))
			problems.push(`${res.status()} ${res.url()}`);
	});
	page.on('pageerror', (err) => problems.push(`script: ${firstLine(err)}`));

	await step('the home page offers registration', async () => {
		const res = await page.goto(HOME);

		expect(res !== null && res.ok(), `GET / answered ${res && res.status()}`);
		await navLink(page, 'Register').waitFor();
	});

	await step('register from the navigation', async () => {
		await clickTo(page, navLink(page, 'Register'), BASE + '/register');
		await page.fill('input[name=username]', user);
		await page.fill('input[name=email]', email);
		await page.fill('input[name=password]', password);
		await clickTo(page,
		    page.locator('form[action="/register"] button[type=submit]'),
		    HOME);
	});

	await step('the new user is shown in the navigation', async () => {
		await navUser(page, user).waitFor();
		expect(await navLink(page, 'Log in').count() === 0,
		    'a "Log in" link is still shown');
		await page.screenshot({ path: join(SHOTS, 'registered.png'),
		    fullPage: true });
	});

	await step('log out from the navigation', async () => {
		await page.locator('.site-nav .user-menu summary').click();
		await clickTo(page, page.locator('form[action="/logout"] button'),
		    HOME);
		await navLink(page, 'Log in').waitFor();
		expect(await navUser(page, user).count() === 0,
		    'the user is still shown after logging out');
	});

	await step('a wrong password is refused', async () => {
		await clickTo(page, navLink(page, 'Log in'), BASE + '/login');
		await page.fill('input[name=username]', user);
		await page.fill('input[name=password]', password + 'x');
		await page.locator('form[action="/login"] button[type=submit]')
		    .click();
		await page.getByText('Invalid username or password.').waitFor();
		expect(await navUser(page, user).count() === 0,
		    'logged in with a wrong password');
	});

	await step('log in from the navigation', async () => {
		await clickTo(page, navLink(page, 'Log in'), BASE + '/login');
		await page.fill('input[name=username]', user);
		await page.fill('input[name=password]', password);
		await clickTo(page,
		    page.locator('form[action="/login"] button[type=submit]'),
		    HOME);
		await navUser(page, user).waitFor();
	});

	await step('screenshot at desktop size', async () => {
		await page.setViewportSize(DESKTOP);
		await page.screenshot({ path: join(SHOTS, 'logged-in.png'),
		    fullPage: true });
	});

	await step('usable at phone size', async () => {
		await page.setViewportSize(PHONE);
		await page.reload();
		await navUser(page, user).waitFor();
		const wide = await page.evaluate(() =>
		    document.documentElement.scrollWidth > window.innerWidth + 1);
		expect(!wide, `the page scrolls sideways at ${PHONE.width} px`);
		await page.screenshot({ path: join(SHOTS, 'phone.png'),
		    fullPage: true });
	});

	// Not part of the chain: reported even when a step failed.
	broken = false;
	shown = null;
	await step('no server errors, missing assets or script errors', async () => {
		expect(loaded > 0, 'no page was loaded');
		expect(problems.length === 0, problems.slice(0, 3).join('; '));
	});
} catch (err) {
	console.log(`FAIL unexpected: ${firstLine(err)}`);
	results.failed++;
}

clearTimeout(timer);
await finish(0);
