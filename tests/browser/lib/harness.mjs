// What the browser scenarios share: settings from the environment, one
// check per step, Debian's Chromium, new users registered through the
// form, and the summary line make test counts.  Not a test itself (make
// test runs tests/browser/*.mjs only).
//   AGORA_TEST_URL, AGORA_SCREENSHOT_DIR, AGORA_MAIL_DIR (the mail sink's)

import { chromium } from 'playwright-core';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export const base = process.env.AGORA_TEST_URL || 'http://127.0.0.1:18888';
export const shots = process.env.AGORA_SCREENSHOT_DIR ||
    'var/test/screenshots';
const results = { passed: 0, failed: 0 };

mkdirSync(shots, { recursive: true });

export async function check(name, fn) {
	try {
		await fn();
		results.passed++;
		console.log(`ok   ${name}`);
	} catch (err) {
		results.failed++;
		console.log(`FAIL ${name}: ${err.message.split('\n')[0]}`);
	}
}

export function expectTrue(cond, what) {
	if (!cond)
		throw new Error(what);
}

// Debian's Chromium, headless; the whole scenario has 90 s.
export async function launch() {
	const timer = setTimeout(() => {
		console.log('browser: timed out after 90 s');
		console.log(`browser: ${results.passed} passed, ` +
		    `${results.failed + 1} failed`);
		process.exit(1);
	}, 90000);
	const browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic',
		    '--no-first-run', '--disable-background-networking',
		    '--disable-component-update', '--disable-sync'],
	});
	browser.on('disconnected', () => clearTimeout(timer));
	return browser;
}

// A new user registered through the form, in a context of its own
// (opts.viewport; opts.init runs in every page before its scripts);
// script errors and 5xx answers go to `problems`.
export async function person(browser, prefix, problems, opts = {}) {
	const context = await browser.newContext(opts.viewport ?
	    { viewport: opts.viewport } : {});
	if (opts.init)
		await context.addInitScript(opts.init);
	const page = await context.newPage();
	page.setDefaultTimeout(15000);
	page.on('pageerror', (e) => problems.push(`${prefix}: ${e.message}`));
	page.on('response', (r) => {
		if (r.status() >= 500)
			problems.push(`${prefix}: ${r.status()} ${r.url()}`);
	});
	const name = prefix + randomBytes(4).toString('hex');
	await page.goto(base + '/register');
	await page.fill('input[name=username]', name);
	await page.fill('input[name=email]', `${name}@example.org`);
	await page.fill('input[name=password]', 'a long browser passphrase');
	await Promise.all([page.waitForURL(base + '/'),
	    page.click('form[action="/register"] button[type=submit]')]);
	await verify(page, `${name}@example.org`);
	return { page, name };
}

// The welcome mail's /verify token for `address`, from the sink's files
// (their parts are base64), or null.
function verifyToken(address) {
	const dir = process.env.AGORA_MAIL_DIR;
	let names;
	try {
		names = readdirSync(dir);
	} catch {
		return null;
	}
	for (const f of names.filter((n) => n.endsWith('.eml'))) {
		let raw;
		try {
			raw = readFileSync(join(dir, f), 'utf8');
		} catch {
			continue;
		}
		const to = raw.split(/\r?\n\r?\n/)[0].toLowerCase()
		    .split(/\r?\n/).filter((l) => /^(to|x-sink-rcpt-to):/.test(l));
		if (!to.some((l) => l.includes(address.toLowerCase())))
			continue;
		const parts = raw.matchAll(/base64\r?\n\r?\n([A-Za-z0-9+/=\r\n]+)/g);
		for (const p of parts) {
			const text = Buffer.from(p[1], 'base64').toString('utf8');
			const m = text.match(/\/verify\?token=([0-9a-f]{64})/);
			if (m)
				return m[1];
		}
	}
	return null;
}

// Open the welcome mail's link and confirm, as the person would; then
// back to the home page.
async function verify(page, address) {
	if (!process.env.AGORA_MAIL_DIR)
		return;
	let token = null;
	for (let i = 0; i < 150 && token === null; i++) {
		token = verifyToken(address);
		if (token === null)
			await new Promise((r) => setTimeout(r, 100));
	}
	if (token === null)
		throw new Error(`no welcome mail with a link for ${address}`);
	await page.goto(`${base}/verify?token=${token}`);
	await Promise.all([page.waitForLoadState(),
	    page.click('form[action="/verify"] button[type=submit]')]);
	await page.goto(base + '/');
}

// The summary line, and the exit status.
export function finish() {
	console.log(`browser: ${results.passed} passed, ${results.failed} failed`);
	process.exit(results.failed === 0 ? 0 : 1);
}
