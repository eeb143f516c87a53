// Chat fan-out load: CLIENTS WebSocket clients (one user each) spread
// over the rooms, RATE messages a second posted by the clients in turn
// (each user well inside its own rate limit) for SECONDS.  Every message
// carries its send time; every client that should receive it records
// the delay.  Prints p50/p99 delivery latency, messages lost (deliveries
// expected but not seen 5 s after the last send), and Kore's RSS before
// and after the clients connected (KORE_PID's workers, from /proc).
//   node bench/chat_load.mjs URL TOKENFILE ROOMIDS KORE_PID
// env: CLIENTS (1000), RATE (200), SECONDS (20)

import WebSocket from 'ws';
import { readFileSync } from 'node:fs';

const [url, tokenFile, roomList, korePid] = process.argv.slice(2);
const CLIENTS = Number(process.env.CLIENTS || 1000);
const RATE = Number(process.env.RATE || 200);
const SECONDS = Number(process.env.SECONDS || 20);
const tokens = readFileSync(tokenFile, 'utf8').trim().split('\n');
const rooms = roomList.split(',').map(Number);
const wsUrl = url.replace(/^http/, 'ws') + '/chat/ws';

function rssKiB(pid) {
	const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
	    .trim().split(/\s+/).filter(Boolean);
	let total = 0;
	for (const p of [pid, ...kids]) {
		const m = readFileSync(`/proc/${p}/status`, 'utf8')
		    .match(/VmRSS:\s+(\d+)/);
		total += m ? Number(m[1]) : 0;
	}
	return total;
}

const now = () => Number(process.hrtime.bigint() / 1000n) / 1000; // ms
const latencies = [];
const seen = new Map();		// message key -> deliveries
const expected = new Map();	// message key -> subscribers of its room
const members = new Map();	// room -> clients subscribed
let errors = 0;

function open(i) {
	return new Promise((resolve, reject) => {
		const room = rooms[i % rooms.length];
		const ws = new WebSocket(wsUrl, {
			headers: { Authorization: 'Bearer ' + tokens[i] },
			perMessageDeflate: false,
		});
		ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe',
		    room })));
		ws.on('message', (data) => {
			const f = JSON.parse(data);
			if (f.type === 'subscribed') {
				members.set(room, (members.get(room) || 0) + 1);
				resolve({ ws, room });
			} else if (f.type === 'message') {
				const m = /^bench (\S+) ([\d.]+)$/.exec(f.message.body);
				if (!m)
					return;
				latencies.push(now() - Number(m[2]));
				seen.set(m[1], (seen.get(m[1]) || 0) + 1);
			} else if (f.type === 'error') {
				errors++;
			}
		});
		ws.on('error', reject);
	});
}

const rssBefore = rssKiB(korePid);
const clients = [];
for (let i = 0; i < CLIENTS; i += 50) {
	const batch = [];
	for (let j = i; j < Math.min(i + 50, CLIENTS); j++)
		batch.push(open(j));
	clients.push(...await Promise.all(batch));
}
await new Promise((r) => setTimeout(r, 1000));
const rssAfter = rssKiB(korePid);

const total = RATE * SECONDS;
const interval = 1000 / RATE;
const start = now();
for (let k = 0; k < total; k++) {
	const due = start + k * interval;
	const wait = due - now();
	if (wait > 1)
		await new Promise((r) => setTimeout(r, wait));
	const c = clients[k % clients.length];
	const key = `${k}`;
	expected.set(key, members.get(c.room));
	c.ws.send(JSON.stringify({ type: 'send', room: c.room,
	    body: `bench ${key} ${now().toFixed(3)}` }));
}
const sendSeconds = (now() - start) / 1000;
await new Promise((r) => setTimeout(r, 5000));

let lost = 0;
for (const [key, want] of expected)
	lost += Math.max(0, want - (seen.get(key) || 0));
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1,
    Math.floor(latencies.length * p))].toFixed(1);

console.log(JSON.stringify({
	clients: CLIENTS, rooms: rooms.length, messages: total,
	send_rate: +(total / sendSeconds).toFixed(1),
	deliveries: latencies.length, lost, errors,
	p50_ms: +pct(0.5), p99_ms: +pct(0.99), max_ms: +pct(1),
	kore_rss_mib_before: +(rssBefore / 1024).toFixed(1),
	kore_rss_mib_after: +(rssAfter / 1024).toFixed(1),
	rss_mib_per_1000: +((rssAfter - rssBefore) / 1024 * 1000 /
	    CLIENTS).toFixed(1),
}));
for (const c of clients)
	c.ws.terminate();
process.exit(0);
