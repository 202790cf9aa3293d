// bench/node/server.js — make bench's comparison service: the same durable
// Kela notice submission kumppani's referral service makes, written the
// way a competent Node.js team would batch it. HTTP/1.1 POST /notices with
// a JSON body; concurrent requests are queued and run as one transaction
// per batch (group commit, up to 500), replies only after COMMIT. Per
// notice: validate it (henkilötunnus checksum included), keyed hash and
// AES-256-GCM box of the henkilötunnus, the idempotency lookup (same key and
// request: the stored reply; same key, other request: 409), the referral
// and its first history row, a hash-chained audit row (SHA-256 over the
// previous hash and the row, computed here, under the head row's lock
// taken at the end of the batch), a gap-free event (seq under the
// counter row's lock, also at the end), NOTIFY, and the stored reply.
// Multi-row statements (unnest) for every table. One connection, as each
// kumppani service has one writing connection. Usage:
//     node server.js PORT 'libpq conninfo'
'use strict';
const http = require('http');
const crypto = require('crypto');
const { Client } = require('pg');

const port = Number(process.argv[2] || 7480);
const conninfo = process.argv[3] || '';
const config = {};
for (const pair of conninfo.trim().split(/\s+/)) {
    const [name, value] = pair.split('=');
    if (name === 'dbname') config.database = value;
    else if (['host', 'port', 'user', 'password'].includes(name)) config[name] = value;
}
const MAX_BATCH = 500;
const hetuKey = crypto.randomBytes(32);
const boxKey = crypto.randomBytes(32);
const HETU = /^(\d{2})(\d{2})(\d{2})([-+ABCDEFUVWXY])(\d{3})([0-9A-Y])$/;

function hetuValid(hetu) {
    const m = HETU.exec(hetu);
    if (!m) return false;
    const digits = Number(m[1] + m[2] + m[3] + m[5]);
    return '0123456789ABCDEFHJKLMNPRSTUVWXY'[digits % 31] === m[6];
}

function validate(n) {
    if (typeof n !== 'object' || n === null) return 'body';
    for (const f of ['idempotency_key', 'org_id', 'person_id', 'recipient_org', 'municipality', 'hetu', 'reason', 'free_text'])
        if (typeof n[f] !== 'string') return f;
    if (!n.idempotency_key || n.idempotency_key.length > 128) return 'idempotency_key';
    if (!/^\d{3}$/.test(n.municipality)) return 'municipality';
    if (!hetuValid(n.hetu)) return 'hetu';
    if (n.free_text.length > 2000) return 'free_text';
    return null;
}

const db = new Client(config);
let queue = [];
let running = false;

function reply(res, status, body) {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
}

function dateOf(ms) { return new Date(ms).toISOString().slice(0, 10); }

