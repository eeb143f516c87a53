// Browser test: two users chat live in a room over the WebSocket, a
// hostile message stays text, typing shows, and a third browser that
// cannot open WebSockets still follows the room by polling; a logout in
// another tab signs the open chat out.
//   AGORA_TEST_URL, AGORA_SCREENSHOT_DIR

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import { base, shots, check, expectTrue, launch, person, finish }
    from './lib/harness.mjs';

const problems = [];
const browser = await launch();

const PHONE = { width: 390, height: 844 };

// Pages that cannot open WebSockets.
function noWebSocket() {
	window.WebSocket = function () {
		throw new Error('WebSockets are blocked here');
	};
}

function live(page) {
	return page.locator('#chat[data-link="live"]').waitFor();
}

try {
	const alice = await person(browser, 'ca_', problems);
	const bob = await person(browser, 'cb_', problems, { viewport: PHONE });
	const carol = await person(browser, 'cc_', problems,
	    { init: noWebSocket });
	const room = 'lobby-' + randomBytes(3).toString('hex');
	const hostile = '<img src=x onerror="window.__xss=1"> ' +
	    'see https://example.org/a?b=1 and [x](javascript:alert(1)) @' +
	    bob.name;
	let roomUrl;

	await check('a user creates a room and is live', async () => {
		await alice.page.goto(base + '/chat');
		await live(alice.page);
		await alice.page.fill('#new-room input[name=name]', room);
		await alice.page.click('#new-room button');
		await alice.page.locator('#room-title', { hasText: '#' + room })
		    .waitFor();
		roomUrl = alice.page.url();
		expectTrue(/\?room=\d+$/.test(roomUrl), `url ${roomUrl}`);
	});

	await check('a second user joins on a phone, live', async () => {
		await bob.page.goto(roomUrl);
		await live(bob.page);
		await bob.page.locator('#room-title', { hasText: '#' + room })
		    .waitFor();
	});

	await check('a third user without WebSockets follows by polling',
	    async () => {
		await carol.page.goto(roomUrl);
		await carol.page.locator('#room-title', { hasText: '#' + room })
		    .waitFor();
		expectTrue(await carol.page.getAttribute('#chat', 'data-link') ===
		    'polling', 'not polling');
	});

	await check('a message arrives live and stays text', async () => {
		await alice.page.fill('#composer textarea', hostile);
		await alice.page.press('#composer textarea', 'Enter');
		const msg = bob.page.locator('#messages .message-body',
		    { hasText: 'example.org' });
		await msg.waitFor();
		expectTrue(await bob.page.locator('#messages img').count() === 0,
		    'an <img> was made from the text');
		const link = msg.locator('a');
		expectTrue(await link.count() === 1, 'links: ' + await link.count());
		expectTrue(await link.getAttribute('href') ===
		    'https://example.org/a?b=1', 'href ' +
		    await link.getAttribute('href'));
		expectTrue(await msg.locator('.mention.me').count() === 1,
		    'mention not highlighted');
		expectTrue(await bob.page.evaluate(() => window.__xss) ===
		    undefined, 'script ran');
		expectTrue(await alice.page.inputValue('#composer textarea') === '',
		    'composer not cleared');
		// The message's time in the site's one format.
		const when = bob.page.locator('#messages .message', {
		    hasText: 'example.org' }).locator('time');
		const iso = await when.getAttribute('datetime');
		expectTrue(await when.textContent() === await bob.page.evaluate(
		    (i) => window.agoraTime.text(new Date(i), Date.now()), iso),
		    'the chat writes its times its own way');
		expectTrue(!!await when.getAttribute('title'),
		    'no exact time on hover');
		// The author's avatar, the one the server draws in the nav.
		const face = alice.page.locator('#messages .message', {
		    hasText: 'example.org' }).locator('.avatar');
		const nav = alice.page.locator('.site-nav .who .avatar');
		expectTrue(await face.getAttribute('class') ===
		    await nav.getAttribute('class') &&
		    await face.textContent() === await nav.textContent(),
		    'the chat draws another avatar than the pages');
		await bob.page.screenshot({ path: join(shots, 'chat-phone.png'),
		    fullPage: true });
	});

	await check('the polling browser gets it too', async () => {
		await carol.page.locator('#messages .message-body',
		    { hasText: 'example.org' }).waitFor({ timeout: 10000 });
		expectTrue(await carol.page.locator('#messages img').count() === 0,
		    'an <img> was made from the text');
	});

	await check('typing shows to the others', async () => {
		await bob.page.type('#composer textarea', 'hel');
		await alice.page.locator('#typing', { hasText: bob.name })
		    .waitFor({ timeout: 5000 });
	});

	await check('a reply from the polling browser arrives live', async () => {
		await carol.page.fill('#composer textarea', 'polling says hi');
		await carol.page.press('#composer textarea', 'Enter');
		await alice.page.locator('#messages .message-body',
		    { hasText: 'polling says hi' }).waitFor();
		await alice.page.screenshot({ path: join(shots, 'chat.png'),
		    fullPage: true });
	});

	await check('a logout in another tab signs the open chat out',
	    async () => {
		const other = await alice.page.context().newPage();
		await other.goto(base + '/');
		await other.click('.site-nav .user-menu summary');
		await Promise.all([other.waitForURL(base + '/'),
		    other.click('form[action="/logout"] button')]);
		await alice.page.locator('#chat[data-link="signed-out"]')
		    .waitFor({ timeout: 5000 });
		await other.close();
	});

	await check('no script errors or server errors', async () => {
		expectTrue(problems.length === 0, problems.join('; '));
	});
} finally {
	await browser.close();
}

finish();
