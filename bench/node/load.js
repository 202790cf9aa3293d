// bench/node/load.js — N concurrent clients posting Kela notices to
// server.js for SECONDS, one at a time each over a kept-alive connection,
// every notice with a fresh idempotency key and a valid henkilötunnus.
// Counts only acknowledged (200) replies; prints one BENCH line.
//     node load.js PORT N SECONDS
'use strict';
const http = require('http');
const port = Number(process.argv[2]), clients = Number(process.argv[3]), seconds = Number(process.argv[4]);
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
const run = Date.now().toString(36);

function hetu(serial) {
    const number = 900 + serial % 100, day = 1 + Math.floor(serial / 100) % 28;
    const month = 1 + Math.floor(serial / 2800) % 12, year = 50 + Math.floor(serial / 33600) % 50;
    const two = v => String(v).padStart(2, '0');
    const digits = Number(two(day) + two(month) + two(year) + String(number));
    return two(day) + two(month) + two(year) + '-' + number + '0123456789ABCDEFHJKLMNPRSTUVWXY'[digits % 31];
}

function post(body) {
    return new Promise(resolve => {
        const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/notices', agent,
                                   headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
            res => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
        req.on('error', () => resolve(0));
        req.end(body);
    });
}

async function worker(index, end, latencies, counts) {
    for (let serial = index * 50000; Date.now() < end; serial++) {
        const body = JSON.stringify({
            idempotency_key: `${run}-${index}-${serial}`, org_id: 'kela', person_id: 'bench-kela-officer',
            recipient_org: 'muni-743', municipality: '743', hetu: hetu(serial), reason: 'income',
            free_text: 'Asiakas tarvitsee tukea taloudellisissa asioissa.'
        });
        const sent = process.hrtime.bigint();
        const status = await post(body);
        if (status === 200) {
            counts.acked++;
            latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
        } else counts.failed++;
    }
}

(async () => {
    const end = Date.now() + seconds * 1000, latencies = [], counts = { acked: 0, failed: 0 };
    await Promise.all(Array.from({ length: clients }, (_, index) => worker(index, end, latencies, counts)));
    latencies.sort((x, y) => x - y);
    const at = p => latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * p) - 1)].toFixed(2) : '0';
    console.log(`BENCH node_submit n=${clients} seconds=${seconds} acked=${counts.acked} failed=${counts.failed}`
                + ` node_tps=${(counts.acked / seconds).toFixed(0)} p50_ms=${at(0.5)} p99_ms=${at(0.99)}`);
    agent.destroy();
})();