async function runBatch(batch) {
    const now = Date.now();
    await db.query('BEGIN');
    try {
        const orgs = batch.map(c => c.notice.org_id), keys = batch.map(c => c.notice.idempotency_key);
        const seen = await db.query(
            'SELECT i.org_id, i.key, i.request_hash, i.reply FROM benchnode.idempotency i'
            + ' JOIN unnest ($1::text[], $2::text[]) AS u (org_id, key) USING (org_id, key)', [orgs, keys]);
        const stored = new Map(seen.rows.map(r => [r.org_id + '\0' + r.key, r]));
        const fresh = [];
        const inBatch = new Set();
        for (const call of batch) {
            const id = call.notice.org_id + '\0' + call.notice.idempotency_key;
            const old = stored.get(id);
            if (old) {
                call.answer = old.request_hash.equals(call.hash) ? [200, JSON.parse(old.reply)] : [409, { error: 'idempotency.key_reused' }];
            } else if (inBatch.has(id)) {
                call.retry = true;      // its twin in this batch answers first; run it again after
            } else {
                inBatch.add(id);
                fresh.push(call);
            }
        }
        if (fresh.length) {
            const r = { id: [], org: [], person: [], recipient: [], muni: [], reason: [], text: [], hash: [], box: [], received: [], deadline: [] };
            for (const call of fresh) {
                const n = call.notice;
                call.id = crypto.randomBytes(12).toString('hex');
                const nonce = crypto.randomBytes(12);
                const cipher = crypto.createCipheriv('aes-256-gcm', boxKey, nonce);
                const box = Buffer.concat([nonce, cipher.update(n.hetu, 'utf8'), cipher.final(), cipher.getAuthTag()]);
                r.id.push(call.id); r.org.push(n.org_id); r.person.push(n.person_id); r.recipient.push(n.recipient_org);
                r.muni.push(n.municipality); r.reason.push(n.reason); r.text.push(n.free_text);
                r.hash.push(crypto.createHmac('sha256', hetuKey).update(n.hetu).digest()); r.box.push(box);
                r.received.push(dateOf(now)); r.deadline.push(dateOf(now + 9 * 86400000));
            }
            await db.query(
                'INSERT INTO benchnode.referrals (referral_id, kind, state, sender_org, sender_person, recipient_org,'
                + ' municipality, reason, legal_basis, free_text, hetu_hash, hetu_box, received_on, deadline)'
                + ' SELECT id, \'social_work_need\', \'received\', org, person, recipient, muni, reason, \'client_request\','
                + ' text, hash, box, received, deadline FROM unnest ($1::text[], $2::text[], $3::text[], $4::text[],'
                + ' $5::text[], $6::text[], $7::text[], $8::bytea[], $9::bytea[], $10::date[], $11::date[])'
                + ' AS u (id, org, person, recipient, muni, reason, text, hash, box, received, deadline)',
                [r.id, r.org, r.person, r.recipient, r.muni, r.reason, r.text, r.hash, r.box, r.received, r.deadline]);
            await db.query(
                'INSERT INTO benchnode.history (referral_id, operation, to_state, actor_org)'
                + ' SELECT id, \'submit_referral\', \'received\', org FROM unnest ($1::text[], $2::text[]) AS u (id, org)',
                [r.id, r.org]);
            // The two shared rows last: locked only from here to COMMIT.
            const head = (await db.query('SELECT last_seq, last_hash FROM benchnode.audit_head WHERE id = 1 FOR UPDATE')).rows[0];
            let seq = Number(head.last_seq), prev = head.last_hash;
            const a = { seq: [], at: [], org: [], action: [], client: [], detail: [], prev: [], hash: [] };
            const atUs = now * 1000;
            for (const call of fresh) {
                seq++;
                const canonical = [seq, atUs, call.notice.org_id, 'referral.submit_referral', call.id, call.id].join('\x1f');
                const hash = crypto.createHash('sha256').update(prev).update(canonical, 'utf8').digest();
                a.seq.push(seq); a.at.push(atUs); a.org.push(call.notice.org_id); a.action.push('referral.submit_referral');
                a.client.push(call.id); a.detail.push(call.id); a.prev.push(prev); a.hash.push(hash);
                prev = hash;
            }
            await db.query(
                'INSERT INTO benchnode.audit_log SELECT * FROM unnest ($1::int8[], $2::int8[], $3::text[], $4::text[],'
                + ' $5::text[], $6::text[], $7::bytea[], $8::bytea[])',
                [a.seq, a.at, a.org, a.action, a.client, a.detail, a.prev, a.hash]);
            await db.query('UPDATE benchnode.audit_head SET last_seq = $1, last_hash = $2 WHERE id = 1', [seq, prev]);
            const last = Number((await db.query(
                'UPDATE benchnode.event_counter SET last_seq = last_seq + $1 WHERE id = 1 RETURNING last_seq', [fresh.length])).rows[0].last_seq);
            const e = { seq: [], aggregate: [], payload: [] };
            fresh.forEach((call, index) => {
                call.seq = last - fresh.length + 1 + index;
                e.seq.push(call.seq); e.aggregate.push(call.id);
                e.payload.push(Buffer.from(JSON.stringify({ topic: 'referral.received', referral_id: call.id, municipality: call.notice.municipality })));
            });
            await db.query(
                'INSERT INTO benchnode.events SELECT seq, \'referral.received\', aggregate, now (), payload'
                + ' FROM unnest ($1::int8[], $2::text[], $3::bytea[]) AS u (seq, aggregate, payload)', [e.seq, e.aggregate, e.payload]);
            await db.query('SELECT pg_notify (\'benchnode_events\', \'\')');
            const replies = fresh.map(call => JSON.stringify({ referral_id: call.id, state: 'received' }));
            await db.query(
                'INSERT INTO benchnode.idempotency SELECT * FROM unnest ($1::text[], $2::text[], $3::bytea[], $4::text[])',
                [fresh.map(c => c.notice.org_id), fresh.map(c => c.notice.idempotency_key), fresh.map(c => c.hash), replies]);
            fresh.forEach((call, index) => { call.answer = [200, JSON.parse(replies[index])]; });
        }
        await db.query('COMMIT');
    } catch (error) {
        await db.query('ROLLBACK').catch(() => {});
        throw error;
    }
}

async function drain() {
    if (running) return;
    running = true;
    while (queue.length) {
        const batch = queue.splice(0, MAX_BATCH);
        try {
            await runBatch(batch);
            for (const call of batch) {
                if (call.retry) queue.push(call);
                else reply(call.res, call.answer[0], call.answer[1]);
            }
        } catch (error) {
            // Nothing of the batch committed: every call may be retried.
            for (const call of batch) reply(call.res, 503, { error: 'unavailable' });
        }
    }
    running = false;
}

const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/notices') return reply(res, 404, { error: 'not_found' });
    const chunks = [];
    let size = 0;
    req.on('data', chunk => { size += chunk.length; if (size <= 65536) chunks.push(chunk); });
    req.on('end', () => {
        if (size > 65536) return reply(res, 413, { error: 'too_large' });
        const body = Buffer.concat(chunks);
        let notice;
        try { notice = JSON.parse(body); } catch { return reply(res, 400, { error: 'malformed' }); }
        const bad = validate(notice);
        if (bad) return reply(res, 400, { error: 'invalid', field: bad });
        queue.push({ notice, res, hash: crypto.createHash('sha256').update(body).digest() });
        drain();
    });
});
server.keepAliveTimeout = 60000;

db.connect().then(() => server.listen(port, '127.0.0.1', () => console.error(`bench node: listening on ${port}`)),
                  error => { console.error('bench node: cannot connect:', error.message); process.exit(1); });
