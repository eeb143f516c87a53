// Browser test at phone width: one person follows another from the
// profile page, and the Following tab of /photos then shows that
// person's photo; the tabs are 44 px touch targets and the page fits
// the screen.
//   AGORA_TEST_URL, AGORA_SCREENSHOT_DIR

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';

import { base, shots, check, expectTrue, launch, person, finish }
    from './lib/harness.mjs';

const problems = [];
const PHONE = { width: 390, height: 844 };

// A small PNG of noise, different on every call.
function png(w = 64, h = 48) {
	const table = Array.from({ length: 256 }, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	});
	const crc = (buf) => {
		let c = 0xffffffff;
		for (const b of buf)
			c = table[(c ^ b) & 0xff] ^ (c >>> 8);
		return (c ^ 0xffffffff) >>> 0;
	};
	const chunk = (type, data) => {
		const len = Buffer.alloc(4);
		len.writeUInt32BE(data.length);
		const td = Buffer.concat([Buffer.from(type), data]);
		const c = Buffer.alloc(4);
		c.writeUInt32BE(crc(td));
		return Buffer.concat([len, td, c]);
	};
	const raw = Buffer.alloc((w * 3 + 1) * h);
	for (let y = 0; y < h; y++) {
		const row = randomBytes(w * 3);
		row.copy(raw, y * (w * 3 + 1) + 1);
	}
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0);
	ihdr.writeUInt32BE(h, 4);
	ihdr[8] = 8;
	ihdr[9] = 2;
	return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
	    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)),
	    chunk('IEND', Buffer.alloc(0))]);
}

const browser = await launch();

try {
	const owner = await person(browser, 'fo_', problems,
	    { viewport: PHONE });
	const fan = await person(browser, 'ff_', problems,
	    { viewport: PHONE });
	const file = join(shots, 'following.png');
	writeFileSync(file, png());
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
