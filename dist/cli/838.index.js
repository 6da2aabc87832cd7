export const id = 838;
export const ids = [838];
export const modules = {

/***/ 4838:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runServe: () => (/* reexport */ runServe),
  startServer: () => (/* binding */ startServer)
});

// UNUSED EXPORTS: ConfigError, FaultController, JOURNAL_FILE

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./src/server/config-values.ts
// Small validators shared by every config section. Each failure names the offending key with its
// full path (e.g. `gitlab.projects[0].visibility`) so `relpack serve --config` can say what to fix.
class ConfigError extends Error {
    key;
    code = 'RELPACK_SERVE_CONFIG';
    constructor(key, message) {
        super(`invalid server config at "${key}": ${message}`);
        this.key = key;
        this.name = 'ConfigError';
    }
}
function isObject(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function expectObject(v, key) {
    if (v === undefined || v === null)
        return {};
    if (!isObject(v))
        throw new ConfigError(key, `expected a mapping, got ${describe(v)}`);
    return v;
}
function expectArray(v, key) {
    if (v === undefined || v === null)
        return [];
    if (!Array.isArray(v))
        throw new ConfigError(key, `expected a list, got ${describe(v)}`);
    return v;
}
function onlyKeys(obj, allowed, key) {
    for (const k of Object.keys(obj)) {
        if (!allowed.includes(k)) {
            throw new ConfigError(key ? `${key}.${k}` : k, `unknown key (allowed: ${allowed.join(', ')})`);
        }
    }
}
function optString(v, key, dflt) {
    if (v === undefined || v === null)
        return dflt;
    if (typeof v === 'number')
        return String(v);
    if (typeof v !== 'string')
        throw new ConfigError(key, `expected a string, got ${describe(v)}`);
    return v;
}
function reqString(v, key) {
    if (v === undefined || v === null || v === '')
        throw new ConfigError(key, 'is required');
    return optString(v, key, '');
}
function optBool(v, key, dflt) {
    if (v === undefined || v === null)
        return dflt;
    if (typeof v !== 'boolean')
        throw new ConfigError(key, `expected true or false, got ${describe(v)}`);
    return v;
}
function optInt(v, key, dflt, min = 0, max = Number.MAX_SAFE_INTEGER) {
    if (v === undefined || v === null)
        return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v))
        throw new ConfigError(key, `expected an integer, got ${describe(v)}`);
    if (v < min || v > max)
        throw new ConfigError(key, `must be between ${min} and ${max}, got ${v}`);
    return v;
}
function optEnum(v, key, values, dflt) {
    if (v === undefined || v === null)
        return dflt;
    if (typeof v !== 'string' || !values.includes(v)) {
        throw new ConfigError(key, `must be one of ${values.join(', ')}, got ${describe(v)}`);
    }
    return v;
}
const SIZE_UNITS = {
    '': 1, b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9,
    kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40,
};
/** Accepts a byte count or a string such as `5GiB`, `10 MB`, `512`. */
function optSize(v, key, dflt) {
    if (v === undefined || v === null)
        return dflt;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0)
        return v;
    if (typeof v === 'string') {
        const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(v);
        const unit = m ? SIZE_UNITS[m[2].toLowerCase()] : undefined;
        if (m && unit !== undefined)
            return Math.floor(Number(m[1]) * unit);
    }
    throw new ConfigError(key, `expected a size in bytes or with a unit (e.g. 5GiB), got ${describe(v)}`);
}
function optStringList(v, key, dflt) {
    if (v === undefined || v === null)
        return dflt;
    return expectArray(v, key).map((item, i) => reqString(item, `${key}[${i}]`));
}
function describe(v) {
    if (v === null)
        return 'null';
    if (Array.isArray(v))
        return 'a list';
    if (typeof v === 'object')
        return 'a mapping';
    return `${typeof v} ${JSON.stringify(v)}`;
}

// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(6466);
// EXTERNAL MODULE: external "node:timers/promises"
var external_node_timers_promises_ = __webpack_require__(8500);
;// CONCATENATED MODULE: ./src/server/reply.ts


function sendJson(ctx, status, body, headers = {}) {
    const buf = Buffer.from(JSON.stringify(body));
    return writeBody(ctx, status, { 'content-type': 'application/json', ...headers }, buf);
}
function sendText(ctx, status, text, headers = {}) {
    return writeBody(ctx, status, { 'content-type': 'text/plain; charset=utf-8', ...headers }, Buffer.from(text));
}
function sendEmpty(ctx, status, headers = {}) {
    return writeBody(ctx, status, headers, Buffer.alloc(0));
}
const BODY_FAULTS = new Set(['reset-response', 'truncate', 'slow-response', 'corrupt']);
/**
 * Writes status, headers and body. Content-Length is always set (never chunked), so a truncate
 * fault really is "Content-Length promised, fewer bytes sent".
 */
async function writeBody(ctx, status, headers, body) {
    if (ctx.hijacked || ctx.res.headersSent || ctx.res.destroyed)
        return;
    const length = Buffer.isBuffer(body) ? body.length : body.length;
    const res = ctx.res;
    const noBody = ctx.method === 'HEAD' || status === 204 || status === 304;
    const all = { ...headers };
    if (status !== 204 && status !== 304)
        all['content-length'] = String(length);
    res.writeHead(status, all);
    if (noBody) {
        res.end();
        return;
    }
    const faults = ctx.faults.filter((f) => BODY_FAULTS.has(f.spec.kind));
    if (faults.length === 0) {
        if (Buffer.isBuffer(body)) {
            res.end(body);
            return;
        }
        try {
            await (0,external_node_stream_promises_.pipeline)(body.open(), res);
        }
        catch {
            // client went away or the file vanished mid-send: nothing more can be said on this socket
            res.destroy();
        }
        return;
    }
    await writeFaulted(ctx, body, length, faults);
}
async function writeFaulted(ctx, body, length, faults) {
    const res = ctx.res;
    const half = Math.floor(length / 2);
    const clampCut = (n) => Math.max(0, Math.min(n ?? half, Math.max(0, length - 1)));
    let cut;
    let corrupt;
    let slow;
    for (const f of faults) {
        const s = f.spec;
        if (s.kind === 'reset-response' || s.kind === 'truncate') {
            const at = clampCut(s.afterBytes);
            if (!cut || at < cut.at)
                cut = { at, mode: s.kind === 'truncate' ? 'truncate' : 'reset', sel: f };
        }
        else if (s.kind === 'corrupt') {
            const from = Math.min(s.offset ?? half, Math.max(0, length - 1));
            corrupt = { from, to: Math.min(length, from + (s.bytes ?? 1)), sel: f };
        }
        else if (s.kind === 'slow-response') {
            slow = { bps: s.bytesPerSecond, sel: f };
        }
    }
    const record = (sel, detail) => ctx.controller.record(sel, ctx.routeId, ctx.method, ctx.rawPath, detail);
    if (corrupt)
        record(corrupt.sel, `flipped bytes ${corrupt.from}..${corrupt.to - 1}`);
    if (slow)
        record(slow.sel, `${slow.bps} B/s`);
    // Headers go out first, so even a cut at byte 0 is "reset in the middle of the response".
    res.flushHeaders();
    const source = Buffer.isBuffer(body) ? toIterable(body) : body.open();
    let pos = 0;
    const started = Date.now();
    try {
        for await (const chunk0 of source) {
            let chunk = chunk0;
            let last = false;
            if (cut && pos + chunk.length >= cut.at) {
                chunk = chunk.subarray(0, cut.at - pos);
                last = true;
            }
            if (corrupt && pos < corrupt.to && pos + chunk.length > corrupt.from) {
                chunk = Buffer.from(chunk);
                for (let i = Math.max(corrupt.from, pos); i < Math.min(corrupt.to, pos + chunk.length); i++)
                    chunk[i - pos] ^= 0xff;
            }
            if (slow) {
                const piece = Math.max(1, Math.floor(slow.bps / 20));
                for (let o = 0; o < chunk.length; o += piece) {
                    const part = chunk.subarray(o, o + piece);
                    await write(res, part);
                    pos += part.length;
                    const due = started + (pos / slow.bps) * 1000;
                    const wait = due - Date.now();
                    if (wait > 0)
                        await (0,external_node_timers_promises_.setTimeout)(wait);
                }
            }
            else {
                if (chunk.length)
                    await write(res, chunk);
                pos += chunk.length;
            }
            if (last)
                break;
        }
        if (cut) {
            if (pos < cut.at)
                return; // source ended early (cannot happen with a correct length)
            record(cut.sel, `${cut.mode} after ${cut.at} of ${length} bytes`);
            ctx.hijacked = true;
            await new Promise((r) => setImmediate(r));
            const sock = res.socket;
            if (cut.mode === 'reset') {
                if (sock && typeof sock.resetAndDestroy === 'function')
                    sock.resetAndDestroy();
                else
                    sock?.destroy();
            }
            else {
                sock?.end();
                sock?.destroySoon?.();
            }
            return;
        }
        res.end();
    }
    catch {
        res.destroy();
    }
    finally {
        if (!Buffer.isBuffer(body) && 'destroy' in source)
            source.destroy();
    }
}
function write(res, chunk) {
    return new Promise((resolve, reject) => {
        if (res.destroyed)
            return reject(new Error('response destroyed'));
        const ok = res.write(chunk, (err) => (err ? reject(err) : ok && resolve()));
        if (!ok) {
            const onDrain = () => {
                res.off('close', onClose);
                resolve();
            };
            const onClose = () => {
                res.off('drain', onDrain);
                reject(new Error('response closed'));
            };
            res.once('drain', onDrain);
            res.once('close', onClose);
        }
    });
}
async function* toIterable(b) {
    yield b;
}

;// CONCATENATED MODULE: ./src/server/request-body.ts
// Request bodies are read through bodyChunks so request-side faults (reset while receiving,
// slow reading) and client aborts behave the same on every route that takes a body.

/** Thrown when the body did not arrive whole (client abort, reset fault, short Content-Length). */
class BodyAbortedError extends Error {
    code = 'RELPACK_BODY_ABORTED';
}
async function* bodyChunks(ctx) {
    const reset = ctx.faults.find((f) => f.spec.kind === 'reset-request');
    const slow = ctx.faults.find((f) => f.spec.kind === 'slow-request');
    const declared = ctx.req.headers['content-length'] !== undefined ? Number(ctx.req.headers['content-length']) : undefined;
    // Clamp the cut inside a declared body so a selected fault always fires; chunked bodies
    // (no Content-Length) are cut where asked, or at once by default.
    const want = reset ? (reset.spec.afterBytes ?? Math.floor((declared ?? 0) / 2)) : -1;
    const resetAt = !reset ? -1 : declared === undefined ? want : Math.max(0, Math.min(want, declared - 1));
    if (slow)
        ctx.controller.record(slow, ctx.routeId, ctx.method, ctx.rawPath, `${slow.spec.bytesPerSecond} B/s`);
    const doReset = (got) => {
        ctx.controller.record(reset, ctx.routeId, ctx.method, ctx.rawPath, `reset after receiving ${got} bytes`);
        ctx.hijacked = true;
        const sock = ctx.req.socket;
        if (typeof sock.resetAndDestroy === 'function')
            sock.resetAndDestroy();
        else
            sock.destroy();
        throw new BodyAbortedError(`request body reset by fault after ${got} bytes`);
    };
    if (reset && resetAt === 0)
        doReset(0);
    let got = 0;
    const started = Date.now();
    try {
        for await (const chunk0 of ctx.req) {
            let chunk = chunk0;
            if (reset && got + chunk.length >= resetAt) {
                chunk = chunk.subarray(0, resetAt - got);
                if (chunk.length)
                    yield chunk;
                got += chunk.length;
                doReset(got);
            }
            got += chunk.length;
            yield chunk;
            if (slow) {
                const wait = started + (got / slow.spec.bytesPerSecond) * 1000 - Date.now();
                if (wait > 0)
                    await (0,external_node_timers_promises_.setTimeout)(wait);
            }
        }
    }
    catch (err) {
        if (err instanceof BodyAbortedError)
            throw err;
        throw new BodyAbortedError(`request body aborted after ${got} bytes: ${err.message}`);
    }
    if (reset)
        doReset(got);
    if (!ctx.req.complete || (declared !== undefined && got !== declared)) {
        throw new BodyAbortedError(`request body ended after ${got} of ${declared ?? '?'} bytes`);
    }
}
/** Reads a small body (JSON or form parameters) whole; bigger than `limit` → null. */
async function readSmallBody(ctx, limit = 1 << 20) {
    const parts = [];
    let size = 0;
    for await (const c of bodyChunks(ctx)) {
        size += c.length;
        if (size > limit)
            return null;
        parts.push(c);
    }
    return Buffer.concat(parts);
}
/** Drains a body without keeping it (used when a fault answers after the body). */
async function drainBody(ctx) {
    try {
        for await (const _ of ctx.req)
            void _;
    }
    catch {
        /* the client gave up; nothing to answer */
    }
}
/**
 * Call right after an upload was committed. When a `drop-after-commit` fault is selected the
 * socket is destroyed with no response and true is returned: the handler must not answer.
 */
function dropAfterCommit(ctx) {
    const f = ctx.faults.find((x) => x.spec.kind === 'drop-after-commit');
    if (!f)
        return false;
    ctx.controller.record(f, ctx.routeId, ctx.method, ctx.rawPath, 'stored, connection dropped before the response');
    ctx.hijacked = true;
    ctx.req.socket.destroy();
    return true;
}

;// CONCATENATED MODULE: ./src/server/admin.ts
// Admin endpoints for tests that run `relpack serve` as a separate process:
//   GET    /-/relpack/health          → 200 {"status":"ok"}            (no auth)
//   GET    /-/relpack/faults          → {"faults":[…],"fired":[…]}
//   POST   /-/relpack/faults          body: one fault spec or a list → 201 {"ids":[…]}
//   DELETE /-/relpack/faults          → 204 (clears faults; `?fired=1` also clears the log)
//   DELETE /-/relpack/faults/:id      → 204 / 404
// Guarded by the admin token (`X-Relpack-Admin-Token` or `Authorization: Bearer`), never by
// registry tokens, and exempt from fault injection.




function registerAdminRoutes(router, faults, adminToken) {
    const guard = async (ctx) => {
        const given = ctx.req.headers['x-relpack-admin-token'] ?? /^Bearer\s+(.+)$/i.exec(ctx.req.headers.authorization ?? '')?.[1] ?? '';
        const a = Buffer.from(String(given));
        const b = Buffer.from(adminToken);
        if (a.length === b.length && (0,external_node_crypto_.timingSafeEqual)(a, b))
            return true;
        await sendJson(ctx, 401, { message: '401 Unauthorized - admin token required (X-Relpack-Admin-Token)' });
        return false;
    };
    router.add({ id: 'admin.health', method: 'GET', pattern: '/-/relpack/health', noFaults: true, handler: (ctx) => sendJson(ctx, 200, { status: 'ok' }) });
    router.add({
        id: 'admin.faults', method: 'GET', pattern: '/-/relpack/faults', noFaults: true,
        handler: async (ctx) => {
            if (await guard(ctx))
                await sendJson(ctx, 200, { faults: faults.list(), fired: faults.fired() });
        },
    });
    router.add({
        id: 'admin.faults', method: 'POST', pattern: '/-/relpack/faults', noFaults: true,
        handler: async (ctx) => {
            if (!(await guard(ctx)))
                return;
            const body = await readSmallBody(ctx);
            let spec;
            try {
                spec = JSON.parse(body?.toString('utf8') ?? '');
            }
            catch {
                return sendJson(ctx, 400, { message: 'body must be a JSON fault spec or a list of them' });
            }
            try {
                const ids = faults.add(spec);
                return sendJson(ctx, 201, { ids });
            }
            catch (e) {
                if (e instanceof ConfigError)
                    return sendJson(ctx, 400, { message: e.message, key: e.key });
                throw e;
            }
        },
    });
    router.add({
        id: 'admin.faults', method: 'DELETE', pattern: '/-/relpack/faults', noFaults: true,
        handler: async (ctx) => {
            if (!(await guard(ctx)))
                return;
            faults.clear();
            if (ctx.query.get('fired'))
                faults.clearFired();
            return sendEmpty(ctx, 204);
        },
    });
    router.add({
        id: 'admin.faults', method: 'DELETE', pattern: '/-/relpack/faults/:fault', noFaults: true,
        handler: async (ctx) => {
            if (!(await guard(ctx)))
                return;
            return faults.remove(decodeURIComponent(ctx.params.fault)) ? sendEmpty(ctx, 204) : sendJson(ctx, 404, { message: '404 Fault Not Found' });
        },
    });
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
;// CONCATENATED MODULE: ./src/server/journal.ts
// Metadata (packages, files, variables) lives in an append-only JSON-lines journal.
//
// Why a journal and not a JSON snapshot per change: a snapshot rewrite costs O(state) per upload,
// and hundreds of concurrent small uploads would serialise behind it. Appends are O(record), and
// the writer does group commit: every record queued while one write+fdatasync is in flight goes
// out in the next single write+fdatasync, so concurrent uploads share fsyncs instead of queueing
// one fsync each. Big blob fsyncs happen in the uploading request, never in this writer.
//
// Crash safety: a torn last line (power cut mid-append) is ignored on replay. On every start the
// live state is rewritten as a compact journal via tmp file + fsync + rename, so the file never
// grows without bound and a torn tail never survives a restart.


class Journal {
    #fh;
    #fsync;
    #queue = [];
    #flushing = null;
    #closed = false;
    /** Records and write+sync batches so far: batches ≪ records under concurrency (group commit). */
    stats = { records: 0, batches: 0 };
    constructor(fh, fsync) {
        this.#fh = fh;
        this.#fsync = fsync;
    }
    /** Reads every whole record of `file` (missing file = none). */
    static async read(file) {
        let text = '';
        try {
            text = await (0,promises_.readFile)(file, 'utf8');
        }
        catch (e) {
            if (e.code !== 'ENOENT')
                throw e;
        }
        const records = [];
        for (const line of text.split('\n')) {
            if (!line)
                continue;
            try {
                const r = JSON.parse(line);
                if (r && typeof r.ns === 'string' && typeof r.op === 'string')
                    records.push(r);
            }
            catch {
                // torn tail from a crash mid-append: the upload it described never got its response
            }
        }
        return records;
    }
    /** Opens `file` for appends. */
    static async open(file, opts) {
        await (0,promises_.mkdir)((0,external_node_path_.dirname)(file), { recursive: true });
        return new Journal(await (0,promises_.open)(file, 'a'), opts.fsync);
    }
    /** Atomically replaces `file` with exactly `records` (tmp + fsync + rename + dir fsync). */
    static async rewrite(file, records) {
        const tmp = (0,external_node_path_.join)((0,external_node_path_.dirname)(file), `.journal-${process.pid}-${Date.now()}.tmp`);
        const fh = await (0,promises_.open)(tmp, 'w');
        try {
            const CHUNK = 2000;
            for (let i = 0; i < records.length; i += CHUNK) {
                await fh.write(records.slice(i, i + CHUNK).map((r) => JSON.stringify(r) + '\n').join(''));
            }
            await fh.sync();
        }
        finally {
            await fh.close();
        }
        await (0,promises_.rename)(tmp, file);
        await fsyncDir((0,external_node_path_.dirname)(file));
    }
    /** Resolves once the record is durable (written, and fdatasync'ed unless fsync is off). */
    append(record) {
        if (this.#closed)
            return Promise.reject(new Error('journal is closed'));
        return new Promise((resolve, reject) => {
            this.#queue.push({ line: JSON.stringify(record) + '\n', resolve, reject });
            if (!this.#flushing)
                this.#flushing = this.#drain();
        });
    }
    async #drain() {
        while (this.#queue.length) {
            const batch = this.#queue;
            this.#queue = [];
            try {
                this.stats.batches++;
                this.stats.records += batch.length;
                await this.#fh.write(batch.map((b) => b.line).join(''));
                if (this.#fsync)
                    await this.#fh.datasync();
                for (const b of batch)
                    b.resolve();
            }
            catch (e) {
                for (const b of batch)
                    b.reject(e);
            }
        }
        this.#flushing = null;
    }
    async close() {
        this.#closed = true;
        while (this.#flushing)
            await this.#flushing;
        await this.#fh.close();
    }
}
async function fsyncDir(dir) {
    try {
        const fh = await (0,promises_.open)(dir, 'r');
        try {
            await fh.sync();
        }
        finally {
            await fh.close();
        }
    }
    catch {
        // some filesystems refuse fsync on directories; rename is still atomic there
    }
}

;// CONCATENATED MODULE: ./src/server/blobs.ts
// File bytes on disk. An upload streams into tmp/ while being hashed in the same pass, is
// fsync'ed, then renamed into blobs/; only after that does the flavour commit metadata, so no
// reader ever sees a half-written file. tmp/ is emptied on start (leftovers of a killed server),
// and blobs no metadata refers to are swept (killed between rename and metadata commit).
// Small bodies stay in memory until commit, which writes them straight to their blob path: no
// temp file and no rename.





const READ_HWM = 1 << 20; // 1 MiB reads: far fewer syscalls and event-loop turns per GiB
const WRITE_BATCH = 1 << 20;
const WRITES_IN_FLIGHT = 4;
/** Bodies up to this size are held in memory until commit (bounded by the connections open). */
const SMALL_BLOB = 256 * 1024;
class BlobStore {
    root;
    #fsync;
    #dirs = new Set();
    constructor(dataDir, opts) {
        this.root = dataDir;
        this.#fsync = opts.fsync;
    }
    get tmpDir() {
        return (0,external_node_path_.join)(this.root, 'tmp');
    }
    async init() {
        await (0,promises_.rm)(this.tmpDir, { recursive: true, force: true });
        await (0,promises_.mkdir)(this.tmpDir, { recursive: true });
        await (0,promises_.mkdir)((0,external_node_path_.join)(this.root, 'blobs'), { recursive: true });
    }
    /**
     * Hashes `body` in the same pass that stores it: a small body is kept in memory, a larger one
     * streams into a temp file and is never held whole. Past `maxBytes` the bytes are still read
     * (GitLab checks the size after the upload, gitlab-api.md §1) but no longer written or hashed.
     */
    async stage(body, opts) {
        const hashes = opts.hashes.map((a) => [a, (0,external_node_crypto_.createHash)(a)]);
        const max = opts.maxBytes && opts.maxBytes > 0 ? opts.maxBytes : Infinity;
        const digests = () => Object.fromEntries(hashes.map(([a, h]) => [a, h.digest('hex')]));
        const iterator = body[Symbol.asyncIterator]();
        // Read up to SMALL_BLOB into memory first; most bodies end there.
        let size = 0;
        let batch = [];
        for (;;) {
            const next = await iterator.next();
            if (next.done) {
                if (size > max)
                    return { size, digests: {}, tooLarge: true };
                for (const chunk of batch)
                    for (const [, h] of hashes)
                        h.update(chunk);
                return { data: Buffer.concat(batch, size), size, digests: digests(), tooLarge: false };
            }
            batch.push(next.value);
            size += next.value.length;
            if (size > SMALL_BLOB)
                break;
        }
        return this.#stageToFile({ [Symbol.asyncIterator]: () => iterator }, batch, size, hashes, max, digests);
    }
    /** The rest of a large body: written to a temp file while the next chunks are received and hashed. */
    async #stageToFile(rest, head, headBytes, hashes, max, digests) {
        const tmpPath = (0,external_node_path_.join)(this.tmpDir, (0,external_node_crypto_.randomUUID)());
        const fh = await (0,promises_.open)(tmpPath, 'wx');
        let size = headBytes;
        let tooLarge = size > max;
        let batch = tooLarge ? [] : head;
        let batchBytes = tooLarge ? 0 : headBytes;
        for (const chunk of batch)
            for (const [, h] of hashes)
                h.update(chunk);
        // Up to WRITES_IN_FLIGHT positioned writes overlap: the next batch is received and hashed
        // while earlier ones are still being written by the thread pool.
        const pending = new Set();
        let written = 0;
        const flush = async () => {
            const out = batch;
            const at = written;
            written += batchBytes;
            batch = [];
            batchBytes = 0;
            if (pending.size >= WRITES_IN_FLIGHT)
                await Promise.race(pending);
            const write = fh.writev(out, at).finally(() => pending.delete(write));
            write.catch(() => { }); // seen by Promise.race/all below; this only marks it handled meanwhile
            pending.add(write);
        };
        try {
            if (batchBytes >= WRITE_BATCH)
                await flush();
            for await (const chunk of rest) {
                size += chunk.length;
                if (tooLarge)
                    continue;
                if (size > max) {
                    // Past the limit the bytes are still read (GitLab checks the size after the upload,
                    // gitlab-api.md §1) but no longer written or hashed.
                    tooLarge = true;
                    batch = [];
                    batchBytes = 0;
                    continue;
                }
                for (const [, h] of hashes)
                    h.update(chunk);
                batch.push(chunk);
                batchBytes += chunk.length;
                if (batchBytes >= WRITE_BATCH)
                    await flush();
            }
            await Promise.all(pending);
            if (batch.length && !tooLarge)
                await fh.writev(batch, written);
            if (this.#fsync && !tooLarge)
                await fh.sync();
        }
        catch (e) {
            await Promise.allSettled(pending);
            await fh.close().catch(() => { });
            await (0,promises_.unlink)(tmpPath).catch(() => { });
            throw e;
        }
        await fh.close();
        return { tmpPath, size, digests: tooLarge ? {} : digests(), tooLarge };
    }
    /** Makes a staged file durable under a fresh key and returns the key. */
    async commit(staged) {
        const key = (0,external_node_crypto_.randomUUID)();
        const dir = (0,external_node_path_.join)(this.root, 'blobs', key.slice(0, 2));
        // 256 fan-out directories: each is created once, not checked on every upload.
        if (!this.#dirs.has(dir)) {
            await (0,promises_.mkdir)(dir, { recursive: true });
            this.#dirs.add(dir);
        }
        const path = (0,external_node_path_.join)(dir, key);
        if (staged.data && this.#fsync) {
            const fh = await (0,promises_.open)(path, 'wx');
            try {
                await fh.writeFile(staged.data);
                await fh.sync();
            }
            finally {
                await fh.close();
            }
        }
        else if (staged.data) {
            // Asynchronous even though small: creating a file can take a millisecond on a busy disk,
            // and the event loop serves every other upload meanwhile.
            await (0,promises_.writeFile)(path, staged.data, { flag: 'wx' });
        }
        else {
            await (0,promises_.rename)(staged.tmpPath, path);
        }
        if (this.#fsync)
            await fsyncDir(dir);
        return key;
    }
    async discard(staged) {
        if (staged.tmpPath)
            await (0,promises_.unlink)(staged.tmpPath).catch(() => { });
    }
    path(key) {
        return (0,external_node_path_.join)(this.root, 'blobs', key.slice(0, 2), key);
    }
    async size(key) {
        try {
            return (await (0,promises_.stat)(this.path(key))).size;
        }
        catch {
            return null;
        }
    }
    /** Streams [start, end] (inclusive) of a blob. */
    read(key, start, end) {
        return (0,external_node_fs_.createReadStream)(this.path(key), { start, end, highWaterMark: READ_HWM });
    }
    /** Opens a blob for serving; null when it does not exist. */
    async openForRead(key) {
        try {
            return await (0,promises_.open)(this.path(key), 'r');
        }
        catch {
            return null;
        }
    }
    /** Streams [start, end] of an opened blob; the handle is closed when the stream ends. */
    readHandle(fh, start, end) {
        return (0,external_node_fs_.createReadStream)('', { fd: fh, start, end, highWaterMark: READ_HWM, autoClose: true });
    }
    async remove(key) {
        await (0,promises_.unlink)(this.path(key)).catch(() => { });
    }
    /** Deletes blob files no metadata refers to; returns how many. */
    async sweep(live) {
        let removed = 0;
        const base = (0,external_node_path_.join)(this.root, 'blobs');
        for (const d of await (0,promises_.readdir)(base).catch(() => [])) {
            for (const f of await (0,promises_.readdir)((0,external_node_path_.join)(base, d)).catch(() => [])) {
                if (!live.has(f)) {
                    await (0,promises_.unlink)((0,external_node_path_.join)(base, d, f)).catch(() => { });
                    removed++;
                }
            }
        }
        return removed;
    }
    /** Names of files currently in tmp/ (tests assert none are left behind). */
    async tmpFiles() {
        return (0,promises_.readdir)(this.tmpDir).catch(() => []);
    }
}

// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
;// CONCATENATED MODULE: ./src/server/faults.ts
// Fault injection: declared in YAML (`faults:`), added at run time (`server.faults.add`) or over
// HTTP (`/-/relpack/faults`). A fault matches by route id + method + optional path substring, and
// fires on the nth matching request(s) it has seen since it was added. Every firing is logged in
// `fired()` at the moment it takes effect, so tests can assert it really happened.

const FAULT_KINDS = [
    'status', // answer `status` (any code) instead of running the handler
    'rate-limit', // 429 + Retry-After (+ RateLimit-* headers), like GitLab's throttle (gitlab-api.md §5)
    'delay', // wait `ms` before handling
    'reset-request', // TCP reset after `afterBytes` of the request body were received
    'slow-request', // read the request body at `bytesPerSecond`
    'reset-response', // TCP reset after `afterBytes` of the response body were sent
    'slow-response', // send the response body at `bytesPerSecond`
    'truncate', // promise the full Content-Length, send `afterBytes`, then close the connection (FIN)
    'corrupt', // flip `bytes` bytes at `offset` of the response body; headers (X-Checksum-SHA256) stay true
    'drop-after-commit', // the upload is stored and committed, then the socket is destroyed with no response
];
let nextId = 1;
class FaultController {
    #faults = [];
    #fired = [];
    /** Adds one or more faults; returns their ids. Throws ConfigError on a bad spec. */
    add(spec) {
        const specs = Array.isArray(spec) ? spec : [spec];
        const parsed = specs.map((s, i) => parseFaultSpec(s, Array.isArray(spec) ? `faults[${i}]` : 'fault'));
        for (const p of parsed) {
            this.#faults = this.#faults.filter((f) => f.spec.id !== p.id);
            this.#faults.push({ spec: p, seen: 0 });
        }
        return parsed.map((p) => p.id);
    }
    remove(id) {
        const before = this.#faults.length;
        this.#faults = this.#faults.filter((f) => f.spec.id !== id);
        return this.#faults.length !== before;
    }
    /** Removes every fault (the fired log is kept; see clearFired). */
    clear() {
        this.#faults = [];
    }
    clearFired() {
        this.#fired = [];
    }
    list() {
        return this.#faults.map((f) => ({ ...f.spec }));
    }
    /** Every firing so far, oldest first. Optionally only those of one fault id. */
    fired(id) {
        return this.#fired.filter((f) => id === undefined || f.id === id).map((f) => ({ ...f }));
    }
    /** Called once per request by the dispatcher; counts the request against every matching fault. */
    select(route, method, path) {
        const out = [];
        for (const f of this.#faults) {
            const s = f.spec;
            if (!routeMatches(s.route, route))
                continue;
            if (s.method && s.method.toUpperCase() !== method)
                continue;
            if (s.path && !path.includes(s.path))
                continue;
            f.seen += 1;
            const n = f.seen;
            let fire;
            if (s.times)
                fire = s.times.includes(n);
            else {
                const after = s.after ?? 0;
                fire = n > after && (s.count === undefined || n <= after + s.count);
            }
            if (fire)
                out.push({ spec: s, n });
        }
        return out;
    }
    record(sel, route, method, path, detail) {
        this.#fired.push({
            id: sel.spec.id,
            kind: sel.spec.kind,
            route,
            method,
            path,
            n: sel.n,
            at: new Date().toISOString(),
            ...(detail ? { detail } : {}),
        });
    }
}
function routeMatches(pattern, route) {
    if (pattern === '*' || pattern === route)
        return true;
    return pattern.endsWith('*') && route.startsWith(pattern.slice(0, -1));
}
const SPEC_KEYS = [
    'id', 'route', 'method', 'path', 'times', 'after', 'count', 'kind', 'status', 'body', 'headers',
    'afterBody', 'retryAfter', 'ms', 'afterBytes', 'bytesPerSecond', 'offset', 'bytes',
];
/** Validates one fault spec (from YAML, JSON or code). `key` names it in error messages. */
function parseFaultSpec(raw, key) {
    if (!isObject(raw))
        throw new ConfigError(key, 'a fault must be a mapping');
    const r = raw;
    onlyKeys(r, SPEC_KEYS, key);
    const route = optString(r.route, `${key}.route`, '');
    if (!route)
        throw new ConfigError(`${key}.route`, 'is required (a route id such as gitlab.upload, a prefix like gitlab.*, or *)');
    let kind = optString(r.kind, `${key}.kind`, '');
    if (kind === 'slow')
        kind = 'slow-response';
    if (!FAULT_KINDS.includes(kind)) {
        throw new ConfigError(`${key}.kind`, `must be one of ${FAULT_KINDS.join(', ')}, slow; got ${JSON.stringify(r.kind)}`);
    }
    const spec = {
        id: optString(r.id, `${key}.id`, '') || `fault-${nextId++}`,
        route,
        kind: kind,
    };
    if (r.method !== undefined)
        spec.method = optString(r.method, `${key}.method`, '').toUpperCase();
    if (r.path !== undefined)
        spec.path = optString(r.path, `${key}.path`, '');
    if (r.times !== undefined) {
        if (!Array.isArray(r.times) || r.times.length === 0)
            throw new ConfigError(`${key}.times`, 'expected a non-empty list of request numbers (1-based)');
        spec.times = r.times.map((t, i) => optInt(t, `${key}.times[${i}]`, 1, 1));
    }
    if (r.after !== undefined)
        spec.after = optInt(r.after, `${key}.after`, 0, 0);
    if (r.count !== undefined)
        spec.count = optInt(r.count, `${key}.count`, 1, 1);
    if (r.status !== undefined)
        spec.status = optInt(r.status, `${key}.status`, 500, 100, 599);
    if (r.body !== undefined)
        spec.body = optString(r.body, `${key}.body`, '');
    if (r.headers !== undefined) {
        const h = expectObject(r.headers, `${key}.headers`);
        spec.headers = Object.fromEntries(Object.entries(h).map(([k, v]) => [k, optString(v, `${key}.headers.${k}`, '')]));
    }
    if (r.afterBody !== undefined) {
        if (typeof r.afterBody !== 'boolean')
            throw new ConfigError(`${key}.afterBody`, 'expected true or false');
        spec.afterBody = r.afterBody;
    }
    if (r.retryAfter !== undefined)
        spec.retryAfter = optInt(r.retryAfter, `${key}.retryAfter`, 1, 0);
    if (r.ms !== undefined)
        spec.ms = optInt(r.ms, `${key}.ms`, 0, 0);
    if (r.afterBytes !== undefined)
        spec.afterBytes = optInt(r.afterBytes, `${key}.afterBytes`, 0, 0);
    if (r.bytesPerSecond !== undefined)
        spec.bytesPerSecond = optInt(r.bytesPerSecond, `${key}.bytesPerSecond`, 1, 1);
    if (r.offset !== undefined)
        spec.offset = optInt(r.offset, `${key}.offset`, 0, 0);
    if (r.bytes !== undefined)
        spec.bytes = optInt(r.bytes, `${key}.bytes`, 1, 1);
    if ((spec.kind === 'slow-request' || spec.kind === 'slow-response') && spec.bytesPerSecond === undefined) {
        throw new ConfigError(`${key}.bytesPerSecond`, `is required for kind ${spec.kind}`);
    }
    if (spec.kind === 'delay' && spec.ms === undefined)
        throw new ConfigError(`${key}.ms`, 'is required for kind delay');
    return spec;
}

;// CONCATENATED MODULE: ./src/server/gitlab/config.ts
// The `gitlab:` config section: users, projects (with package settings and members) and tokens.
// Zero-config gives the README quick start: project 1 `demo/app` (private), one user per role,
// a PAT per user, a job token triggered by the maintainer, and rw/ro/wo deploy tokens.

const ROLES = ['guest', 'planner', 'reporter', 'developer', 'maintainer', 'owner'];
/** Gitlab::Access levels. */
const ROLE_LEVEL = { guest: 10, planner: 15, reporter: 20, developer: 30, maintainer: 40, owner: 50 };
const DEFAULT_MAX_FILE_SIZE = 5 * 1024 ** 3;
const DEFAULT_USERS = ['maintainer', 'developer', 'reporter', 'guest', 'outsider'];
const PAT_SCOPES = ['api', 'read_api', 'read_user', 'read_repository', 'write_repository', 'read_registry', 'write_registry', 'sudo', 'admin_mode', 'create_runner', 'manage_runner', 'ai_features', 'k8s_proxy', 'read_service_ping'];
const DEPLOY_SCOPES = ['read_repository', 'read_registry', 'write_registry', 'read_package_registry', 'write_package_registry', 'read_virtual_registry', 'write_virtual_registry'];
function resolveGitlabConfig(raw) {
    const r = expectObject(raw, 'gitlab');
    onlyKeys(r, ['version', 'users', 'projects', 'tokens'], 'gitlab');
    const usersRaw = r.users === undefined ? DEFAULT_USERS : expectArray(r.users, 'gitlab.users');
    const users = usersRaw.map((u, i) => {
        const key = `gitlab.users[${i}]`;
        if (typeof u === 'string')
            return { id: i + 1, username: u, admin: false };
        const o = expectObject(u, key);
        onlyKeys(o, ['username', 'id', 'admin'], key);
        return { id: optInt(o.id, `${key}.id`, i + 1, 1), username: reqString(o.username, `${key}.username`), admin: optBool(o.admin, `${key}.admin`, false) };
    });
    unique(users.map((u) => u.username), 'gitlab.users', 'username');
    unique(users.map((u) => String(u.id)), 'gitlab.users', 'id');
    const userNames = new Set(users.map((u) => u.username));
    const projectsRaw = r.projects === undefined ? [{}] : expectArray(r.projects, 'gitlab.projects');
    if (projectsRaw.length === 0)
        throw new ConfigError('gitlab.projects', 'needs at least one project');
    const projects = projectsRaw.map((p, i) => {
        const key = `gitlab.projects[${i}]`;
        const o = expectObject(p, key);
        onlyKeys(o, ['id', 'path', 'visibility', 'duplicatesAllowed', 'duplicateExceptionRegex', 'maxFileSize', 'members'], key);
        const path = optString(o.path, `${key}.path`, i === 0 ? 'demo/app' : `demo/app${i + 1}`);
        if (!/^[A-Za-z0-9_.][A-Za-z0-9_.-]*(\/[A-Za-z0-9_.][A-Za-z0-9_.-]*)+$/.test(path)) {
            throw new ConfigError(`${key}.path`, `must look like group/project, got ${JSON.stringify(path)}`);
        }
        const regex = optString(o.duplicateExceptionRegex, `${key}.duplicateExceptionRegex`, '');
        if (regex.length > 255)
            throw new ConfigError(`${key}.duplicateExceptionRegex`, 'is limited to 255 characters');
        try {
            new RegExp(regex);
        }
        catch (e) {
            throw new ConfigError(`${key}.duplicateExceptionRegex`, `is not a valid regular expression: ${e.message}`);
        }
        const membersRaw = o.members === undefined ? defaultMembers(userNames) : expectObject(o.members, `${key}.members`);
        const members = {};
        for (const [user, role] of Object.entries(membersRaw)) {
            if (!userNames.has(user))
                throw new ConfigError(`${key}.members.${user}`, `unknown user (declared users: ${[...userNames].join(', ')})`);
            members[user] = optEnum(role, `${key}.members.${user}`, ROLES, 'guest');
        }
        return {
            id: optInt(o.id, `${key}.id`, i + 1, 1),
            path,
            visibility: optEnum(o.visibility, `${key}.visibility`, ['private', 'internal', 'public'], 'private'),
            duplicatesAllowed: optBool(o.duplicatesAllowed, `${key}.duplicatesAllowed`, true),
            duplicateExceptionRegex: regex,
            maxFileSize: optSize(o.maxFileSize, `${key}.maxFileSize`, DEFAULT_MAX_FILE_SIZE),
            members,
        };
    });
    unique(projects.map((p) => String(p.id)), 'gitlab.projects', 'id');
    unique(projects.map((p) => p.path.toLowerCase()), 'gitlab.projects', 'path');
    const projectIds = new Set(projects.map((p) => p.id));
    const tokensRaw = r.tokens === undefined ? defaultTokens(users, projects[0].id) : expectObject(r.tokens, 'gitlab.tokens');
    const tokens = Object.entries(tokensRaw).map(([name, t]) => {
        const key = `gitlab.tokens.${name}`;
        if (!isObject(t))
            throw new ConfigError(key, 'a token must be a mapping with at least `type`');
        const o = t;
        const type = optEnum(o.type, `${key}.type`, ['personal', 'job', 'deploy'], 'personal');
        const expired = optBool(o.expired, `${key}.expired`, false);
        const needUser = () => {
            const u = reqString(o.user, `${key}.user`);
            if (!userNames.has(u))
                throw new ConfigError(`${key}.user`, `unknown user ${JSON.stringify(u)}`);
            return u;
        };
        const needProject = () => {
            const p = optInt(o.project, `${key}.project`, projects[0].id, 1);
            if (!projectIds.has(p))
                throw new ConfigError(`${key}.project`, `unknown project id ${p}`);
            return p;
        };
        const scopes = (allowed, dflt) => {
            const s = optStringList(o.scopes, `${key}.scopes`, dflt);
            s.forEach((x, i) => {
                if (!allowed.includes(x))
                    throw new ConfigError(`${key}.scopes[${i}]`, `unknown scope ${JSON.stringify(x)} (allowed: ${allowed.join(', ')})`);
            });
            return s;
        };
        if (type === 'personal') {
            onlyKeys(o, ['type', 'value', 'user', 'scopes', 'expired'], key);
            return { name, type, value: optString(o.value, `${key}.value`, `glpat-dev-${name}`), user: needUser(), scopes: scopes(PAT_SCOPES, ['api']), expired };
        }
        if (type === 'job') {
            onlyKeys(o, ['type', 'value', 'user', 'project', 'expired'], key);
            return { name, type, value: optString(o.value, `${key}.value`, `glcbt-dev-${name}`), user: needUser(), project: needProject(), expired };
        }
        onlyKeys(o, ['type', 'value', 'project', 'scopes', 'username', 'expired'], key);
        return {
            name, type,
            value: optString(o.value, `${key}.value`, `gldt-dev-${name}`),
            project: needProject(),
            scopes: scopes(DEPLOY_SCOPES, ['read_package_registry', 'write_package_registry']),
            username: optString(o.username, `${key}.username`, `gitlab+deploy-token-${name}`),
            expired,
        };
    });
    unique(tokens.map((t) => t.value), 'gitlab.tokens', 'value');
    return { version: optString(r.version, 'gitlab.version', '18.6.0'), users, projects, tokens };
}
function defaultMembers(users) {
    const m = {};
    for (const role of ['maintainer', 'developer', 'reporter', 'guest'])
        if (users.has(role))
            m[role] = role;
    return m;
}
function defaultTokens(users, project) {
    const t = {};
    for (const u of users)
        t[u.username] = { type: 'personal', value: `glpat-dev-${u.username}`, user: u.username, scopes: ['api'] };
    const trigger = users.find((u) => u.username === 'maintainer') ?? users[0];
    if (trigger)
        t.job = { type: 'job', value: 'glcbt-dev-job', user: trigger.username, project };
    t.deployRw = { type: 'deploy', value: 'gldt-dev-rw', project, scopes: ['read_package_registry', 'write_package_registry'] };
    t.deployRo = { type: 'deploy', value: 'gldt-dev-ro', project, scopes: ['read_package_registry'] };
    t.deployWo = { type: 'deploy', value: 'gldt-dev-wo', project, scopes: ['write_package_registry'] };
    return t;
}
function unique(values, key, field) {
    const seen = new Set();
    values.forEach((v, i) => {
        if (seen.has(v))
            throw new ConfigError(`${key}[${i}].${field}`, `duplicate ${field} ${JSON.stringify(v)}`);
        seen.add(v);
    });
}

;// CONCATENATED MODULE: ./src/server/gitlab/auth.ts

const API_RULES = { jobToken: false, deployToken: false, basic: false, jobBasic: false };
class GitlabAuth {
    #byValue = new Map();
    #users = new Map();
    constructor(cfg) {
        for (const t of cfg.tokens)
            this.#byValue.set(t.value, t);
        for (const u of cfg.users)
            this.#users.set(u.username, u);
    }
    authenticate(ctx, rules) {
        const h = ctx.req.headers;
        const pat = first(h['private-token']) ?? ctx.query.get('private_token') ?? undefined;
        if (pat !== undefined)
            return this.#pat(pat);
        if (rules.jobToken) {
            const job = first(h['job-token']) ?? ctx.query.get('job_token') ?? undefined;
            if (job !== undefined)
                return this.#job(job);
        }
        if (rules.deployToken) {
            const dt = first(h['deploy-token']);
            if (dt !== undefined)
                return this.#deploy(dt);
        }
        const authz = h.authorization;
        if (authz) {
            const [scheme, ...rest] = authz.trim().split(/\s+/);
            const cred = rest.join(' ');
            if (/^bearer$/i.test(scheme ?? ''))
                return this.#pat(cred);
            if (/^basic$/i.test(scheme ?? '') && rules.basic) {
                const decoded = Buffer.from(cred, 'base64').toString('utf8');
                const colon = decoded.indexOf(':');
                if (colon < 0)
                    return { ok: false, viaBasic: true };
                const user = decoded.slice(0, colon);
                const pass = decoded.slice(colon + 1);
                if (user === 'gitlab-ci-token') {
                    if (!rules.jobBasic)
                        return { ok: false, viaBasic: true };
                    const r = this.#job(pass);
                    return r.ok ? r : { ok: false, viaBasic: true };
                }
                // The username is ignored for PATs and deploy tokens (§1).
                const t = this.#byValue.get(pass);
                if (t && !t.expired && t.type === 'personal')
                    return this.#pat(pass);
                if (t && !t.expired && t.type === 'deploy' && rules.deployToken)
                    return this.#deploy(pass);
                return { ok: false, viaBasic: true };
            }
        }
        return { ok: true, principal: { kind: 'anonymous' } };
    }
    #pat(value) {
        const t = this.#byValue.get(value);
        if (!t || t.expired || t.type !== 'personal')
            return { ok: false, viaBasic: false };
        return { ok: true, principal: { kind: 'user', user: this.#users.get(t.user), scopes: t.scopes } };
    }
    #job(value) {
        const t = this.#byValue.get(value);
        if (!t || t.expired || t.type !== 'job')
            return { ok: false, viaBasic: false };
        return { ok: true, principal: { kind: 'job', user: this.#users.get(t.user), project: t.project } };
    }
    #deploy(value) {
        const t = this.#byValue.get(value);
        if (!t || t.expired || t.type !== 'deploy')
            return { ok: false, viaBasic: false };
        return { ok: true, principal: { kind: 'deploy', token: t } };
    }
}
function first(v) {
    return Array.isArray(v) ? v[0] : v;
}
/** Project policy for one principal (ProjectPolicy + deploy-token policy, simplified to roles). */
function projectAccess(p, project) {
    const publicish = project.visibility === 'public' || (project.visibility === 'internal' && p.kind !== 'anonymous');
    let level = 0;
    if (p.kind === 'user' || p.kind === 'job') {
        if (p.kind === 'user' && p.user.admin)
            level = ROLE_LEVEL.owner;
        const role = project.members[p.user.username];
        if (role)
            level = Math.max(level, ROLE_LEVEL[role]);
    }
    if (p.kind === 'deploy') {
        const own = p.token.project === project.id;
        const read = own && (p.token.scopes.includes('read_package_registry') || p.token.scopes.includes('write_package_registry'));
        const write = own && p.token.scopes.includes('write_package_registry');
        // SPEC: ro/wo/rw deploy tokens may all download; only write_package_registry uploads/deletes.
        return { visible: own || publicish, level: 0, readPackages: read || publicish, writePackages: write, destroyPackages: write, adminVariables: false };
    }
    const member = level > 0;
    return {
        visible: member || publicish,
        level,
        readPackages: member || publicish,
        writePackages: level >= ROLE_LEVEL.developer,
        destroyPackages: level >= ROLE_LEVEL.maintainer,
        adminVariables: level >= ROLE_LEVEL.maintainer,
    };
}
/** A PAT must carry `api` (or `read_api` for reads); job and deploy tokens have no PAT scopes. */
function missingScope(p, write) {
    if (p.kind !== 'user')
        return null;
    if (p.scopes.includes('api'))
        return null;
    if (!write && p.scopes.includes('read_api'))
        return null;
    return write ? ['api'] : ['api', 'read_api'];
}
/** Resolves `:id`: a numeric id or a URL-encoded full path (`demo%2Fapp`), case-insensitive. */
function findProject(cfg, rawId) {
    let id;
    try {
        id = decodeURIComponent(rawId);
    }
    catch {
        return undefined;
    }
    if (/^\d+$/.test(id))
        return cfg.projects.find((p) => p.id === Number(id));
    return cfg.projects.find((p) => p.path.toLowerCase() === id.toLowerCase());
}
function creatorId(p) {
    // creator_id is null when a job token or deploy token created the package (§3 "Fields").
    return p.kind === 'user' ? p.user.id : null;
}

;// CONCATENATED MODULE: ./src/server/send-blob.ts

async function sendBlob(ctx, blobs, blob, headers, opts) {
    // One open() per download (blobs are immutable, so the recorded size is the file's size):
    // no stat, and small bodies go out as one buffer instead of a stream.
    const fh = await blobs.openForRead(blob.key);
    if (!fh)
        return opts.notFound();
    let handedOff = false;
    try {
        const size = Number.isFinite(blob.size) && blob.size >= 0 ? blob.size : (await fh.stat()).size;
        const lastModified = new Date(Math.floor(blob.lastModified.getTime() / 1000) * 1000);
        const base = {
            'accept-ranges': 'bytes',
            'last-modified': lastModified.toUTCString(),
            ...headers,
        };
        const ims = ctx.req.headers['if-modified-since'];
        if (ims && !ctx.req.headers.range) {
            const t = Date.parse(ims);
            if (!Number.isNaN(t) && lastModified.getTime() <= t)
                return await sendEmpty(ctx, 304, base);
        }
        let range = parseRange(ctx.req.headers.range, size);
        const ifRange = ctx.req.headers['if-range'];
        if (range && ifRange) {
            const t = Date.parse(ifRange);
            if (Number.isNaN(t) || t !== lastModified.getTime())
                range = null; // entity changed or ETag form: full body
        }
        if (range === 'unsatisfiable') {
            return await writeBody(ctx, 416, { ...base, 'content-range': `bytes */${size}`, 'content-type': 'text/plain; charset=utf-8' }, Buffer.from('invalid range: failed to overlap\n'));
        }
        const start = range ? range.start : 0;
        const end = range ? range.end : size - 1;
        const length = Math.max(0, end - start + 1);
        const status = range ? 206 : 200;
        const all = range ? { ...base, 'content-range': `bytes ${start}-${end}/${size}` } : base;
        if (ctx.method === 'HEAD' || length <= SMALL_BODY) {
            const buf = Buffer.allocUnsafe(ctx.method === 'HEAD' ? 0 : length);
            let got = 0;
            while (got < buf.length) {
                const { bytesRead } = await fh.read(buf, got, buf.length - got, start + got);
                if (bytesRead === 0)
                    break;
                got += bytesRead;
            }
            if (ctx.method === 'HEAD')
                return await writeBody(ctx, status, { ...all, 'content-length': String(length) }, { length, open: () => { throw new Error('HEAD has no body'); } });
            return await writeBody(ctx, status, all, buf.subarray(0, got));
        }
        return await writeBody(ctx, status, all, {
            length,
            open: () => {
                handedOff = true;
                return blobs.readHandle(fh, start, end);
            },
        });
    }
    finally {
        if (!handedOff)
            await fh.close().catch(() => { });
    }
}
/** Bodies up to this size are read in one call and sent as one buffer. */
const SMALL_BODY = 256 * 1024;
/** null = no usable Range (serve everything). */
function parseRange(header, size) {
    if (!header)
        return null;
    const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header.trim());
    if (!m)
        return null; // multi-range or another unit
    const [, a, b] = m;
    if (a === '' && b === '')
        return null;
    let start;
    let end;
    if (a === '') {
        const n = Number(b);
        if (n === 0)
            return 'unsatisfiable';
        start = Math.max(0, size - n);
        end = size - 1;
    }
    else {
        start = Number(a);
        end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
        if (b !== '' && Number(b) < start)
            return null;
    }
    if (start >= size || size === 0)
        return 'unsatisfiable';
    return { start, end };
}
/** `attachment; filename="f"; filename*=UTF-8''f` as Rails' send_data builds it (gitlab-api.md §2). */
function attachmentDisposition(filename) {
    const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '\\$&');
    return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(filename)}`;
}
function encodeRfc5987(s) {
    return encodeURIComponent(s).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

;// CONCATENATED MODULE: ./src/server/gitlab/context.ts
function nowIso() {
    return new Date().toISOString();
}

;// CONCATENATED MODULE: ./src/server/gitlab/errors.ts
// Error bodies in GitLab's shapes (gitlab-api.md §5 "Error body shapes"):
// helpers → {"message":"400 Bad request - …"} / "403 Forbidden" / "404 <Thing> Not Found";
// Grape parameter errors → {"error":"…"}.

/** basic_auth_helpers.rb: generic package routes add the challenge. */
const PACKAGES_REALM = 'Basic realm="GitLab Packages Registry"';
function unauthorized(ctx, opts = {}) {
    return sendJson(ctx, 401, { message: '401 Unauthorized' }, opts.realm ? { 'www-authenticate': PACKAGES_REALM } : {});
}
function forbidden(ctx, reason) {
    return sendJson(ctx, 403, { message: reason ? `403 Forbidden - ${reason}` : '403 Forbidden' });
}
function insufficientScope(ctx, scopes) {
    return sendJson(ctx, 403, {
        error: 'insufficient_scope',
        error_description: 'The request requires higher privileges than provided by the access token.',
        scope: scopes.join(' '),
    }, { 'www-authenticate': `Bearer realm="", error="insufficient_scope", error_description="The request requires higher privileges than provided by the access token.", scope="${scopes.join(' ')}"` });
}
/** `what` = 'Project', 'Package', 'Variable'…; omitted → ActiveRecord's "404 Not found". */
function notFound(ctx, what) {
    return sendJson(ctx, 404, { message: what ? `404 ${what} Not Found` : '404 Not found' });
}
function badRequest(ctx, reason) {
    return sendJson(ctx, 400, { message: `400 Bad request - ${reason}` });
}
/** Grape validation failure. */
function paramError(ctx, message) {
    return sendJson(ctx, 400, { error: message });
}
/** ActiveRecord validation failure: {"message":{"attr":["…"]}}. */
function validationError(ctx, errors) {
    return sendJson(ctx, 400, { message: errors });
}

;// CONCATENATED MODULE: ./src/server/gitlab/pagination.ts
function pageParams(q) {
    const page = intParam(q.get('page'), 1);
    if (page === null)
        return { error: 'page is invalid' };
    const perPage = intParam(q.get('per_page'), 20);
    if (perPage === null)
        return { error: 'per_page is invalid' };
    return { page: Math.max(1, page), perPage: perPage < 1 ? 20 : Math.min(100, perPage) };
}
function intParam(v, dflt) {
    if (v === null || v === '')
        return dflt;
    if (!/^-?\d+$/.test(v.trim()))
        return null;
    return Number(v);
}
function paginate(ctx, all, p) {
    const total = all.length;
    const totalPages = Math.max(1, Math.ceil(total / p.perPage));
    const items = all.slice((p.page - 1) * p.perPage, p.page * p.perPage);
    const next = p.page < totalPages ? p.page + 1 : null;
    const prev = p.page > 1 ? Math.min(p.page - 1, totalPages) : null;
    const showTotals = total <= 10_000;
    const link = (page) => {
        const q = new URLSearchParams(ctx.query);
        q.set('page', String(page));
        q.set('per_page', String(p.perPage));
        return `<${ctx.origin}${ctx.rawPath}?${q.toString()}>`;
    };
    const links = [];
    if (prev)
        links.push(`${link(prev)}; rel="prev"`);
    if (next)
        links.push(`${link(next)}; rel="next"`);
    links.push(`${link(1)}; rel="first"`);
    if (showTotals)
        links.push(`${link(totalPages)}; rel="last"`);
    const headers = {
        'x-page': String(p.page),
        'x-per-page': String(p.perPage),
        'x-next-page': next ? String(next) : '',
        'x-prev-page': prev ? String(prev) : '',
        link: links.join(', '),
    };
    if (showTotals) {
        headers['x-total'] = String(total);
        headers['x-total-pages'] = String(totalPages);
    }
    return { items, headers };
}

// EXTERNAL MODULE: ./src/registry/gitlab-names.ts
var gitlab_names = __webpack_require__(9437);
;// CONCATENATED MODULE: ./src/server/gitlab/regex.ts
// Validation copied from GitLab (gitlab-api.md §1 "Validation regexes", §4 "Validation rules").
// The name, version and file-name rules are the ones relpack's client checks before sending: one
// definition (src/registry/gitlab-names.ts) serves both, and the conformance tests pin it.

/**
 * Gitlab::PathTraversal.check_path_traversal! (the `file_path: true` Grape validator): `.`/`..`
 * alone, or `..` as a path component, or a newline. Applied to the decoded value, so
 * `%2e%2e%2f` in the URL is caught too.
 */
function isTraversal(decoded) {
    return /(^\.{1,2}$|^\.\.[/\\]|[/\\]\.\.$|[/\\]\.\.[/\\]|\n)/.test(decoded);
}
/** Absolute paths are rejected by the same validator. */
function isAbsolutePath(decoded) {
    return decoded.startsWith('/') || decoded.startsWith('\\') || /^[A-Za-z]:[/\\]/.test(decoded);
}
/**
 * URI.encode_uri_component as used for path files (§1): everything but `A-Za-z0-9*._-` is
 * percent-encoded (UTF-8, upper-case hex), so `dir/sub/f.txt` → `dir%2Fsub%2Ff.txt` and
 * `~ + @ space` → `%7E %2B %40 %20`.
 */
function encodeUriComponentGitlab(s) {
    let out = '';
    for (const byte of Buffer.from(s, 'utf8')) {
        const c = String.fromCharCode(byte);
        out += /[A-Za-z0-9*._-]/.test(c) ? c : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
    }
    return out;
}
/** Decodes one URL segment the way Rack/Grape do; null when the escape is malformed. */
function decodeSegment(raw) {
    try {
        return decodeURIComponent(raw);
    }
    catch {
        return null;
    }
}
/** Ci::HasVariable key rule. */
const VARIABLE_KEY = /^[a-zA-Z0-9_]+$/;
/** Ci::Maskable: raw=false → Base64 alphabet plus `@ : . ~ -`, ≥ 8 chars; raw=true → ≥ 8 non-space. */
const MASKABLE = /^[a-zA-Z0-9_+=/@:.~-]{8,}$/;
const MASKABLE_RAW = /^\S{8,}$/;

;// CONCATENATED MODULE: ./src/server/gitlab/store.ts
/** Packages::Package statuses (gitlab-api.md §3). */
const PACKAGE_STATUSES = ['default', 'hidden', 'processing', 'error', 'pending_destruction', 'deprecated'];
/** `installable`: what generic download may serve (§2 "Lookup"). */
const INSTALLABLE = ['default', 'hidden', 'deprecated'];
/** `displayable`: what GET by id, package_files and DELETE see (§3). */
const DISPLAYABLE = ['default', 'deprecated', 'error'];
/** Listed when no `status` filter is given (§3 "Filters"). */
const LISTED_BY_DEFAULT = ['default', 'error', 'deprecated'];
class GitlabStore {
    packages = new Map();
    files = new Map();
    #filesByPackage = new Map();
    #variables = new Map();
    #nextPackageId = 1;
    #nextFileId = 1;
    allocPackageId() {
        return this.#nextPackageId++;
    }
    allocFileId() {
        return this.#nextFileId++;
    }
    apply(r) {
        switch (r.op) {
            case 'package.create':
                this.packages.set(r.row.id, { ...r.row });
                this.#nextPackageId = Math.max(this.#nextPackageId, r.row.id + 1);
                break;
            case 'package.update': {
                const p = this.packages.get(r.id);
                if (!p)
                    break;
                if (r.status)
                    p.status = r.status;
                if (r.lastDownloadedAt)
                    p.lastDownloadedAt = r.lastDownloadedAt;
                if (r.updatedAt)
                    p.updatedAt = r.updatedAt;
                break;
            }
            case 'file.create': {
                const f = { ...r.row };
                this.files.set(f.id, f);
                const list = this.#filesByPackage.get(f.packageId) ?? [];
                list.push(f);
                this.#filesByPackage.set(f.packageId, list);
                this.#nextFileId = Math.max(this.#nextFileId, f.id + 1);
                break;
            }
            case 'file.update': {
                const f = this.files.get(r.id);
                if (f)
                    f.status = r.status;
                break;
            }
            case 'variable.put': {
                const list = (this.#variables.get(r.row.projectId) ?? []).filter((v) => !(v.key === r.row.key && v.environment_scope === (r.previousScope ?? r.row.environment_scope)));
                list.push({ ...r.row });
                this.#variables.set(r.row.projectId, list);
                break;
            }
            case 'variable.delete': {
                const list = this.#variables.get(r.projectId) ?? [];
                this.#variables.set(r.projectId, list.filter((v) => !(v.key === r.key && v.environment_scope === r.scope)));
                break;
            }
        }
    }
    snapshot() {
        const out = [];
        for (const p of this.packages.values())
            out.push({ op: 'package.create', row: { ...p } });
        for (const f of this.files.values()) {
            // Files of deleted packages/files keep their rows (ids are never reused) but lose their blobs.
            out.push({ op: 'file.create', row: { ...f } });
        }
        for (const list of this.#variables.values())
            for (const v of list)
                out.push({ op: 'variable.put', row: { ...v } });
        return out;
    }
    liveBlobs() {
        const s = new Set();
        for (const f of this.files.values()) {
            const p = this.packages.get(f.packageId);
            if (f.status === 'default' && p && p.status !== 'pending_destruction')
                s.add(f.blob);
        }
        return s;
    }
    projectPackages(projectId) {
        const out = [];
        for (const p of this.packages.values())
            if (p.projectId === projectId)
                out.push(p);
        return out;
    }
    /** Live (not pending destruction) files of a package, in id order. */
    packageFiles(packageId) {
        return (this.#filesByPackage.get(packageId) ?? []).filter((f) => f.status === 'default');
    }
    /** Packages::Generic::PackageFinder: exact, case-sensitive name + version over installable packages. */
    findGeneric(projectId, name, version) {
        let found;
        for (const p of this.packages.values()) {
            if (p.projectId === projectId && p.name === name && p.version === version && INSTALLABLE.includes(p.status)) {
                if (!found || p.id > found.id)
                    found = p;
            }
        }
        return found;
    }
    /** The package an upload appends to: same name+version and not pending destruction (§1 "Duplicates"). */
    findForUpload(projectId, name, version) {
        let found;
        for (const p of this.packages.values()) {
            if (p.projectId === projectId && p.name === name && p.version === version && p.status !== 'pending_destruction') {
                if (!found || p.id > found.id)
                    found = p;
            }
        }
        return found;
    }
    variables(projectId) {
        return this.#variables.get(projectId) ?? [];
    }
}
function asRecord(r) {
    return r;
}

;// CONCATENATED MODULE: ./src/server/gitlab/packages.ts









const API = '/api/v4/projects/:id';
function registerPackageRoutes(router, g) {
    router.add({ id: 'gitlab.upload', method: 'PUT', pattern: `${API}/packages/generic/:name/*rest`, handler: (c) => upload(g, c) });
    router.add({ id: 'gitlab.download', method: 'GET', pattern: `${API}/packages/generic/:name/*rest`, handler: (c) => download(g, c) });
    router.add({ id: 'gitlab.packages.list', method: 'GET', pattern: `${API}/packages`, handler: (c) => listPackages(g, c) });
    router.add({ id: 'gitlab.packages.get', method: 'GET', pattern: `${API}/packages/:package_id`, handler: (c) => getPackage(g, c) });
    router.add({ id: 'gitlab.packages.delete', method: 'DELETE', pattern: `${API}/packages/:package_id`, handler: (c) => deletePackage(g, c) });
    router.add({ id: 'gitlab.package_files.list', method: 'GET', pattern: `${API}/packages/:package_id/package_files`, handler: (c) => listFiles(g, c) });
    router.add({ id: 'gitlab.package_files.delete', method: 'DELETE', pattern: `${API}/packages/:package_id/package_files/:file_id`, handler: (c) => deleteFile(g, c) });
    router.add({ id: 'gitlab.package_files.download', method: 'GET', pattern: `${API}/packages/:package_id/package_files/:file_id/download`, handler: (c) => downloadById(g, c) });
}
const GENERIC_PUT = { jobToken: true, deployToken: true, basic: true, jobBasic: false };
const GENERIC_GET = { jobToken: true, deployToken: true, basic: true, jobBasic: true };
const PACKAGES_API = { jobToken: true, deployToken: true, basic: false, jobBasic: false };
/**
 * Splits `:package_name/*package_version/(*path/):file_name` (§1 "Route and path segments"):
 * the version is the first segment after the name, the last is the file name, anything between
 * is the sub-path. Validates in Grape's declaration order and joins every error like Grape does.
 */
function parseGenericPath(ctx) {
    const rest = ctx.rest;
    if (rest.length < 2 || rest[rest.length - 1] === '')
        return 'no-route';
    const errors = [];
    const name = decodeSegment(ctx.params.name);
    const version = decodeSegment(rest[0]);
    const pathSegs = rest.slice(1, -1).map(decodeSegment);
    const fileName = decodeSegment(rest[rest.length - 1]);
    if (name === null || !gitlab_names/* GITLAB_PACKAGE_NAME */.h.test(name))
        errors.push('package_name is invalid');
    else if (isTraversal(name))
        errors.push('package_name should be a valid file path');
    if (version === null || !gitlab_names/* GITLAB_VERSION */.Fo.test(version))
        errors.push('package_version is invalid');
    else if (isTraversal(version))
        errors.push('package_version should be a valid file path');
    let path = null;
    if (pathSegs.length) {
        if (pathSegs.some((s) => s === null || s === ''))
            errors.push('path should be a valid file path');
        else {
            path = pathSegs.join('/');
            if (isTraversal(path) || isAbsolutePath(path))
                errors.push('path should be a valid file path');
        }
    }
    // %2F in the last segment decodes to `/`, which the file-name regex rejects (§1, edge 4).
    if (fileName === null || !gitlab_names/* GITLAB_FILE_NAME */.xI.test(fileName))
        errors.push('file_name is invalid');
    else if (isTraversal(fileName))
        errors.push('file_name should be a valid file path');
    if (errors.length)
        return { error: errors.join(', ') };
    return { name: name, version: version, storedName: path ? encodeUriComponentGitlab(`${path}/${fileName}`) : fileName };
}
/** Looks up `:id` and checks visibility; answers 404 itself and returns null on failure. */
async function projectFor(g, ctx, p) {
    const project = findProject(g.cfg, ctx.params.id);
    if (!project || !projectAccess(p, project).visible) {
        await notFound(ctx, 'Project');
        return null;
    }
    return project;
}
// ---------------------------------------------------------------- upload (§1)
async function upload(g, ctx) {
    const a = g.auth.authenticate(ctx, GENERIC_PUT);
    if (!a.ok || a.principal.kind === 'anonymous')
        return unauthorized(ctx, { realm: true });
    const principal = a.principal;
    const parsed = parseGenericPath(ctx);
    if (parsed === 'no-route')
        return routeNotFound(ctx);
    const errors = 'error' in parsed ? [parsed.error] : [];
    const status = ctx.query.get('status');
    if (status !== null && status !== 'default' && status !== 'hidden')
        errors.push('status does not have a valid value');
    const select = ctx.query.get('select');
    if (select !== null && select !== 'package_file')
        errors.push('select does not have a valid value');
    if (errors.length)
        return paramError(ctx, errors.join(', '));
    const { name, version, storedName } = parsed;
    const project = await projectFor(g, ctx, principal);
    if (!project)
        return;
    const scope = missingScope(principal, true);
    if (scope)
        return insufficientScope(ctx, scope);
    if (!projectAccess(principal, project).writePackages)
        return forbidden(ctx);
    // The body is read whole before size and duplicates are checked: Workhorse stores it first and
    // Rails decides afterwards (§1 "Size limit", "Duplicates").
    let staged;
    try {
        staged = await g.env.blobs.stage(bodyChunks(ctx), { hashes: ['sha256'], maxBytes: project.maxFileSize });
    }
    catch (e) {
        if (e instanceof BodyAbortedError) {
            if (!ctx.hijacked)
                ctx.req.socket.destroy();
            return;
        }
        throw e;
    }
    if (staged.tooLarge) {
        await g.env.blobs.discard(staged);
        return badRequest(ctx, 'File is too large');
    }
    const dupKey = `${project.id}\0${name}\0${version}\0${storedName}`;
    const existing = g.store.findForUpload(project.id, name, version);
    if (!duplicateAllowed(project, name, version)) {
        const taken = g.pendingFiles.has(dupKey) || (existing && g.store.packageFiles(existing.id).some((f) => f.fileName === storedName));
        if (taken) {
            await g.env.blobs.discard(staged);
            return badRequest(ctx, 'Duplicate package is not allowed');
        }
    }
    g.pendingFiles.add(dupKey);
    let fileRow;
    let pkg;
    try {
        const blob = await g.env.blobs.commit(staged);
        const now = nowIso();
        // Re-resolve after the await: a concurrent first upload may have created the package meanwhile.
        const found = g.store.findForUpload(project.id, name, version);
        const writes = [];
        if (found) {
            pkg = found;
            if (status && pkg.status !== status)
                writes.push(g.applyThenCommit({ op: 'package.update', id: pkg.id, status: status, updatedAt: now }));
        }
        else {
            pkg = {
                id: g.store.allocPackageId(), projectId: project.id, name, version,
                status: status ?? 'default',
                createdAt: now, updatedAt: now, lastDownloadedAt: null, creatorId: creatorId(principal),
            };
            writes.push(g.applyThenCommit({ op: 'package.create', row: pkg }));
            pkg = g.store.packages.get(pkg.id);
        }
        fileRow = {
            id: g.store.allocFileId(), packageId: pkg.id, fileName: storedName, size: staged.size,
            sha256: staged.digests.sha256, blob, createdAt: now, status: 'default',
        };
        writes.push(g.commit({ op: 'file.create', row: fileRow }));
        await Promise.all(writes);
    }
    finally {
        g.pendingFiles.delete(dupKey);
    }
    if (dropAfterCommit(ctx))
        return;
    if (select === 'package_file')
        return sendJson(ctx, 200, packageFileRecord(fileRow, project));
    return sendJson(ctx, 201, { message: '201 Created' });
}
/** generic_duplicates_allowed × generic_duplicate_exception_regex, newest SPEC semantics (§1). */
function duplicateAllowed(project, name, version) {
    const re = project.duplicateExceptionRegex;
    const matches = re !== '' && (new RegExp(re).test(name) || new RegExp(re).test(version));
    return project.duplicatesAllowed ? !matches : matches;
}
/** The raw Packages::PackageFile record `select=package_file` returns (§1 "Responses"). */
function packageFileRecord(f, project) {
    return {
        id: f.id,
        package_id: f.packageId,
        created_at: f.createdAt,
        updated_at: f.createdAt,
        size: f.size,
        file_store: 1,
        file_md5: null,
        file_sha1: null,
        file_name: f.fileName,
        file: { url: `/${f.blob}` },
        file_sha256: f.sha256,
        verification_retry_at: null,
        verified_at: null,
        verification_failure: null,
        verification_retry_count: null,
        verification_checksum: null,
        verification_state: 0,
        verification_started_at: null,
        new_file_path: null,
        status: 'default',
        file_final_path: null,
        project_id: project.id,
    };
}
// ---------------------------------------------------------------- download (§2)
async function download(g, ctx) {
    const parsed = parseGenericPath(ctx);
    if (parsed === 'no-route')
        return routeNotFound(ctx);
    let a = g.auth.authenticate(ctx, GENERIC_GET);
    if (!a.ok) {
        // Invalid Basic on a public project is anonymous (§2 "Auth"); invalid headers are 401.
        const project = findProject(g.cfg, ctx.params.id);
        if (a.viaBasic && project?.visibility === 'public')
            a = { ok: true, principal: { kind: 'anonymous' } };
        else
            return unauthorized(ctx, { realm: true });
    }
    const principal = a.principal;
    if ('error' in parsed)
        return paramError(ctx, parsed.error);
    const project = findProject(g.cfg, ctx.params.id);
    if (principal.kind === 'anonymous' && (!project || !projectAccess(principal, project).visible)) {
        return unauthorized(ctx, { realm: true });
    }
    if (!project || !projectAccess(principal, project).visible)
        return notFound(ctx, 'Project');
    const scope = missingScope(principal, false);
    if (scope)
        return insufficientScope(ctx, scope);
    if (!projectAccess(principal, project).readPackages)
        return forbidden(ctx);
    const pkg = g.store.findGeneric(project.id, parsed.name, parsed.version);
    // PackageFileFinder: installable files with this name, `.last!` = highest id (§2 "Lookup").
    const file = pkg && g.store.packageFiles(pkg.id).filter((f) => f.fileName === parsed.storedName).pop();
    if (!pkg || !file)
        return notFound(ctx);
    touchDownload(g, pkg);
    const disposition = attachmentDisposition(file.fileName);
    if (g.env.objectStorage)
        return redirectToStorage(g, ctx, file, disposition);
    return sendBlob(ctx, g.env.blobs, { key: file.blob, size: file.size, lastModified: new Date(file.createdAt) }, {
        'content-type': 'application/octet-stream',
        'content-disposition': disposition,
        'content-transfer-encoding': 'binary',
        // Newest servers only (§1 "Checksums"); never on a redirect.
        'x-checksum-sha256': file.sha256,
    }, { notFound: () => notFound(ctx) });
}
/** Direct download from object storage: 302 to a presigned URL, no checksum header (§2, edge 9/10). */
function redirectToStorage(g, ctx, file, disposition) {
    const location = g.env.objectStorage.presign(file.blob, {
        size: file.size,
        lastModified: new Date(file.createdAt),
        contentType: 'application/octet-stream',
        clientOrigin: ctx.origin,
        ...(disposition ? { contentDisposition: disposition } : {}),
    });
    return sendEmpty(ctx, 302, { location, 'cache-control': 'no-cache', 'content-type': 'text/html; charset=utf-8' });
}
function touchDownload(g, pkg) {
    // last_downloaded_at (SPEC): visible at once, journaled lazily (coalesced, no fsync of its own)
    // so a burst of downloads never queues behind metadata fsyncs.
    g.touchDownloaded(pkg.id, nowIso());
}
/** GET …/packages/:package_id/package_files/:package_file_id/download (18.4, §2). */
async function downloadById(g, ctx) {
    const r = await packagesApiAccess(g, ctx, 'read');
    if (!r)
        return;
    const pkg = numericLookup(ctx.params.package_id, (id) => g.store.packages.get(id));
    if (!pkg || pkg.projectId !== r.project.id || !INSTALLABLE.includes(pkg.status))
        return notFound(ctx, 'Package');
    const file = numericLookup(ctx.params.file_id, (id) => g.store.files.get(id));
    if (!file || file.packageId !== pkg.id || file.status !== 'default')
        return notFound(ctx, 'Package file');
    touchDownload(g, pkg);
    if (g.env.objectStorage)
        return redirectToStorage(g, ctx, file);
    return sendBlob(ctx, g.env.blobs, { key: file.blob, size: file.size, lastModified: new Date(file.createdAt) }, {
        'content-type': 'application/octet-stream',
        'content-transfer-encoding': 'binary',
    }, { notFound: () => notFound(ctx) });
}
// ---------------------------------------------------------------- Packages API (§3)
async function packagesApiAccess(g, ctx, need) {
    const a = g.auth.authenticate(ctx, PACKAGES_API);
    if (!a.ok) {
        await unauthorized(ctx);
        return null;
    }
    const project = await projectFor(g, ctx, a.principal);
    if (!project)
        return null;
    const scope = missingScope(a.principal, need === 'destroy');
    if (scope) {
        await insufficientScope(ctx, scope);
        return null;
    }
    const acc = projectAccess(a.principal, project);
    if (need === 'read' ? !acc.readPackages : !acc.destroyPackages) {
        await forbidden(ctx);
        return null;
    }
    return { project, principal: a.principal };
}
const PACKAGE_TYPES = ['maven', 'npm', 'conan', 'nuget', 'pypi', 'composer', 'generic', 'golang', 'debian', 'rubygems', 'helm', 'terraform_module', 'rpm', 'ml_model', 'cargo'];
async function listPackages(g, ctx) {
    const r = await packagesApiAccess(g, ctx, 'read');
    if (!r)
        return;
    const q = ctx.query;
    const errors = [];
    const page = pageParams(q);
    if ('error' in page)
        errors.push(page.error);
    const orderBy = q.get('order_by') ?? 'created_at';
    if (!['created_at', 'name', 'version', 'type'].includes(orderBy))
        errors.push('order_by does not have a valid value');
    const sort = q.get('sort') ?? 'asc';
    if (!['asc', 'desc'].includes(sort))
        errors.push('sort does not have a valid value');
    const type = q.get('package_type');
    if (type !== null && !PACKAGE_TYPES.includes(type))
        errors.push('package_type does not have a valid value');
    const status = q.get('status');
    if (status !== null && !PACKAGE_STATUSES.includes(status))
        errors.push('status does not have a valid value');
    if (errors.length || 'error' in page)
        return paramError(ctx, errors.join(', '));
    const nameQ = q.get('package_name')?.toLowerCase();
    const versionQ = q.get('package_version');
    let rows = g.store.projectPackages(r.project.id).filter((p) => {
        if (status !== null ? p.status !== status : !LISTED_BY_DEFAULT.includes(p.status))
            return false;
        if (type !== null && type !== 'generic')
            return false;
        if (nameQ && !p.name.toLowerCase().includes(nameQ))
            return false; // fuzzy, case-insensitive
        if (versionQ !== null && versionQ !== undefined && p.version !== versionQ)
            return false;
        return true;
    });
    const key = orderBy === 'name' ? (p) => p.name : orderBy === 'version' ? (p) => p.version : orderBy === 'type' ? () => 'generic' : (p) => p.createdAt;
    rows = rows.sort((a, b) => cmp(key(a), key(b)) || a.id - b.id);
    if (sort === 'desc')
        rows.reverse();
    const out = paginate(ctx, rows, page);
    const canDelete = projectAccess(r.principal, r.project).destroyPackages;
    return sendJson(ctx, 200, out.items.map((p) => packageEntity(ctx, r.project, p, canDelete)), out.headers);
}
async function getPackage(g, ctx) {
    const r = await packagesApiAccess(g, ctx, 'read');
    if (!r)
        return;
    // Single GET shows default/deprecated only (§3 "GET /projects/:id/packages/:package_id").
    const pkg = displayablePackage(g, ctx, r.project);
    if (!pkg || (pkg.status !== 'default' && pkg.status !== 'deprecated'))
        return notFound(ctx, 'Package');
    const canDelete = projectAccess(r.principal, r.project).destroyPackages;
    const versions = g.store
        .projectPackages(r.project.id)
        .filter((p) => p.name === pkg.name && p.id !== pkg.id && DISPLAYABLE.includes(p.status))
        .sort((a, b) => a.id - b.id)
        .map((p) => ({ id: p.id, version: p.version, created_at: p.createdAt, tags: [] }));
    return sendJson(ctx, 200, { ...packageEntity(ctx, r.project, pkg, canDelete), versions });
}
async function deletePackage(g, ctx) {
    // authorize_destroy_package! runs before the package is looked up: 403 wins over 404.
    const r = await packagesApiAccess(g, ctx, 'destroy');
    if (!r)
        return;
    const pkg = displayablePackage(g, ctx, r.project);
    if (!pkg)
        return notFound(ctx, 'Package');
    // destroy_conditionally!: If-Unmodified-Since older than the package's last change → 412.
    const ius = ctx.req.headers['if-unmodified-since'];
    if (ius && !Number.isNaN(Date.parse(ius)) && Date.parse(pkg.updatedAt) > Date.parse(ius) + 999) {
        return sendJson(ctx, 412, { message: '412 Precondition Failed' });
    }
    await g.commit({ op: 'package.update', id: pkg.id, status: 'pending_destruction', updatedAt: nowIso() });
    // "Removed asynchronously": the row stays pending_destruction, the bytes go now.
    for (const f of g.store.packageFiles(pkg.id))
        void g.env.blobs.remove(f.blob);
    return sendEmpty(ctx, 204);
}
async function listFiles(g, ctx) {
    const r = await packagesApiAccess(g, ctx, 'read');
    if (!r)
        return;
    const q = ctx.query;
    const errors = [];
    const page = pageParams(q);
    if ('error' in page)
        errors.push(page.error);
    const orderBy = q.get('order_by') ?? 'id';
    if (!['id', 'created_at', 'file_name'].includes(orderBy))
        errors.push('order_by does not have a valid value');
    const sort = q.get('sort') ?? 'asc';
    if (!['asc', 'desc'].includes(sort))
        errors.push('sort does not have a valid value');
    if (errors.length || 'error' in page)
        return paramError(ctx, errors.join(', '));
    const pkg = displayablePackage(g, ctx, r.project);
    if (!pkg)
        return notFound(ctx, 'Package');
    const key = orderBy === 'file_name' ? (f) => f.fileName : orderBy === 'created_at' ? (f) => f.createdAt : (f) => f.id;
    const files = [...g.store.packageFiles(pkg.id)].sort((a, b) => cmp(key(a), key(b)) || a.id - b.id);
    if (sort === 'desc')
        files.reverse();
    const out = paginate(ctx, files, page);
    return sendJson(ctx, 200, out.items.map(packageFileEntity), out.headers);
}
async function deleteFile(g, ctx) {
    const r = await packagesApiAccess(g, ctx, 'destroy');
    if (!r)
        return;
    const pkg = displayablePackage(g, ctx, r.project);
    if (!pkg)
        return notFound(ctx, 'Package');
    const file = numericLookup(ctx.params.file_id, (id) => g.store.files.get(id));
    if (!file || file.packageId !== pkg.id || file.status !== 'default')
        return notFound(ctx, 'Package file');
    await g.commit({ op: 'file.update', id: file.id, status: 'pending_destruction' });
    void g.env.blobs.remove(file.blob);
    return sendEmpty(ctx, 204);
}
function displayablePackage(g, ctx, project) {
    const pkg = numericLookup(ctx.params.package_id, (id) => g.store.packages.get(id));
    if (!pkg || pkg.projectId !== project.id || !DISPLAYABLE.includes(pkg.status))
        return undefined;
    return pkg;
}
function numericLookup(raw, get) {
    return /^\d+$/.test(raw) ? get(Number(raw)) : undefined;
}
/** API::Entities::Package, newest (§3 "Fields"). */
function packageEntity(ctx, project, p, canDelete) {
    const links = {};
    if (p.status === 'default' || p.status === 'deprecated')
        links.web_path = `/${project.path}/-/packages/${p.id}`;
    if (canDelete)
        links.delete_api_path = `${ctx.origin}/api/v4/projects/${project.id}/packages/${p.id}`;
    return {
        id: p.id,
        name: p.name,
        version: p.version,
        package_type: 'generic',
        status: p.status,
        _links: links,
        created_at: p.createdAt,
        last_downloaded_at: p.lastDownloadedAt,
        creator_id: p.creatorId,
        tags: [],
    };
}
/** API::Entities::PackageFile (§3): file_name in stored (encoded) form, md5/sha1 null for generic. */
function packageFileEntity(f) {
    return {
        id: f.id,
        package_id: f.packageId,
        created_at: f.createdAt,
        file_name: f.fileName,
        size: f.size,
        file_md5: null,
        file_sha1: null,
        file_sha256: f.sha256,
    };
}
function cmp(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
/** Grape's catch-all for paths no route matches (edge 20). */
function routeNotFound(ctx, headers = {}) {
    return sendJson(ctx, 404, { error: '404 Not Found' }, headers);
}

;// CONCATENATED MODULE: ./src/server/gitlab/project.ts
// GET /api/v4/projects/:id and GET /api/v4/version: clients probe these before publishing.



function registerProjectRoutes(router, g) {
    router.add({ id: 'gitlab.version', method: 'GET', pattern: '/api/v4/version', handler: (c) => version(g, c) });
    router.add({ id: 'gitlab.project', method: 'GET', pattern: '/api/v4/projects/:id', handler: (c) => project(g, c) });
}
async function version(g, ctx) {
    const a = g.auth.authenticate(ctx, API_RULES);
    if (!a.ok || a.principal.kind === 'anonymous')
        return unauthorized(ctx);
    const scope = missingScope(a.principal, false);
    if (scope)
        return insufficientScope(ctx, scope);
    return sendJson(ctx, 200, {
        version: g.cfg.version,
        revision: 'relpack',
        kas: { enabled: false, externalUrl: null, externalK8sProxyUrl: null, version: null },
        enterprise: false,
    });
}
async function project(g, ctx) {
    // Job tokens may read their own project (ci_job_token.md lists a few GET endpoints).
    const a = g.auth.authenticate(ctx, { ...API_RULES, jobToken: true });
    if (!a.ok)
        return unauthorized(ctx);
    const p = findProject(g.cfg, ctx.params.id);
    if (!p || !projectAccess(a.principal, p).visible)
        return notFound(ctx, 'Project');
    const [ns, ...rest] = p.path.split('/');
    const name = rest[rest.length - 1];
    const nsPath = p.path.slice(0, p.path.lastIndexOf('/'));
    return sendJson(ctx, 200, {
        id: p.id,
        description: null,
        name,
        name_with_namespace: p.path.split('/').join(' / '),
        path: name,
        path_with_namespace: p.path,
        created_at: '2026-01-01T00:00:00.000Z',
        default_branch: 'main',
        visibility: p.visibility,
        web_url: `${ctx.origin}/${p.path}`,
        http_url_to_repo: `${ctx.origin}/${p.path}.git`,
        namespace: { id: 1, name: ns, path: ns, kind: 'group', full_path: nsPath },
        packages_enabled: true,
        package_registry_access_level: p.visibility === 'private' ? 'private' : 'enabled',
        _links: { self: `${ctx.origin}/api/v4/projects/${p.id}` },
    });
}

;// CONCATENATED MODULE: ./src/server/gitlab/variables.ts
// Project CI/CD variables API (gitlab-api.md §4, edge case 19).






const BASE = '/api/v4/projects/:id/variables';
function registerVariableRoutes(router, g) {
    router.add({ id: 'gitlab.variables.list', method: 'GET', pattern: BASE, handler: (c) => list(g, c) });
    router.add({ id: 'gitlab.variables.create', method: 'POST', pattern: BASE, handler: (c) => create(g, c) });
    router.add({ id: 'gitlab.variables.get', method: 'GET', pattern: `${BASE}/:key`, handler: (c) => get(g, c) });
    router.add({ id: 'gitlab.variables.update', method: 'PUT', pattern: `${BASE}/:key`, handler: (c) => update(g, c) });
    router.add({ id: 'gitlab.variables.delete', method: 'DELETE', pattern: `${BASE}/:key`, handler: (c) => remove(g, c) });
}
/**
 * authorize! :admin_cicd_variables = Maintainer+. The routes have no job_token_allowed, so a
 * JOB-TOKEN is simply not a credential here: the caller is anonymous → 401.
 */
async function access(g, ctx, write) {
    const a = g.auth.authenticate(ctx, API_RULES);
    if (!a.ok || a.principal.kind === 'anonymous') {
        await unauthorized(ctx);
        return null;
    }
    const project = findProject(g.cfg, ctx.params.id);
    if (!project || !projectAccess(a.principal, project).visible) {
        await notFound(ctx, 'Project');
        return null;
    }
    const scope = missingScope(a.principal, write);
    if (scope) {
        await insufficientScope(ctx, scope);
        return null;
    }
    if (!projectAccess(a.principal, project).adminVariables) {
        await forbidden(ctx);
        return null;
    }
    return project;
}
function entity(v) {
    return {
        variable_type: v.variable_type,
        key: v.key,
        value: v.hidden ? null : v.value,
        hidden: v.hidden,
        protected: v.protected,
        masked: v.masked,
        raw: v.raw,
        environment_scope: v.environment_scope,
        description: v.description,
    };
}
async function list(g, ctx) {
    const project = await access(g, ctx, false);
    if (!project)
        return;
    const page = pageParams(ctx.query);
    if ('error' in page)
        return paramError(ctx, page.error);
    const out = paginate(ctx, g.store.variables(project.id), page);
    return sendJson(ctx, 200, out.items.map(entity), out.headers);
}
/** find_variable with filter[environment_scope] (variables_helpers.rb): 404 none, 409 ambiguous. */
async function lookup(g, ctx, project) {
    let key;
    try {
        key = decodeURIComponent(ctx.params.key);
    }
    catch {
        key = ctx.params.key;
    }
    const scope = ctx.query.get('filter[environment_scope]');
    const found = g.store.variables(project.id).filter((v) => v.key === key && (scope === null || v.environment_scope === scope));
    if (found.length === 0) {
        await notFound(ctx, 'Variable');
        return null;
    }
    if (found.length > 1) {
        await sendJson(ctx, 409, { message: "There are multiple variables with provided parameters. Please use 'filter[environment_scope]'" });
        return null;
    }
    return found[0];
}
async function get(g, ctx) {
    const project = await access(g, ctx, false);
    if (!project)
        return;
    const v = await lookup(g, ctx, project);
    if (v)
        return sendJson(ctx, 200, entity(v));
}
async function remove(g, ctx) {
    const project = await access(g, ctx, true);
    if (!project)
        return;
    const v = await lookup(g, ctx, project);
    if (!v)
        return;
    await g.commit({ op: 'variable.delete', projectId: project.id, key: v.key, scope: v.environment_scope });
    return sendEmpty(ctx, 204);
}
/** Grape merges query and body params; bodies may be JSON or form-urlencoded. */
async function readParams(ctx) {
    const params = Object.fromEntries(ctx.query.entries());
    let body;
    try {
        body = await readSmallBody(ctx);
    }
    catch (e) {
        if (e instanceof BodyAbortedError)
            return { error: 'aborted' };
        throw e;
    }
    if (body === null)
        return { error: 'request body is too large' };
    const type = (ctx.req.headers['content-type'] ?? '').toLowerCase();
    const text = body.toString('utf8');
    if (text.trim() === '')
        return { params };
    if (type.includes('json')) {
        try {
            const j = JSON.parse(text);
            if (typeof j !== 'object' || j === null || Array.isArray(j))
                return { error: 'The request body must be a JSON object' };
            return { params: { ...params, ...j } };
        }
        catch {
            return { error: 'There was a problem with the parsing of the request body' };
        }
    }
    return { params: { ...params, ...Object.fromEntries(new URLSearchParams(text).entries()) } };
}
function boolParam(p, name, errors) {
    const v = p[name];
    if (v === undefined || v === null)
        return undefined;
    if (typeof v === 'boolean')
        return v;
    if (typeof v === 'string' && /^(true|1|t|yes|y)$/i.test(v))
        return true;
    if (typeof v === 'string' && /^(false|0|f|no|n)$/i.test(v))
        return false;
    errors.push(`${name} is invalid`);
    return undefined;
}
function strParam(p, name) {
    const v = p[name];
    if (v === undefined || v === null)
        return undefined;
    return typeof v === 'string' ? v : String(v);
}
/** ActiveRecord validations of Ci::Variable (§4 "Validation rules"). */
function validate(v, others) {
    const e = {};
    const add = (k, m) => (e[k] ??= []).push(m);
    if (v.key.length > 255)
        add('key', 'is too long (maximum is 255 characters)');
    if (!VARIABLE_KEY.test(v.key))
        add('key', "can contain only letters, digits and '_'.");
    if (v.masked && !(v.raw ? MASKABLE_RAW : MASKABLE).test(v.value))
        add('value', 'is invalid');
    if (v.description !== null && v.description.length > 255)
        add('description', 'is too long (maximum is 255 characters)');
    if (others.some((o) => o.key === v.key && o.environment_scope === v.environment_scope))
        add('key', `(${v.key}) has already been taken`);
    return e;
}
async function create(g, ctx) {
    const project = await access(g, ctx, true);
    if (!project)
        return;
    const read = await readParams(ctx);
    if ('error' in read)
        return read.error === 'aborted' ? undefined : paramError(ctx, read.error);
    const p = read.params;
    const errors = [];
    const key = strParam(p, 'key');
    const value = strParam(p, 'value');
    if (key === undefined)
        errors.push('key is missing');
    if (value === undefined)
        errors.push('value is missing');
    const type = strParam(p, 'variable_type') ?? 'env_var';
    if (type !== 'env_var' && type !== 'file')
        errors.push('variable_type does not have a valid value');
    const prot = boolParam(p, 'protected', errors);
    const masked = boolParam(p, 'masked', errors);
    const hidden = boolParam(p, 'masked_and_hidden', errors);
    const raw = boolParam(p, 'raw', errors);
    if (errors.length)
        return paramError(ctx, errors.join(', '));
    const row = {
        projectId: project.id,
        key: key.trim(),
        value: value,
        variable_type: type,
        protected: prot ?? false,
        masked: (masked ?? false) || (hidden ?? false),
        hidden: hidden ?? false,
        raw: raw ?? false,
        environment_scope: strParam(p, 'environment_scope') ?? '*',
        description: strParam(p, 'description') ?? null,
    };
    const invalid = validate(row, g.store.variables(project.id));
    if (Object.keys(invalid).length)
        return validationError(ctx, invalid);
    await g.commit({ op: 'variable.put', row });
    return sendJson(ctx, 201, entity(row));
}
async function update(g, ctx) {
    const project = await access(g, ctx, true);
    if (!project)
        return;
    const read = await readParams(ctx);
    if ('error' in read)
        return read.error === 'aborted' ? undefined : paramError(ctx, read.error);
    const p = read.params;
    const current = await lookup(g, ctx, project);
    if (!current)
        return;
    const errors = [];
    const type = strParam(p, 'variable_type');
    if (type !== undefined && type !== 'env_var' && type !== 'file')
        errors.push('variable_type does not have a valid value');
    const prot = boolParam(p, 'protected', errors);
    const masked = boolParam(p, 'masked', errors);
    const raw = boolParam(p, 'raw', errors);
    if (errors.length)
        return paramError(ctx, errors.join(', '));
    const row = {
        ...current,
        value: strParam(p, 'value') ?? current.value,
        variable_type: type ?? current.variable_type,
        protected: prot ?? current.protected,
        masked: current.hidden ? true : (masked ?? current.masked),
        raw: raw ?? current.raw,
        environment_scope: strParam(p, 'environment_scope') ?? current.environment_scope,
        description: strParam(p, 'description') ?? current.description,
    };
    const others = g.store.variables(project.id).filter((v) => v !== current);
    const invalid = validate(row, others);
    if (Object.keys(invalid).length)
        return validationError(ctx, invalid);
    await g.commit({ op: 'variable.put', row, previousScope: current.environment_scope });
    return sendJson(ctx, 200, entity(row));
}

;// CONCATENATED MODULE: ./src/server/gitlab/index.ts






const gitlabFlavour = {
    key: 'gitlab',
    resolveConfig: (raw) => resolveGitlabConfig(raw),
    create(env, cfg) {
        const store = new GitlabStore();
        const downloaded = new Map();
        let flushTimer = null;
        const flushDownloads = async () => {
            flushTimer = null;
            const batch = [...downloaded];
            downloaded.clear();
            await Promise.all(batch.map(([id, at]) => env.journal(asRecord({ op: 'package.update', id, lastDownloadedAt: at }))))
                .catch((e) => env.log(`journal: ${e.message}`));
        };
        const g = {
            cfg,
            auth: new GitlabAuth(cfg),
            store,
            env,
            pendingFiles: new Set(),
            async commit(r) {
                await env.journal(asRecord(r));
                store.apply(r);
            },
            applyThenCommit(r) {
                store.apply(r);
                return env.journal(asRecord(r));
            },
            touchDownloaded(id, at) {
                store.apply({ op: 'package.update', id, lastDownloadedAt: at });
                downloaded.set(id, at);
                flushTimer ??= setTimeout(() => void flushDownloads(), 1000).unref();
            },
        };
        registerProjectRoutes(env.router, g);
        registerPackageRoutes(env.router, g);
        registerVariableRoutes(env.router, g);
        return {
            apply: (r) => store.apply(r),
            snapshot: () => store.snapshot().map((r) => ({ ns: 'gitlab', ...asRecord(r) })),
            liveBlobs: () => store.liveBlobs(),
            tokens: () => Object.fromEntries(cfg.tokens.map((t) => [t.name, t.value])),
            banner: (url) => [
                `GitLab API  ${url}/api/v4`,
                ...cfg.projects.map((p) => `  project ${p.id}  ${p.path} (${p.visibility})  packages: ${url}/api/v4/projects/${p.id}/packages/generic/<name>/<version>/<file>`),
                '  tokens:',
                ...cfg.tokens.map((t) => `    ${t.name.padEnd(12)} ${t.value.padEnd(24)} ${describeToken(cfg, t)}`),
            ],
            close: async () => {
                if (flushTimer)
                    clearTimeout(flushTimer);
                await flushDownloads();
            },
            notFound: async (ctx) => {
                if (!ctx.rawPath.startsWith('/api/v4/'))
                    return false;
                await routeNotFound(ctx);
                return true;
            },
        };
    },
};
function describeToken(cfg, t) {
    if (t.type === 'personal') {
        const roles = cfg.projects.map((p) => p.members[t.user]).filter(Boolean);
        return `PRIVATE-TOKEN  user ${t.user}${roles.length ? ` (${[...new Set(roles)].join(', ')})` : ' (no membership)'}, scopes ${t.scopes.join(',')}`;
    }
    if (t.type === 'job')
        return `JOB-TOKEN      project ${t.project}, triggered by ${t.user}`;
    return `DEPLOY-TOKEN   project ${t.project}, ${t.scopes.join(',')}`;
}

;// CONCATENATED MODULE: ./src/server/gitea/auth.ts
// Who is calling, and what may they do with an owner's packages, a repo's variables
// (gitea-api.md §1 "Accepted credentials", "Who can write", "Actions task token", §5 "Permission").

/** The pseudo-user an Actions task token logs in as (id -2). */
const ACTIONS_USER = { id: -2, name: 'gitea-actions' };
/** perm.AccessMode */
var Access;
(function (Access) {
    Access[Access["None"] = 0] = "None";
    Access[Access["Read"] = 1] = "Read";
    Access[Access["Write"] = 2] = "Write";
    Access[Access["Admin"] = 3] = "Admin";
    Access[Access["Owner"] = 4] = "Owner";
})(Access || (Access = {}));
class GiteaAuth {
    cfg;
    #tokens = new Map();
    #users = new Map();
    constructor(cfg) {
        this.cfg = cfg;
        for (const t of cfg.tokens)
            this.#tokens.set(t.value, t);
        for (const u of cfg.users)
            this.#users.set(u.name.toLowerCase(), u);
    }
    user(name) {
        return this.#users.get(name.toLowerCase());
    }
    /**
     * `Authorization: token|Bearer X` (exactly two fields, scheme case-insensitive) or Basic
     * `user:pat`, `user:password`, `pat:`, `pat:x-oauth-basic`. Other schemes are ignored.
     */
    authenticate(ctx) {
        const header = ctx.req.headers.authorization;
        if (!header)
            return { ok: true, principal: { kind: 'anonymous' } };
        const fields = header.trim().split(/\s+/);
        if (fields.length !== 2)
            return { ok: true, principal: { kind: 'anonymous' } };
        const [scheme, cred] = [fields[0].toLowerCase(), fields[1]];
        if (scheme === 'token' || scheme === 'bearer')
            return this.#token(cred);
        if (scheme !== 'basic')
            return { ok: true, principal: { kind: 'anonymous' } };
        const decoded = Buffer.from(cred, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        const user = colon < 0 ? decoded : decoded.slice(0, colon);
        const pass = colon < 0 ? '' : decoded.slice(colon + 1);
        // `pat:` / `pat:x-oauth-basic`: the username is the token.
        if (pass === '' || pass === 'x-oauth-basic')
            return this.#token(user);
        // The password is tried as a token first, then as a password.
        if (this.#tokens.has(pass))
            return this.#token(pass);
        const u = this.user(user);
        if (u && safeEqual(u.password, pass))
            return { ok: true, principal: { kind: 'user', user: u } };
        return { ok: false };
    }
    #token(value) {
        const t = this.#tokens.get(value);
        if (!t)
            return { ok: false };
        if (t.type === 'actions')
            return { ok: true, principal: { kind: 'actions', repo: t.repo } };
        return { ok: true, principal: { kind: 'user', user: this.user(t.user), token: t } };
    }
    owner(rawName) {
        const name = rawName.toLowerCase();
        const u = this.#users.get(name);
        if (u)
            return { kind: 'user', id: u.id, name: u.name, visibility: u.visibility, user: u };
        const o = this.cfg.orgs.find((x) => x.name.toLowerCase() === name);
        if (o)
            return { kind: 'org', id: o.id, name: o.name, visibility: o.visibility, org: o };
        return undefined;
    }
    repo(owner, name) {
        const full = `${owner}/${name}`.toLowerCase();
        return this.cfg.repos.find((r) => r.fullName.toLowerCase() === full);
    }
    /**
     * services/context/package.go determineAccessMode: site admins own everything; user owners:
     * the user themself is Owner, other signed-in users (the Actions user included) Read on
     * public/limited, anonymous Read on public; orgs: the member's team level, else Read when the
     * org is visible to the caller. The Actions user never gets write (the "TODO: ActionUser").
     */
    packageAccess(p, owner) {
        if (this.cfg.requireSigninView && p.kind === 'anonymous')
            return Access.None;
        if (p.kind === 'user' && p.user.admin)
            return Access.Owner;
        const signedIn = p.kind !== 'anonymous';
        if (owner.kind === 'user') {
            if (p.kind === 'user' && p.user.id === owner.id)
                return Access.Owner;
            if (signedIn)
                return owner.visibility === 'private' ? Access.None : Access.Read;
            return owner.visibility === 'public' ? Access.Read : Access.None;
        }
        let mode = Access.None;
        if (p.kind === 'user') {
            const role = owner.org.members[p.user.name.toLowerCase()];
            if (role)
                mode = role === 'owner' ? Access.Owner : role === 'write' ? Access.Write : Access.Read;
        }
        if (mode === Access.None && visibleTo(owner.visibility, signedIn))
            mode = Access.Read;
        return mode;
    }
    /** reqOwner on repo routes: the user owner, an org owner, or a site admin (§5 "Permission"). */
    isRepoOwner(p, repo) {
        if (p.kind !== 'user')
            return false;
        if (p.user.admin)
            return true;
        const owner = this.owner(repo.owner);
        if (!owner)
            return false;
        if (owner.kind === 'user')
            return owner.id === p.user.id;
        return owner.org.members[p.user.name.toLowerCase()] === 'owner';
    }
    isOrgOwner(p, org) {
        if (p.kind !== 'user')
            return false;
        return p.user.admin || org.members[p.user.name.toLowerCase()] === 'owner';
    }
}
function visibleTo(v, signedIn) {
    return v === 'public' || (v === 'limited' && signedIn);
}
/**
 * A PAT's scope check (models/auth/access_token_scope.go): `all` grants everything, `write:X`
 * implies `read:X`. Password logins and Actions tokens have no scopes to check.
 */
function hasScope(p, category, write) {
    if (p.kind !== 'user' || !p.token)
        return true;
    const s = p.token.scopes;
    if (s.includes('all') || s.includes(`write:${category}`))
        return true;
    return !write && s.includes(`read:${category}`);
}
function publicOnly(p) {
    return p.kind === 'user' && !!p.token?.scopes.includes('public-only');
}
function principalUserId(p) {
    return p.kind === 'user' ? p.user.id : p.kind === 'actions' ? ACTIONS_USER.id : -1;
}
function safeEqual(a, b) {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && (0,external_node_crypto_.timingSafeEqual)(x, y);
}

;// CONCATENATED MODULE: ./src/server/gitea/context.ts
function keyedLock() {
    const tails = new Map();
    return (key, fn) => {
        const prev = tails.get(key) ?? Promise.resolve();
        const run = prev.then(fn, fn);
        const tail = run.catch(() => { });
        tails.set(key, tail);
        void tail.then(() => {
            if (tails.get(key) === tail)
                tails.delete(key);
        });
        return run;
    };
}
/** Go's time.Time JSON form at second precision (RFC 3339). */
function rfc3339(iso) {
    return iso.replace(/\.\d+Z$/, 'Z');
}
/** Percent-decodes one raw path segment; null when the escape is malformed. */
function context_decodeSegment(raw) {
    if (raw === undefined)
        return null;
    try {
        return decodeURIComponent(raw);
    }
    catch {
        return null;
    }
}
function nowIsoMs() {
    return new Date().toISOString();
}

;// CONCATENATED MODULE: ./src/server/gitea/errors.ts
// Error bodies in Gitea's shapes: the package API answers plain text (routers/api/packages
// apiError → ctx.PlainText), the v1 API answers {"message","url"} (APIError), with an `errors`
// list on 404 (APIErrorNotFound) (gitea-api.md §1, §4).

const PACKAGE_REALM = 'Basic realm="Gitea Package API"';
function plain(ctx, status, message) {
    return sendText(ctx, status, message);
}
/** 401 with the Basic challenge: missing auth, no access, missing scope, bad credentials (edge 5). */
function packageUnauthorized(ctx, message = 'user should have specific permission or be a site admin') {
    return sendText(ctx, 401, message, { 'www-authenticate': PACKAGE_REALM });
}
function apiError(ctx, status, message) {
    return sendJson(ctx, status, { message, url: `${ctx.origin}/api/swagger` });
}
function apiNotFound(ctx, ...errors) {
    return sendJson(ctx, 404, { errors, message: "The target couldn't be found.", url: `${ctx.origin}/api/swagger` });
}
/** binding.Errors for a `binding:"Required"` field (422). */
function requiredError(ctx, field) {
    return sendJson(ctx, 422, [{ fieldNames: [field], classification: 'RequiredError', message: 'Required' }]);
}

;// CONCATENATED MODULE: ./src/server/gitea/multipart.ts
// Gitea's UploadStream (gitea-api.md §1 "Body", edge case 4): a PUT whose Content-Type starts with
// `multipart/form-data` or `application/x-www-form-urlencoded` is parsed as a multipart form and
// the first file part is stored; a form that cannot be parsed (a urlencoded body is never
// multipart, a missing boundary, a malformed body, no file part) is an error: 500 in Gitea, 400
// in Forgejo. Go parses the whole form before the handler continues; here the first file part is
// streamed out while the rest is still checked, so nothing is held in memory.
class MultipartError extends Error {
    code = 'RELPACK_GITEA_MULTIPART';
}
/** Does this Content-Type make Gitea parse a form? */
function isFormContentType(contentType) {
    const ct = (contentType ?? '').toLowerCase();
    return ct.startsWith('multipart/form-data') || ct.startsWith('application/x-www-form-urlencoded');
}
/** The boundary, or a MultipartError saying why the body is not a multipart form (Go's wording). */
function boundaryOf(contentType) {
    const ct = contentType.trim();
    if (!/^multipart\/form-data\s*(;|$)/i.test(ct))
        throw new MultipartError("request Content-Type isn't multipart/form-data");
    const m = /;\s*boundary\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(ct);
    const b = m?.[1] ?? m?.[2];
    if (!b)
        throw new MultipartError('no multipart boundary param in Content-Type');
    return b;
}
const HEADER_LIMIT = 16 << 10;
/**
 * Yields the bytes of the first part that has a non-empty `filename`, consumes and validates the
 * rest of the body, and throws MultipartError when the form is malformed or has no file part.
 * Errors of `body` itself (aborts, reset faults) pass through unchanged.
 */
async function* firstFilePart(body, boundary) {
    const it = body[Symbol.asyncIterator]();
    const delim = Buffer.from(`\r\n--${boundary}`);
    // A leading CRLF lets the first boundary be found with the same delimiter as the others.
    let buf = Buffer.from('\r\n');
    let eof = false;
    const more = async () => {
        if (eof)
            return false;
        const r = await it.next();
        if (r.done) {
            eof = true;
            return false;
        }
        buf = buf.length ? Buffer.concat([buf, r.value]) : r.value;
        return true;
    };
    const need = async (n) => {
        while (buf.length < n)
            if (!(await more()))
                throw new MultipartError('multipart: NextPart: EOF');
    };
    // Preamble: skip to the first delimiter, keeping only a possible partial match.
    for (;;) {
        const i = buf.indexOf(delim);
        if (i >= 0) {
            buf = buf.subarray(i + delim.length);
            break;
        }
        if (buf.length >= delim.length)
            buf = buf.subarray(buf.length - delim.length + 1);
        if (!(await more()))
            throw new MultipartError('multipart: NextPart: EOF');
    }
    let found = false;
    for (;;) {
        // After a delimiter: `--` ends the form, else optional blanks and a line break start a part.
        await need(2);
        if (buf[0] === 0x2d && buf[1] === 0x2d)
            break;
        let k = 0;
        for (;;) {
            await need(k + 1);
            if (buf[k] === 0x20 || buf[k] === 0x09)
                k++;
            else
                break;
        }
        if (buf[k] === 0x0d) {
            await need(k + 2);
            if (buf[k + 1] !== 0x0a)
                throw new MultipartError('multipart: boundary line is not terminated by CRLF');
            buf = buf.subarray(k + 2);
        }
        else if (buf[k] === 0x0a) {
            buf = buf.subarray(k + 1);
        }
        else {
            throw new MultipartError('multipart: expecting a new Part; got line ' + JSON.stringify(buf.subarray(0, Math.min(buf.length, 40)).toString('latin1')));
        }
        // Part headers up to the blank line.
        await need(2);
        let headerText = '';
        if (buf[0] === 0x0d && buf[1] === 0x0a) {
            buf = buf.subarray(2); // a part without headers
        }
        else {
            let end;
            while ((end = buf.indexOf('\r\n\r\n')) === -1) {
                if (buf.length > HEADER_LIMIT)
                    throw new MultipartError('multipart: message too large');
                if (!(await more()))
                    throw new MultipartError('multipart: NextPart: EOF');
            }
            headerText = buf.subarray(0, end).toString('latin1');
            buf = buf.subarray(end + 4);
        }
        const isFile = !found && hasFilename(headerText);
        if (isFile)
            found = true;
        // Part body up to the next delimiter; bytes that cannot start a delimiter are released early.
        for (;;) {
            const i = buf.indexOf(delim);
            if (i >= 0) {
                if (isFile && i > 0)
                    yield buf.subarray(0, i);
                buf = buf.subarray(i + delim.length);
                break;
            }
            const safe = buf.length - delim.length + 1;
            if (safe > 0) {
                if (isFile)
                    yield buf.subarray(0, safe);
                buf = buf.subarray(safe);
            }
            if (!(await more()))
                throw new MultipartError('multipart: NextPart: unexpected EOF');
        }
    }
    // The epilogue is ignored, but the body is read to its end so aborts are still detected.
    while (await more())
        buf = Buffer.alloc(0);
    if (!found)
        throw new MultipartError('http: no such file');
}
function hasFilename(headers) {
    for (const line of headers.split(/\r\n/)) {
        const m = /^content-disposition\s*:(.*)$/i.exec(line);
        if (!m)
            continue;
        const f = /;\s*filename\*?\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(m[1]);
        return !!(f && (f[1] ?? f[2]));
    }
    return false;
}

// EXTERNAL MODULE: ./src/registry/gitea-names.ts
var gitea_names = __webpack_require__(9768);
;// CONCATENATED MODULE: ./src/server/gitea/names.ts
// routers/api/packages/generic: the same rules relpack's client checks before sending (one
// definition in src/registry/gitea-names.ts): name `\A[-_+.\w]+\z` (`\w` ASCII), not `..`, one
// character must be alphanumeric; file name `\A[-_+=:;.()\[\]{}~!@#$%^& \w]+\z`, no surrounding
// whitespace, not `.` or `..`.

/** G ≤1.21: one regex for both. */
const LEGACY = /^[A-Za-z0-9._+-]+$/;
function validPackageName(name, f) {
    if (f.legacyNames)
        return LEGACY.test(name);
    if (!gitea_names/* GITEA_PACKAGE_NAME */.gb.test(name) || name === '..')
        return false;
    return name.length !== 1 || /^[A-Za-z0-9]$/.test(name);
}
function validFileName(name, f) {
    if (f.legacyNames)
        return LEGACY.test(name);
    return gitea_names/* GITEA_FILE_NAME */.QY.test(name) && name.trim() === name && name !== '.' && name !== '..';
}
/** The only version rule: no leading or trailing whitespace. */
function validVersion(version) {
    return version !== '' && version.trim() === version;
}
const VARIABLE_NAME = /^[A-Z_][A-Z0-9_]*$/i;
/** services/secrets/validation.go (F: models/secret/secret.go). */
function validVariableName(name, f) {
    const up = name.toUpperCase();
    if (!VARIABLE_NAME.test(name))
        return false;
    if (up.startsWith('GITEA_') || up.startsWith('GITHUB_'))
        return false;
    if (f.forgejoPrefix && up.startsWith('FORGEJO_'))
        return false;
    // The docs say "must not start with CI"; the code rejects only the exact name.
    return up !== 'CI';
}

;// CONCATENATED MODULE: ./src/server/gitea/packages.ts








const packages_BASE = '/api/packages/:owner/generic/:name/:version';
function packages_registerPackageRoutes(router, g) {
    // HEAD first: GET routes also answer HEAD, and HEAD differs by server and version (§2, §6).
    router.add({ id: 'gitea.head', method: 'HEAD', pattern: `${packages_BASE}/:filename`, handler: (c) => head(g, c) });
    router.add({ id: 'gitea.download', method: 'GET', pattern: `${packages_BASE}/:filename`, handler: (c) => packages_download(g, c) });
    router.add({ id: 'gitea.upload', method: 'PUT', pattern: `${packages_BASE}/:filename`, handler: (c) => packages_upload(g, c) });
    router.add({ id: 'gitea.delete', method: 'DELETE', pattern: `${packages_BASE}/:filename`, handler: (c) => packages_deleteFile(g, c) });
    router.add({ id: 'gitea.version.delete', method: 'DELETE', pattern: packages_BASE, handler: (c) => deleteVersion(g, c) });
    // Other methods on these paths: chi's 405 with an empty body (not the framework's JSON one).
    const notAllowed = (c) => sendEmpty(c, 405);
    router.add({ id: 'gitea.method-not-allowed', method: ['POST', 'PATCH', 'OPTIONS'], pattern: `${packages_BASE}/:filename`, handler: notAllowed });
    router.add({ id: 'gitea.method-not-allowed', method: ['GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'OPTIONS'], pattern: packages_BASE, handler: notAllowed });
}
/**
 * The package API's middleware chain: verifyAuth (bad credentials → 401), owner lookup (404),
 * reqPackageAccess (PAT scope, public-only, access mode → 401 with the Basic challenge).
 */
async function packageRequest(g, ctx, need) {
    const a = g.auth.authenticate(ctx);
    if (!a.ok) {
        await packageUnauthorized(ctx, 'Failed to authenticate user');
        return null;
    }
    const ownerName = context_decodeSegment(ctx.params.owner);
    const owner = ownerName === null ? undefined : g.auth.owner(ownerName);
    if (!owner) {
        await plain(ctx, 404, 'user does not exist');
        return null;
    }
    const p = a.principal;
    if (!hasScope(p, 'package', need === Access.Write)) {
        await packageUnauthorized(ctx);
        return null;
    }
    if (publicOnly(p) && owner.visibility === 'private') {
        await plain(ctx, 403, 'token scope is limited to public packages');
        return null;
    }
    if (g.auth.packageAccess(p, owner) < need) {
        await packageUnauthorized(ctx);
        return null;
    }
    return { principal: p, owner };
}
/** sanitizeParameters: name, then filename, then version; each 400 plain text (edge 3). */
async function fileParams(g, ctx) {
    const f = g.cfg.features;
    const name = context_decodeSegment(ctx.params.name);
    if (name === null || !validPackageName(name, f)) {
        await plain(ctx, 400, 'invalid package name');
        return null;
    }
    const filename = context_decodeSegment(ctx.params.filename);
    if (filename === null || !validFileName(filename, f)) {
        await plain(ctx, 400, 'invalid filename');
        return null;
    }
    const version = context_decodeSegment(ctx.params.version);
    if (version === null || !validVersion(version)) {
        await plain(ctx, 400, 'invalid package version');
        return null;
    }
    return { name, version, filename };
}
function packages_lookup(g, owner, p) {
    const pkg = g.store.findPackage(owner.name, p.name);
    const version = pkg && g.store.findVersion(pkg.id, p.version);
    if (!pkg || !version)
        return 'no-version';
    if (p.filename === undefined)
        return { pkg, version };
    const file = g.store.findFile(version.id, p.filename);
    return file ? { pkg, version, file } : 'no-file';
}
async function packages_notFound(ctx, what) {
    return plain(ctx, 404, what === 'no-version' ? 'package does not exist' : 'package file does not exist');
}
// ---------------------------------------------------------------- upload (§1)
async function packages_upload(g, ctx) {
    const r = await packageRequest(g, ctx, Access.Write);
    if (!r)
        return;
    const f = g.cfg.features;
    const admin = r.principal.kind === 'user' && r.principal.user.admin;
    // Forgejo's enforcePackagesQuota() runs before the body is read (§1 "413").
    if (g.cfg.quota >= 0 && !admin && g.store.ownerBytes(r.owner.name) >= g.cfg.quota)
        return plain(ctx, 413, 'quota exceeded');
    const params = await fileParams(g, ctx);
    if (!params)
        return;
    let body = bodyChunks(ctx);
    const multipartFailed = (e) => f.multipartErrorStatus === 500 ? plain(ctx, 500, 'internal server error') : plain(ctx, 400, e.message);
    if (isFormContentType(ctx.req.headers['content-type'])) {
        try {
            body = firstFilePart(body, boundaryOf(ctx.req.headers['content-type']));
        }
        catch (e) {
            if (e instanceof MultipartError)
                return multipartFailed(e);
            throw e;
        }
    }
    const limit = admin ? -1 : g.cfg.limitSizeGeneric;
    let staged;
    try {
        staged = await g.env.blobs.stage(body, { hashes: ['md5', 'sha1', 'sha256', 'sha512'], ...(limit > 0 ? { maxBytes: limit } : {}) });
    }
    catch (e) {
        if (e instanceof MultipartError)
            return multipartFailed(e);
        if (e instanceof BodyAbortedError) {
            if (!ctx.hijacked)
                ctx.req.socket.destroy();
            return;
        }
        throw e;
    }
    // Quotas are checked after the body was hashed (CreatePackageOrAddFileToExisting); admins are exempt.
    if (staged.tooLarge || (limit >= 0 && staged.size > limit)) {
        await g.env.blobs.discard(staged);
        return plain(ctx, 403, 'maximum allowed package type size exceeded');
    }
    if (!admin && g.cfg.limitTotalOwnerSize >= 0 && g.store.ownerBytes(r.owner.name) + staged.size > g.cfg.limitTotalOwnerSize) {
        await g.env.blobs.discard(staged);
        return plain(ctx, 403, 'maximum allowed package storage quota exceeded');
    }
    const creatorId = principalUserId(r.principal);
    const outcome = await g.lock(`${r.owner.name.toLowerCase()}\0${params.name.toLowerCase()}`, async () => {
        const existing = g.store.findPackage(r.owner.name, params.name);
        const version = existing && g.store.findVersion(existing.id, params.version);
        // Same file name (case-insensitive) in the version: no overwrite (§1 "409", edge 2).
        if (version && g.store.findFile(version.id, params.filename))
            return 'conflict';
        const blob = await g.env.blobs.commit(staged);
        const now = nowIsoMs();
        let pkg = existing;
        if (!pkg) {
            pkg = { id: g.store.alloc('package'), owner: r.owner.name.toLowerCase(), type: 'generic', name: params.name, createdAt: now };
            await g.commit({ op: 'package.create', row: pkg });
        }
        let ver = version;
        if (!ver) {
            ver = { id: g.store.alloc('version'), packageId: pkg.id, version: params.version, creatorId, createdAt: now };
            await g.commit({ op: 'version.create', row: ver });
        }
        const d = staged.digests;
        await g.commit({
            op: 'file.create',
            row: { id: g.store.alloc('file'), versionId: ver.id, name: params.filename, size: staged.size, md5: d.md5, sha1: d.sha1, sha256: d.sha256, sha512: d.sha512, blob, createdAt: now },
        });
        return 'created';
    });
    if (outcome === 'conflict') {
        await g.env.blobs.discard(staged);
        return plain(ctx, 409, 'package file already exists');
    }
    if (dropAfterCommit(ctx))
        return;
    // 201, empty body, no Location (edge 1).
    return sendEmpty(ctx, 201);
}
// ---------------------------------------------------------------- download, HEAD (§2, §6)
async function packages_download(g, ctx) {
    const r = await packageRequest(g, ctx, Access.Read);
    if (!r)
        return;
    const params = await fileParams(g, ctx);
    if (!params)
        return;
    const found = packages_lookup(g, r.owner, params);
    if (typeof found === 'string')
        return packages_notFound(ctx, found);
    const file = found.file;
    if (ctx.method === 'GET')
        g.store.downloads.set(found.version.id, (g.store.downloads.get(found.version.id) ?? 0) + 1);
    const disposition = g.cfg.features.attachment ? attachmentDisposition(file.name) : undefined;
    if (g.env.objectStorage) {
        // serve_direct: 303 to a presigned URL; the client must not forward Authorization (§2).
        const location = g.env.objectStorage.presign(file.blob, {
            size: file.size,
            lastModified: new Date(file.createdAt),
            contentType: 'application/octet-stream',
            ...(disposition ? { contentDisposition: disposition } : {}),
            clientOrigin: ctx.origin,
        });
        return sendEmpty(ctx, 303, { location });
    }
    const headers = {
        'content-type': 'application/octet-stream',
        'x-content-type-options': 'nosniff',
        'cache-control': 'private, max-age=300',
    };
    if (disposition)
        headers['content-disposition'] = disposition;
    return sendBlob(ctx, g.env.blobs, { key: file.blob, size: file.size, lastModified: new Date(file.createdAt) }, headers, {
        notFound: () => packages_notFound(ctx, 'no-file'),
    });
}
async function head(g, ctx) {
    const mode = g.cfg.features.head;
    // Not routed (G ≤1.24, F ≤v15.0.3): chi answers 405 with an empty body (edge 9).
    if (mode === 'none')
        return sendEmpty(ctx, 405);
    if (mode === 'get')
        return packages_download(g, ctx);
    // Forgejo's own HEAD handler: 200 with Content-Disposition and Last-Modified only, no
    // Content-Length, never a redirect (§6).
    const r = await packageRequest(g, ctx, Access.Read);
    if (!r)
        return;
    const params = await fileParams(g, ctx);
    if (!params)
        return;
    const found = packages_lookup(g, r.owner, params);
    if (typeof found === 'string')
        return packages_notFound(ctx, found);
    if (ctx.hijacked || ctx.res.headersSent)
        return;
    const file = found.file;
    ctx.res.writeHead(200, {
        'content-disposition': attachmentDisposition(file.name),
        'last-modified': new Date(Math.floor(new Date(file.createdAt).getTime() / 1000) * 1000).toUTCString(),
    });
    ctx.res.end();
}
// ---------------------------------------------------------------- delete (§3)
async function packages_deleteFile(g, ctx) {
    const r = await packageRequest(g, ctx, Access.Write);
    if (!r)
        return;
    const params = await fileParams(g, ctx);
    if (!params)
        return;
    const removed = await g.lock(`${r.owner.name.toLowerCase()}\0${params.name.toLowerCase()}`, async () => {
        const found = packages_lookup(g, r.owner, params);
        if (typeof found === 'string')
            return found;
        await g.commit({ op: 'file.delete', id: found.file.id });
        // The last file takes its version with it (test `RemovesVersion`, edge 10).
        if (g.store.versionFiles(found.version.id).length === 0)
            await g.commit({ op: 'version.delete', id: found.version.id });
        return [found.file.blob];
    });
    if (typeof removed === 'string')
        return packages_notFound(ctx, removed);
    await removeBlobs(g, removed);
    return sendEmpty(ctx, 204);
}
async function deleteVersion(g, ctx) {
    const r = await packageRequest(g, ctx, Access.Write);
    if (!r)
        return;
    const name = context_decodeSegment(ctx.params.name);
    const version = context_decodeSegment(ctx.params.version);
    if (name === null || version === null)
        return plain(ctx, 404, 'package does not exist');
    const removed = await removeVersion(g, r.owner, name, version);
    if (!removed)
        return plain(ctx, 404, 'package does not exist');
    return sendEmpty(ctx, 204);
}
/** Deletes a version and its files; false when there is no such version. Shared with the v1 API. */
async function removeVersion(g, owner, name, version) {
    const blobs = await g.lock(`${owner.name.toLowerCase()}\0${name.toLowerCase()}`, async () => {
        const found = packages_lookup(g, owner, { name, version });
        if (typeof found === 'string')
            return null;
        const keys = g.store.versionFiles(found.version.id).map((f) => f.blob);
        await g.commit({ op: 'version.delete', id: found.version.id });
        return keys;
    });
    if (!blobs)
        return false;
    await removeBlobs(g, blobs);
    return true;
}
/** Deletes a whole package (v1 API, G ≥1.24). */
async function removePackage(g, pkg) {
    const blobs = await g.lock(`${pkg.owner}\0${pkg.name.toLowerCase()}`, async () => {
        const keys = g.store.packageVersions(pkg.id).flatMap((v) => g.store.versionFiles(v.id).map((f) => f.blob));
        await g.commit({ op: 'package.delete', id: pkg.id });
        return keys;
    });
    await removeBlobs(g, blobs);
}
async function removeBlobs(g, keys) {
    // Gitea purges blobs later (cleanup_packages); a blob no file points at is of no use here.
    for (const k of keys)
        if (!g.store.blobInUse(k))
            await g.env.blobs.remove(k);
}

;// CONCATENATED MODULE: ./src/server/gitea/pagination.ts
function listOptions(q) {
    const page = toInt(q.get('page'));
    const limit = toInt(q.get('limit'));
    return { page: page < 1 ? 1 : page, limit: limit <= 0 ? 30 : Math.min(limit, 50) };
}
function toInt(v) {
    if (v === null || !/^\s*-?\d+\s*$/.test(v))
        return 0;
    return Number(v);
}
function pagination_paginate(ctx, all, o, opts = { link: true }) {
    const total = all.length;
    const items = all.slice((o.page - 1) * o.limit, o.page * o.limit);
    const headers = { 'x-total-count': String(total) };
    const expose = ['X-Total-Count'];
    if (opts.link) {
        const pages = Math.max(1, Math.ceil(total / o.limit));
        const cur = Math.min(o.page, pages);
        const url = (page) => {
            const q = new URLSearchParams(ctx.query);
            q.set('page', String(page));
            return `<${ctx.origin}${ctx.rawPath}?${q.toString()}>`;
        };
        const links = [];
        if (cur < pages)
            links.push(`${url(cur + 1)}; rel="next"`);
        if (cur !== pages)
            links.push(`${url(pages)}; rel="last"`);
        if (cur !== 1)
            links.push(`${url(1)}; rel="first"`);
        if (cur > 1)
            links.push(`${url(cur - 1)}; rel="prev"`);
        if (links.length) {
            headers.link = links.join(',');
            expose.unshift('Link');
        }
    }
    headers['access-control-expose-headers'] = expose.join(', ');
    return { items, headers };
}

;// CONCATENATED MODULE: ./src/server/gitea/store.ts
const lc = (s) => s.toLowerCase();
class GiteaStore {
    packages = new Map();
    versions = new Map();
    files = new Map();
    // Indexes, kept by apply(): lookups stay O(1) however many files the server holds.
    #packageByName = new Map(); // owner \0 lower(name)
    #versionsByPackage = new Map(); // lower(version)
    #filesByVersion = new Map(); // lower(file name)
    #blobRefs = new Map();
    /** scope → upper-case name → row */
    #variables = new Map();
    #nextId = { package: 1, version: 1, file: 1 };
    /** Download counts per version (not journaled: Gitea's download_count is not in any API answer used here). */
    downloads = new Map();
    alloc(kind) {
        return this.#nextId[kind]++;
    }
    apply(r) {
        switch (r.op) {
            case 'package.create': {
                const row = { ...r.row };
                this.packages.set(row.id, row);
                this.#packageByName.set(`${row.owner}\0${lc(row.name)}`, row);
                this.#nextId.package = Math.max(this.#nextId.package, row.id + 1);
                break;
            }
            case 'package.delete': {
                const p = this.packages.get(r.id);
                for (const v of this.packageVersions(r.id))
                    this.apply({ op: 'version.delete', id: v.id });
                this.packages.delete(r.id);
                this.#versionsByPackage.delete(r.id);
                if (p)
                    this.#packageByName.delete(`${p.owner}\0${lc(p.name)}`);
                break;
            }
            case 'package.link': {
                const p = this.packages.get(r.id);
                if (p)
                    p.repoId = r.repoId;
                break;
            }
            case 'version.create': {
                const row = { ...r.row };
                this.versions.set(row.id, row);
                let m = this.#versionsByPackage.get(row.packageId);
                if (!m)
                    this.#versionsByPackage.set(row.packageId, (m = new Map()));
                m.set(lc(row.version), row);
                this.#nextId.version = Math.max(this.#nextId.version, row.id + 1);
                break;
            }
            case 'version.delete': {
                const v = this.versions.get(r.id);
                for (const f of this.versionFiles(r.id))
                    this.apply({ op: 'file.delete', id: f.id });
                this.versions.delete(r.id);
                this.#filesByVersion.delete(r.id);
                if (v)
                    this.#versionsByPackage.get(v.packageId)?.delete(lc(v.version));
                this.downloads.delete(r.id);
                break;
            }
            case 'file.create': {
                const row = { ...r.row };
                this.files.set(row.id, row);
                let m = this.#filesByVersion.get(row.versionId);
                if (!m)
                    this.#filesByVersion.set(row.versionId, (m = new Map()));
                m.set(lc(row.name), row);
                this.#blobRefs.set(row.blob, (this.#blobRefs.get(row.blob) ?? 0) + 1);
                this.#nextId.file = Math.max(this.#nextId.file, row.id + 1);
                break;
            }
            case 'file.delete': {
                const f = this.files.get(r.id);
                if (!f)
                    break;
                this.files.delete(r.id);
                this.#filesByVersion.get(f.versionId)?.delete(lc(f.name));
                const n = (this.#blobRefs.get(f.blob) ?? 1) - 1;
                if (n > 0)
                    this.#blobRefs.set(f.blob, n);
                else
                    this.#blobRefs.delete(f.blob);
                break;
            }
            case 'variable.put': {
                const m = this.#variables.get(r.row.scope) ?? new Map();
                if (r.previousName)
                    m.delete(r.previousName);
                m.set(r.row.name, { ...r.row });
                this.#variables.set(r.row.scope, m);
                break;
            }
            case 'variable.delete':
                this.#variables.get(r.scope)?.delete(r.name);
                break;
            case 'ids':
                for (const k of ['package', 'version', 'file'])
                    this.#nextId[k] = Math.max(this.#nextId[k], r.next[k] ?? 1);
                break;
        }
    }
    snapshot() {
        const out = [{ op: 'ids', next: { ...this.#nextId } }];
        for (const p of this.packages.values())
            out.push({ op: 'package.create', row: { ...p } });
        for (const v of this.versions.values())
            out.push({ op: 'version.create', row: { ...v } });
        for (const f of this.files.values())
            out.push({ op: 'file.create', row: { ...f } });
        for (const m of this.#variables.values())
            for (const v of m.values())
                out.push({ op: 'variable.put', row: { ...v } });
        return out;
    }
    liveBlobs() {
        return new Set(this.#blobRefs.keys());
    }
    /** True while some file still points at the blob. */
    blobInUse(blob) {
        return this.#blobRefs.has(blob);
    }
    findPackage(owner, name) {
        return this.#packageByName.get(`${lc(owner)}\0${lc(name)}`);
    }
    findVersion(packageId, version) {
        return this.#versionsByPackage.get(packageId)?.get(lc(version));
    }
    findFile(versionId, name) {
        return this.#filesByVersion.get(versionId)?.get(lc(name));
    }
    ownerPackages(owner) {
        return [...this.packages.values()].filter((p) => p.owner === lc(owner));
    }
    packageVersions(packageId) {
        return [...(this.#versionsByPackage.get(packageId)?.values() ?? [])];
    }
    /** Ordered by lower-case name, then creation, then id (gitea-api.md §4). */
    versionFiles(versionId) {
        return [...(this.#filesByVersion.get(versionId)?.values() ?? [])].sort((a, b) => store_cmp(lc(a.name), lc(b.name)) || store_cmp(a.createdAt, b.createdAt) || a.id - b.id);
    }
    ownerBytes(owner) {
        let n = 0;
        for (const p of this.ownerPackages(owner))
            for (const v of this.packageVersions(p.id))
                for (const f of this.#filesByVersion.get(v.id)?.values() ?? [])
                    n += f.size;
        return n;
    }
    variables(scope) {
        return [...(this.#variables.get(scope)?.values() ?? [])].sort((a, b) => store_cmp(a.name, b.name));
    }
    variable(scope, name) {
        return this.#variables.get(scope)?.get(name.toUpperCase());
    }
}
function store_cmp(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
/** Newest created first, then id descending (gitea-api.md §4). */
function newestFirst(a, b) {
    return store_cmp(b.createdAt, a.createdAt) || b.id - a.id;
}
function store_asRecord(r) {
    return r;
}

;// CONCATENATED MODULE: ./src/server/gitea/api.ts
// The v1 package API and /api/v1/version (gitea-api.md §3 "v1 API", §4, §6; edge cases 12–14).







const api_BASE = '/api/v1/packages/:owner';
function registerApiRoutes(router, g) {
    const f = g.cfg.features;
    router.add({ id: 'gitea.version', method: 'GET', pattern: '/api/v1/version', handler: (c) => sendJson(c, 200, { version: f.versionString }) });
    router.add({ id: 'gitea.packages.list', method: 'GET', pattern: api_BASE, handler: (c) => api_listPackages(g, c) });
    if (f.perPackageApi) {
        // G ≥1.24 (#34173); Forgejo has none of these (§6): the paths fall through to 404.
        router.add({ id: 'gitea.packages.latest', method: 'GET', pattern: `${api_BASE}/:type/:name/-/latest`, handler: (c) => latest(g, c) });
        router.add({ id: 'gitea.packages.versions', method: 'GET', pattern: `${api_BASE}/:type/:name`, handler: (c) => listVersions(g, c) });
        router.add({ id: 'gitea.packages.delete', method: 'DELETE', pattern: `${api_BASE}/:type/:name`, handler: (c) => api_deletePackage(g, c) });
    }
    // Link/unlink a package to a repository of the same owner (G ≥1.24; Forgejo has them too).
    if (f.perPackageApi || g.cfg.server === 'forgejo') {
        router.add({ id: 'gitea.packages.link', method: 'POST', pattern: `${api_BASE}/:type/:name/-/link/:repo`, handler: (c) => api_link(g, c, true) });
        router.add({ id: 'gitea.packages.unlink', method: 'POST', pattern: `${api_BASE}/:type/:name/-/unlink`, handler: (c) => api_link(g, c, false) });
    }
    router.add({ id: 'gitea.packages.get', method: 'GET', pattern: `${api_BASE}/:type/:name/:version`, handler: (c) => getVersion(g, c) });
    router.add({ id: 'gitea.packages.version.delete', method: 'DELETE', pattern: `${api_BASE}/:type/:name/:version`, handler: (c) => api_deleteVersion(g, c) });
    router.add({ id: 'gitea.files.list', method: 'GET', pattern: `${api_BASE}/:type/:name/:version/files`, handler: (c) => api_listFiles(g, c) });
}
/**
 * The `/api/v1/packages/{owner}` group: reqToken (Gitea: anonymous → 401; Forgejo ≥v12 lets
 * anonymous through to the access check), owner lookup, token scope `package`, public-only,
 * then package access (403 JSON here, not 401).
 */
async function v1Access(g, ctx, write) {
    const a = g.auth.authenticate(ctx);
    if (!a.ok) {
        await apiError(ctx, 401, 'Failed to authenticate user');
        return null;
    }
    const p = a.principal;
    if (p.kind === 'anonymous' && (!g.cfg.features.anonymousV1 || write)) {
        await apiError(ctx, 401, 'token is required');
        return null;
    }
    const name = context_decodeSegment(ctx.params.owner);
    const owner = name === null ? undefined : g.auth.owner(name);
    if (!owner) {
        await apiNotFound(ctx, 'user redirect does not exist');
        return null;
    }
    if (!hasScope(p, 'package', write)) {
        const scopes = p.kind === 'user' && p.token ? p.token.scopes.join(',') : '';
        await apiError(ctx, 403, `token does not have at least one of required scope(s), required=[${write ? 'write' : 'read'}:package], token scope=${scopes}`);
        return null;
    }
    if (publicOnly(p) && owner.visibility === 'private') {
        await apiError(ctx, 403, 'token scope is limited to public packages');
        return null;
    }
    if (g.auth.packageAccess(p, owner) < (write ? Access.Write : Access.Read)) {
        await apiError(ctx, 403, 'user should have specific permission or be a site admin');
        return null;
    }
    return { principal: p, owner };
}
function userJson(g, ctx, u) {
    const user = u ?? { id: -1, name: 'Ghost' };
    return {
        id: user.id,
        login: user.name,
        login_name: '',
        source_id: 0,
        full_name: '',
        email: `${user.name.toLowerCase()}@noreply.localhost`,
        avatar_url: `${ctx.origin}/avatars/${user.id}`,
        html_url: `${ctx.origin}/${user.name}`,
        language: '',
        is_admin: g.auth.cfg.users.some((x) => x.id === user.id && x.admin),
        visibility: user.visibility ?? 'public',
        username: user.name,
    };
}
function creator(g, id) {
    return g.cfg.users.find((u) => u.id === id);
}
/** structs.Package; `id` is the version's id (edge 13). */
function packageJson(g, ctx, owner, pkg, v) {
    return {
        id: v.id,
        owner: userJson(g, ctx, owner),
        repository: repoJson(g, ctx, owner, pkg.repoId),
        creator: userJson(g, ctx, creator(g, v.creatorId)),
        type: pkg.type,
        name: pkg.name,
        version: v.version,
        html_url: `${ctx.origin}/${owner.name}/-/packages/${pkg.type}/${encodeURIComponent(pkg.name)}/${encodeURIComponent(v.version)}`,
        created_at: rfc3339(v.createdAt),
    };
}
/** structs.Repository, the fields a client may look at. */
function repoJson(g, ctx, owner, repoId) {
    const repo = repoId ? g.cfg.repos.find((r) => r.id === repoId) : undefined;
    if (!repo)
        return null;
    return {
        id: repo.id,
        owner: userJson(g, ctx, owner),
        name: repo.name,
        full_name: repo.fullName,
        private: owner.visibility === 'private',
        html_url: `${ctx.origin}/${repo.fullName}`,
        clone_url: `${ctx.origin}/${repo.fullName}.git`,
    };
}
function fileJson(f) {
    return { id: f.id, size: f.size, name: f.name, md5: f.md5, sha1: f.sha1, sha256: f.sha256, sha512: f.sha512 };
}
/** GET /api/v1/packages/{owner}?type=&q=&page=&limit=: one entry per version, newest first (edge 12). */
async function api_listPackages(g, ctx) {
    const r = await v1Access(g, ctx, false);
    if (!r)
        return;
    const type = (ctx.query.get('type') ?? '').trim();
    const q = (ctx.query.get('q') ?? '').trim().toLowerCase();
    const rows = [];
    for (const pkg of g.store.ownerPackages(r.owner.name)) {
        if (type !== '' && type !== 'all' && type !== pkg.type)
            continue;
        if (q && !pkg.name.toLowerCase().includes(q))
            continue;
        for (const v of g.store.packageVersions(pkg.id))
            rows.push([pkg, v]);
    }
    rows.sort((a, b) => newestFirst(a[1], b[1]));
    const out = pagination_paginate(ctx, rows, listOptions(ctx.query));
    return sendJson(ctx, 200, out.items.map(([p, v]) => packageJson(g, ctx, r.owner, p, v)), out.headers);
}
function findPackage(g, ctx, owner) {
    const type = context_decodeSegment(ctx.params.type);
    const name = context_decodeSegment(ctx.params.name);
    if (type === null || name === null || type !== 'generic')
        return undefined;
    return g.store.findPackage(owner.name, name);
}
function findVersion(g, ctx, owner) {
    const pkg = findPackage(g, ctx, owner);
    const version = context_decodeSegment(ctx.params.version);
    const v = pkg && version !== null ? g.store.findVersion(pkg.id, version) : undefined;
    return pkg && v ? { pkg, v } : undefined;
}
/** G ≥1.24: the versions of one package; `[]` while the emptied package row exists. */
async function listVersions(g, ctx) {
    const r = await v1Access(g, ctx, false);
    if (!r)
        return;
    const pkg = findPackage(g, ctx, r.owner);
    if (!pkg)
        return apiNotFound(ctx, 'package does not exist');
    const versions = g.store.packageVersions(pkg.id).sort(newestFirst);
    const out = pagination_paginate(ctx, versions, listOptions(ctx.query));
    return sendJson(ctx, 200, out.items.map((v) => packageJson(g, ctx, r.owner, pkg, v)), out.headers);
}
/** `-/latest`: the most recently created version (highest id), not the semver maximum (edge 14). */
async function latest(g, ctx) {
    const r = await v1Access(g, ctx, false);
    if (!r)
        return;
    const pkg = findPackage(g, ctx, r.owner);
    const newest = pkg ? g.store.packageVersions(pkg.id).sort((a, b) => b.id - a.id)[0] : undefined;
    if (!pkg || !newest)
        return apiNotFound(ctx, 'package does not exist');
    return sendJson(ctx, 200, packageJson(g, ctx, r.owner, pkg, newest));
}
async function getVersion(g, ctx) {
    const r = await v1Access(g, ctx, false);
    if (!r)
        return;
    const found = findVersion(g, ctx, r.owner);
    if (!found)
        return apiNotFound(ctx, 'package does not exist');
    return sendJson(ctx, 200, packageJson(g, ctx, r.owner, found.pkg, found.v));
}
/** Unpaginated, no count headers (edge 13). */
async function api_listFiles(g, ctx) {
    const r = await v1Access(g, ctx, false);
    if (!r)
        return;
    const found = findVersion(g, ctx, r.owner);
    if (!found)
        return apiNotFound(ctx, 'package does not exist');
    return sendJson(ctx, 200, g.store.versionFiles(found.v.id).map(fileJson));
}
async function api_deleteVersion(g, ctx) {
    const r = await v1Access(g, ctx, true);
    if (!r)
        return;
    const found = findVersion(g, ctx, r.owner);
    if (!found || !(await removeVersion(g, r.owner, found.pkg.name, found.v.version)))
        return apiNotFound(ctx, 'package does not exist');
    return sendEmpty(ctx, 204);
}
async function api_deletePackage(g, ctx) {
    const r = await v1Access(g, ctx, true);
    if (!r)
        return;
    const pkg = findPackage(g, ctx, r.owner);
    if (!pkg)
        return apiNotFound(ctx, 'package does not exist');
    await removePackage(g, pkg);
    return sendEmpty(ctx, 204);
}
/** POST …/-/link/{repo} → 201, POST …/-/unlink → 204; the repo must belong to the package owner. */
async function api_link(g, ctx, on) {
    const r = await v1Access(g, ctx, true);
    if (!r)
        return;
    const pkg = findPackage(g, ctx, r.owner);
    if (!pkg)
        return apiNotFound(ctx, 'package does not exist');
    let repoId = null;
    if (on) {
        const name = context_decodeSegment(ctx.params.repo);
        const repo = name === null ? undefined : g.auth.repo(r.owner.name, name);
        if (!repo)
            return apiNotFound(ctx, 'repository does not exist');
        if (!g.auth.isRepoOwner(r.principal, repo) && !(r.owner.kind === 'org' && g.auth.packageAccess(r.principal, r.owner) >= Access.Write)) {
            return apiError(ctx, 403, 'no permission to link this package and repository');
        }
        repoId = repo.id;
    }
    await g.commit({ op: 'package.link', id: pkg.id, repoId });
    return sendEmpty(ctx, on ? 201 : 204);
}

;// CONCATENATED MODULE: ./src/server/gitea/config.ts
// The `gitea:` config section: which server is imitated (Gitea or Forgejo, and its version, which
// drives the version-dependent behaviours of gitea-api.md), users, organisations, repositories,
// tokens and package quotas. Zero-config: user `demo` (public) with repo `demo/app`, a second
// user `other`, a site admin `root`, and the dev tokens giteaOwner / giteaReader / giteaOther /
// giteaAdmin / giteaActions.


const DEFAULT_VERSION = { gitea: '1.26.1', forgejo: '16.0.0' };
/** Gitea access-token scopes (models/auth/access_token_scope.go). */
const SCOPE_CATEGORIES = ['activitypub', 'admin', 'issue', 'misc', 'notification', 'organization', 'package', 'repository', 'user'];
const TOKEN_SCOPES = ['all', 'public-only', ...SCOPE_CATEGORIES.flatMap((c) => [`read:${c}`, `write:${c}`])];
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
function resolveGiteaConfig(raw) {
    const r = expectObject(raw, 'gitea');
    onlyKeys(r, ['server', 'version', 'requireSigninView', 'limitSizeGeneric', 'limitTotalOwnerSize', 'quota', 'users', 'orgs', 'tokens'], 'gitea');
    const server = optEnum(r.server, 'gitea.server', ['gitea', 'forgejo'], 'gitea');
    const version = optString(r.version, 'gitea.version', DEFAULT_VERSION[server]);
    const v = parseVersion(version);
    if (!v)
        throw new ConfigError('gitea.version', `expected a version such as ${DEFAULT_VERSION[server]}, got ${JSON.stringify(version)}`);
    const userEntries = r.users === undefined
        ? [{ name: 'demo', password: 'demo-password', repos: ['app'] }, { name: 'other', password: 'other-password' }, { name: 'root', password: 'root-password', admin: true }]
        : expectArray(r.users, 'gitea.users');
    const repos = [];
    const users = userEntries.map((u, i) => {
        const key = `gitea.users[${i}]`;
        const o = typeof u === 'string' ? { name: u } : expectObject(u, key);
        onlyKeys(o, ['name', 'id', 'password', 'admin', 'visibility', 'repos'], key);
        const name = ownerName(o.name, `${key}.name`);
        for (const [j, repo] of optStringList(o.repos, `${key}.repos`, []).entries())
            repos.push(newRepo(name, repo, `${key}.repos[${j}]`));
        return {
            id: optInt(o.id, `${key}.id`, i + 1, 1),
            name,
            password: optString(o.password, `${key}.password`, `${name}-password`),
            admin: optBool(o.admin, `${key}.admin`, false),
            visibility: optEnum(o.visibility, `${key}.visibility`, ['public', 'limited', 'private'], 'public'),
        };
    });
    const userNames = new Set(users.map((u) => u.name.toLowerCase()));
    const maxUserId = Math.max(0, ...users.map((u) => u.id));
    const orgs = expectArray(r.orgs, 'gitea.orgs').map((g, i) => {
        const key = `gitea.orgs[${i}]`;
        const o = expectObject(g, key);
        onlyKeys(o, ['name', 'id', 'visibility', 'members', 'repos'], key);
        const name = ownerName(o.name, `${key}.name`);
        const members = {};
        for (const [user, role] of Object.entries(expectObject(o.members, `${key}.members`))) {
            if (!userNames.has(user.toLowerCase()))
                throw new ConfigError(`${key}.members.${user}`, `unknown user (declared users: ${users.map((u) => u.name).join(', ')})`);
            members[user.toLowerCase()] = optEnum(role, `${key}.members.${user}`, ['read', 'write', 'owner'], 'read');
        }
        for (const [j, repo] of optStringList(o.repos, `${key}.repos`, []).entries())
            repos.push(newRepo(name, repo, `${key}.repos[${j}]`));
        return {
            id: optInt(o.id, `${key}.id`, maxUserId + i + 1, 1),
            name,
            visibility: optEnum(o.visibility, `${key}.visibility`, ['public', 'limited', 'private'], 'public'),
            members,
        };
    });
    const owners = [...users.map((u) => ({ name: u.name, id: u.id })), ...orgs.map((o) => ({ name: o.name, id: o.id }))];
    config_unique(owners.map((o) => o.name.toLowerCase()), 'gitea.users/orgs', 'name');
    config_unique(owners.map((o) => String(o.id)), 'gitea.users/orgs', 'id');
    config_unique(repos.map((x) => x.fullName.toLowerCase()), 'gitea.repos', 'name');
    repos.forEach((x, i) => (x.id = i + 1));
    const tokensRaw = r.tokens === undefined ? config_defaultTokens(users, repos) : expectObject(r.tokens, 'gitea.tokens');
    const tokens = Object.entries(tokensRaw).map(([name, t]) => {
        const key = `gitea.tokens.${name}`;
        if (name === 'admin')
            throw new ConfigError(key, 'the name `admin` is taken by the admin token (RunningServer.tokens.admin); choose another');
        if (!isObject(t))
            throw new ConfigError(key, 'a token must be a mapping with `user` (personal) or `type: actions` and `repo`');
        const type = optEnum(t.type, `${key}.type`, ['personal', 'actions'], 'personal');
        const value = optString(t.value, `${key}.value`, devTokenValue(name));
        if (!value || /\s/.test(value))
            throw new ConfigError(`${key}.value`, 'must be non-empty and contain no whitespace');
        if (type === 'actions') {
            onlyKeys(t, ['type', 'value', 'repo'], key);
            const repo = reqString(t.repo, `${key}.repo`);
            if (!repos.some((x) => x.fullName.toLowerCase() === repo.toLowerCase()))
                throw new ConfigError(`${key}.repo`, `unknown repo ${JSON.stringify(repo)} (declare it under users[].repos or orgs[].repos)`);
            return { name, type, value, repo };
        }
        onlyKeys(t, ['type', 'value', 'user', 'scopes'], key);
        const user = reqString(t.user, `${key}.user`);
        if (!userNames.has(user.toLowerCase()))
            throw new ConfigError(`${key}.user`, `unknown user ${JSON.stringify(user)}`);
        const scopes = optStringList(t.scopes, `${key}.scopes`, ['all']);
        scopes.forEach((s, i) => {
            if (!TOKEN_SCOPES.includes(s))
                throw new ConfigError(`${key}.scopes[${i}]`, `unknown scope ${JSON.stringify(s)} (allowed: ${TOKEN_SCOPES.join(', ')})`);
        });
        return { name, type, value, user, scopes };
    });
    config_unique(tokens.map((t) => t.value), 'gitea.tokens', 'value');
    return {
        server,
        version,
        features: features(server, v, version),
        requireSigninView: optBool(r.requireSigninView, 'gitea.requireSigninView', false),
        limitSizeGeneric: optLimit(r.limitSizeGeneric, 'gitea.limitSizeGeneric'),
        limitTotalOwnerSize: optLimit(r.limitTotalOwnerSize, 'gitea.limitTotalOwnerSize'),
        quota: server === 'forgejo' ? optLimit(r.quota, 'gitea.quota') : rejectQuota(r.quota),
        users,
        orgs,
        repos,
        tokens,
    };
}
function rejectQuota(v) {
    if (v !== undefined && v !== null)
        throw new ConfigError('gitea.quota', 'the [quota] subsystem is Forgejo only (set server: forgejo), use limitTotalOwnerSize for Gitea');
    return -1;
}
/** -1 / "-1" = unlimited, else a size. */
function optLimit(v, key) {
    if (v === -1 || v === '-1')
        return -1;
    return optSize(v, key, -1);
}
function ownerName(v, key) {
    const name = reqString(v, key);
    if (!NAME.test(name))
        throw new ConfigError(key, `must be a Gitea user/org name (letters, digits, _ . -), got ${JSON.stringify(name)}`);
    return name;
}
function newRepo(owner, repo, key) {
    if (!NAME.test(repo))
        throw new ConfigError(key, `must be a repository name (letters, digits, _ . -), got ${JSON.stringify(repo)}`);
    return { id: 0, owner, name: repo, fullName: `${owner}/${repo}` };
}
/** Gitea tokens are 40 hex digits; dev tokens are derived from their name so they stay stable. */
function devTokenValue(name) {
    return (0,external_node_crypto_.createHash)('sha1').update(`relpack-serve-gitea-${name}`).digest('hex');
}
function config_defaultTokens(users, repos) {
    const t = {};
    const has = (n) => users.some((u) => u.name === n);
    if (has('demo')) {
        t.giteaOwner = { user: 'demo', scopes: ['write:package', 'write:repository'] };
        t.giteaReader = { user: 'demo', scopes: ['read:package'] };
    }
    if (has('other'))
        t.giteaOther = { user: 'other', scopes: ['write:package', 'write:repository'] };
    const admin = users.find((u) => u.admin);
    if (admin)
        t.giteaAdmin = { user: admin.name, scopes: ['all'] };
    const repo = repos.find((x) => x.fullName === 'demo/app') ?? repos[0];
    if (repo)
        t.giteaActions = { type: 'actions', repo: repo.fullName };
    return t;
}
function config_unique(values, key, field) {
    const seen = new Set();
    values.forEach((v, i) => {
        if (seen.has(v))
            throw new ConfigError(`${key}[${i}].${field}`, `duplicate ${field} ${JSON.stringify(v)}`);
        seen.add(v);
    });
}
function parseVersion(s) {
    const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+].*)?$/.exec(s.trim());
    return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : null;
}
function atLeast(v, min) {
    for (let i = 0; i < 3; i++)
        if (v[i] !== min[i])
            return v[i] > min[i];
    return true;
}
function features(server, v, version) {
    if (server === 'forgejo') {
        return {
            // HEAD handler added 2026-06-18 and backported to v15.0; absent in tags ≤ v15.0.3 (§6).
            head: atLeast(v, [15, 0, 4]) ? 'forgejo' : 'none',
            attachment: true,
            perPackageApi: false,
            variablesApi: atLeast(v, [8, 0, 0]),
            variableCreateStatus: 204,
            variableDescription: false,
            descriptionOverwrite: false,
            variableDataLimit: false,
            variablesLink: false,
            anonymousV1: atLeast(v, [12, 0, 0]),
            multipartErrorStatus: 400,
            legacyNames: false,
            forgejoPrefix: true,
            versionString: `${version}+gitea-1.22.0`,
        };
    }
    return {
        head: atLeast(v, [1, 25, 0]) ? 'get' : 'none',
        attachment: !atLeast(v, [1, 26, 0]),
        perPackageApi: atLeast(v, [1, 24, 0]),
        variablesApi: atLeast(v, [1, 22, 0]),
        variableCreateStatus: atLeast(v, [1, 25, 0]) ? 201 : 204,
        variableDescription: true,
        descriptionOverwrite: atLeast(v, [1, 24, 0]),
        variableDataLimit: atLeast(v, [1, 24, 0]),
        variablesLink: true,
        anonymousV1: false,
        multipartErrorStatus: 500,
        legacyNames: !atLeast(v, [1, 22, 0]),
        forgejoPrefix: false,
        versionString: version,
    };
}

;// CONCATENATED MODULE: ./src/server/gitea/variables.ts
// Actions variables API at repo, org and user level (gitea-api.md §5, edge case 15).







const BASES = {
    repo: { base: '/api/v1/repos/:owner/:repo/actions/variables', id: 'gitea.variables' },
    org: { base: '/api/v1/orgs/:org/actions/variables', id: 'gitea.variables.org' },
    user: { base: '/api/v1/user/actions/variables', id: 'gitea.variables.user' },
};
function variables_registerVariableRoutes(router, g) {
    if (!g.cfg.features.variablesApi)
        return; // G <1.22, F <v8: no such API
    for (const level of ['repo', 'org', 'user']) {
        const { base, id } = BASES[level];
        router.add({ id: `${id}.list`, method: 'GET', pattern: base, handler: (c) => variables_list(g, c, level) });
        router.add({ id: `${id}.get`, method: 'GET', pattern: `${base}/:name`, handler: (c) => variables_get(g, c, level) });
        router.add({ id: `${id}.create`, method: 'POST', pattern: `${base}/:name`, handler: (c) => variables_create(g, c, level) });
        router.add({ id: `${id}.update`, method: 'PUT', pattern: `${base}/:name`, handler: (c) => variables_update(g, c, level) });
        router.add({ id: `${id}.delete`, method: 'DELETE', pattern: `${base}/:name`, handler: (c) => variables_remove(g, c, level) });
    }
}
const CATEGORY = { repo: 'repository', org: 'organization', user: 'user' };
/**
 * reqToken → token scope (`repository` / `organization` / `user`) → repo/org lookup (404) →
 * reqOwner (403). Job tokens are never the owner, so they get 403 even for reads (§5 "Job token").
 */
async function variables_access(g, ctx, level, write) {
    const a = g.auth.authenticate(ctx);
    if (!a.ok) {
        await apiError(ctx, 401, 'Failed to authenticate user');
        return null;
    }
    const p = a.principal;
    if (p.kind === 'anonymous') {
        await apiError(ctx, 401, 'token is required');
        return null;
    }
    const category = CATEGORY[level];
    if (!hasScope(p, category, write)) {
        const scopes = p.kind === 'user' && p.token ? p.token.scopes.join(',') : '';
        await apiError(ctx, 403, `token does not have at least one of required scope(s), required=[${write ? 'write' : 'read'}:${category}], token scope=${scopes}`);
        return null;
    }
    if (level === 'repo') {
        const owner = context_decodeSegment(ctx.params.owner);
        const name = context_decodeSegment(ctx.params.repo);
        const repo = owner === null || name === null ? undefined : g.auth.repo(owner, name);
        if (!repo) {
            await apiNotFound(ctx);
            return null;
        }
        if (!g.auth.isRepoOwner(p, repo)) {
            await apiError(ctx, 403, 'user should be the owner of the repo');
            return null;
        }
        return { key: `repo:${repo.fullName.toLowerCase()}`, ownerId: 0, repoId: repo.id };
    }
    if (level === 'org') {
        const name = context_decodeSegment(ctx.params.org);
        const owner = name === null ? undefined : g.auth.owner(name);
        if (!owner || owner.kind !== 'org') {
            await apiNotFound(ctx);
            return null;
        }
        if (!g.auth.isOrgOwner(p, owner.org)) {
            await apiError(ctx, 403, 'must be an organization owner');
            return null;
        }
        return { key: `org:${owner.name.toLowerCase()}`, ownerId: owner.id, repoId: 0 };
    }
    if (p.kind !== 'user') {
        await apiError(ctx, 403, 'user should be the owner of the repo');
        return null;
    }
    return { key: `user:${p.user.name.toLowerCase()}`, ownerId: p.user.id, repoId: 0 };
}
function variables_entity(g, v) {
    const out = { owner_id: v.ownerId, repo_id: v.repoId, name: v.name, data: v.data };
    if (g.cfg.features.variableDescription)
        out.description = v.description;
    return out;
}
function pathName(ctx) {
    return (context_decodeSegment(ctx.params.name) ?? ctx.params.name ?? '').toUpperCase();
}
async function variables_list(g, ctx, level) {
    const s = await variables_access(g, ctx, level, false);
    if (!s)
        return;
    const out = pagination_paginate(ctx, g.store.variables(s.key), listOptions(ctx.query), { link: g.cfg.features.variablesLink });
    return sendJson(ctx, 200, out.items.map((v) => variables_entity(g, v)), out.headers);
}
async function variables_get(g, ctx, level) {
    const s = await variables_access(g, ctx, level, false);
    if (!s)
        return;
    const v = g.store.variable(s.key, pathName(ctx));
    if (!v)
        return apiError(ctx, 404, 'variable not found');
    return sendJson(ctx, 200, variables_entity(g, v));
}
/** web.Bind: a JSON (or form) body; `value` is `binding:"Required"` → 422 when missing or empty. */
async function readBody(ctx) {
    let buf;
    try {
        buf = await readSmallBody(ctx);
    }
    catch (e) {
        if (e instanceof BodyAbortedError)
            return 'aborted';
        throw e;
    }
    if (buf === null)
        return 'invalid';
    const text = buf.toString('utf8');
    if (text.trim() === '')
        return {};
    const type = (ctx.req.headers['content-type'] ?? '').toLowerCase();
    if (type.startsWith('application/x-www-form-urlencoded'))
        return Object.fromEntries(new URLSearchParams(text));
    try {
        const j = JSON.parse(text);
        return typeof j === 'object' && j !== null && !Array.isArray(j) ? j : 'invalid';
    }
    catch {
        return 'invalid';
    }
}
function str(v) {
    return typeof v === 'string' ? v : undefined;
}
async function bodyOrError(ctx) {
    const b = await readBody(ctx);
    if (b === 'aborted')
        return null;
    if (b === 'invalid') {
        await sendJson(ctx, 422, [{ fieldNames: [], classification: 'DeserializationError', message: 'invalid JSON body' }]);
        return null;
    }
    const value = str(b.value);
    if (!value) {
        await requiredError(ctx, 'Value');
        return null;
    }
    return { value, description: str(b.description), name: str(b.name) };
}
/** Data has CRLF normalised to LF; G ≥1.24 caps data at 65536 characters and truncates the description to 4096. */
function checkData(g, data) {
    const d = data.replace(/\r\n/g, '\n');
    if (g.cfg.features.variableDataLimit && d.length > 65536)
        return null;
    return d;
}
async function variables_create(g, ctx, level) {
    const s = await variables_access(g, ctx, level, true);
    if (!s)
        return;
    const body = await bodyOrError(ctx);
    if (!body)
        return;
    const name = pathName(ctx);
    if (g.store.variable(s.key, name))
        return apiError(ctx, 409, `variable name ${name} already exists`);
    if (!validVariableName(name, g.cfg.features))
        return apiError(ctx, 400, 'invalid variable or secret name');
    const data = checkData(g, body.value);
    if (data === null)
        return apiError(ctx, 400, 'data too long');
    await g.commit({
        op: 'variable.put',
        row: { scope: s.key, ownerId: s.ownerId, repoId: s.repoId, name, data, description: (body.description ?? '').slice(0, 4096), createdAt: nowIsoMs() },
    });
    // 201 in G ≥1.25 (#34517), 204 in older Gitea and in Forgejo.
    return sendEmpty(ctx, g.cfg.features.variableCreateStatus);
}
async function variables_update(g, ctx, level) {
    const s = await variables_access(g, ctx, level, true);
    if (!s)
        return;
    const body = await bodyOrError(ctx);
    if (!body)
        return;
    const current = g.store.variable(s.key, pathName(ctx));
    if (!current)
        return apiError(ctx, 404, 'variable not found');
    // A missing or empty `name` keeps the current name.
    const name = body.name ? body.name.toUpperCase() : current.name;
    if (!validVariableName(name, g.cfg.features))
        return apiError(ctx, 400, 'invalid variable or secret name');
    if (name !== current.name && g.store.variable(s.key, name))
        return apiError(ctx, 409, `variable name ${name} already exists`);
    const data = checkData(g, body.value);
    if (data === null)
        return apiError(ctx, 400, 'data too long');
    // G ≥1.24 overwrites the description: leaving it out clears it.
    const description = body.description !== undefined || g.cfg.features.descriptionOverwrite ? (body.description ?? '').slice(0, 4096) : current.description;
    await g.commit({ op: 'variable.put', row: { ...current, name, data, description }, previousName: current.name });
    return sendEmpty(ctx, 204);
}
async function variables_remove(g, ctx, level) {
    const s = await variables_access(g, ctx, level, true);
    if (!s)
        return;
    const v = g.store.variable(s.key, pathName(ctx));
    if (!v)
        return apiError(ctx, 404, 'variable not found');
    await g.commit({ op: 'variable.delete', scope: s.key, name: v.name });
    return sendEmpty(ctx, 204);
}

;// CONCATENATED MODULE: ./src/server/gitea/index.ts








const giteaFlavour = {
    key: 'gitea',
    resolveConfig: (raw) => resolveGiteaConfig(raw),
    create(env, cfg) {
        const store = new GiteaStore();
        const g = {
            cfg,
            auth: new GiteaAuth(cfg),
            store,
            env,
            lock: keyedLock(),
            async commit(r) {
                await env.journal(store_asRecord(r));
                store.apply(r);
            },
        };
        packages_registerPackageRoutes(env.router, g);
        registerApiRoutes(env.router, g);
        variables_registerVariableRoutes(env.router, g);
        const label = cfg.server === 'forgejo' ? 'Forgejo' : 'Gitea';
        return {
            apply: (r) => store.apply(r),
            snapshot: () => store.snapshot().map((r) => ({ ns: 'gitea', ...store_asRecord(r) })),
            liveBlobs: () => store.liveBlobs(),
            tokens: () => Object.fromEntries(cfg.tokens.map((t) => [t.name, t.value])),
            banner: (url) => [
                `${label} ${cfg.version} API  ${url}/api/v1  (GITHUB_API_URL=${url}/api/v1)`,
                `  packages: ${url}/api/packages/<owner>/generic/<name>/<version>/<file>`,
                ...cfg.users.map((u) => `  user ${u.name} (${u.visibility}${u.admin ? ', site admin' : ''})  password ${u.password}`),
                ...cfg.orgs.map((o) => `  org ${o.name} (${o.visibility})  ${Object.entries(o.members).map(([m, r]) => `${m}:${r}`).join(' ')}`),
                ...cfg.repos.map((r) => `  repo ${r.fullName}`),
                '  tokens (Authorization: token <value>):',
                ...cfg.tokens.map((t) => `    ${t.name.padEnd(12)} ${t.value}  ${gitea_describeToken(t)}`),
            ],
            notFound: async (ctx) => {
                if (ctx.rawPath.startsWith('/api/packages/')) {
                    await plain(ctx, 404, '404 page not found\n');
                    return true;
                }
                if (ctx.rawPath === '/api/v1' || ctx.rawPath.startsWith('/api/v1/')) {
                    await apiNotFound(ctx);
                    return true;
                }
                return false;
            },
        };
    },
};
function gitea_describeToken(t) {
    return t.type === 'actions' ? `Actions job token of ${t.repo} (read-only for packages)` : `PAT of ${t.user}, scopes ${t.scopes.join(',')}`;
}

;// CONCATENATED MODULE: ./src/server/github/config.ts
// The `github:` config section: repositories and tokens for the GitHub repository-variables API
// shape (gitea-api.md §7), mounted GHES-style under /api/v3. Zero-config: repo `demo/app`, tokens
// githubAdmin (variables: write), githubReader (variables: read) and githubActions (the Actions
// GITHUB_TOKEN of demo/app).


const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
function resolveGithubConfig(raw) {
    const r = expectObject(raw, 'github');
    onlyKeys(r, ['repos', 'tokens'], 'github');
    const repos = optStringList(r.repos, 'github.repos', ['demo/app']);
    repos.forEach((x, i) => {
        if (!REPO.test(x))
            throw new ConfigError(`github.repos[${i}]`, `must look like owner/repo, got ${JSON.stringify(x)}`);
    });
    const known = (x) => repos.some((y) => y.toLowerCase() === x.toLowerCase());
    const tokensRaw = r.tokens === undefined ? github_config_defaultTokens(repos[0]) : expectObject(r.tokens, 'github.tokens');
    const tokens = Object.entries(tokensRaw).map(([name, t]) => {
        const key = `github.tokens.${name}`;
        if (name === 'admin')
            throw new ConfigError(key, 'the name `admin` is taken by the admin token (RunningServer.tokens.admin); choose another');
        if (!isObject(t))
            throw new ConfigError(key, 'a token must be a mapping (`variables: write|read|none`, or `type: actions` with `repo`)');
        const type = optEnum(t.type, `${key}.type`, ['pat', 'actions'], 'pat');
        if (type === 'actions') {
            onlyKeys(t, ['type', 'value', 'repo'], key);
            const repo = reqString(t.repo, `${key}.repo`);
            if (!known(repo))
                throw new ConfigError(`${key}.repo`, `unknown repo ${JSON.stringify(repo)} (declared: ${repos.join(', ')})`);
            return { name, type, value: optString(t.value, `${key}.value`, devValue('ghs_', name)), repo };
        }
        onlyKeys(t, ['type', 'value', 'variables', 'repos'], key);
        const only = t.repos === undefined ? null : optStringList(t.repos, `${key}.repos`, []);
        only?.forEach((x, i) => {
            if (!known(x))
                throw new ConfigError(`${key}.repos[${i}]`, `unknown repo ${JSON.stringify(x)}`);
        });
        return {
            name, type,
            value: optString(t.value, `${key}.value`, devValue('ghp_', name)),
            variables: optEnum(t.variables, `${key}.variables`, ['write', 'read', 'none'], 'write'),
            repos: only,
        };
    });
    const seen = new Set();
    tokens.forEach((t) => {
        if (!t.value || /\s/.test(t.value))
            throw new ConfigError(`github.tokens.${t.name}.value`, 'must be non-empty and contain no whitespace');
        if (seen.has(t.value))
            throw new ConfigError(`github.tokens.${t.name}.value`, 'duplicate token value');
        seen.add(t.value);
    });
    return { repos, tokens };
}
function github_config_defaultTokens(repo) {
    const t = { githubAdmin: { variables: 'write' }, githubReader: { variables: 'read' } };
    if (repo)
        t.githubActions = { type: 'actions', repo };
    return t;
}
/** `ghp_`/`ghs_` + 36 characters, derived from the name so dev tokens stay stable. */
function devValue(prefix, name) {
    return prefix + (0,external_node_crypto_.createHash)('sha256').update(`relpack-serve-github-${name}`).digest('base64url').replace(/[-_]/g, 'x').slice(0, 36);
}

;// CONCATENATED MODULE: ./src/server/github/store.ts
class GithubStore {
    #byRepo = new Map();
    apply(r) {
        if (r.op === 'variable.put') {
            const m = this.#byRepo.get(r.row.repo) ?? new Map();
            if (r.previousName)
                m.delete(r.previousName);
            m.set(r.row.name, { ...r.row });
            this.#byRepo.set(r.row.repo, m);
        }
        else if (r.op === 'variable.delete') {
            this.#byRepo.get(r.repo)?.delete(r.name);
        }
    }
    snapshot() {
        return [...this.#byRepo.values()].flatMap((m) => [...m.values()].map((row) => ({ op: 'variable.put', row: { ...row } })));
    }
    /** Sorted by name. */
    variables(repo) {
        return [...(this.#byRepo.get(repo)?.values() ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    }
    variable(repo, name) {
        return this.#byRepo.get(repo)?.get(name.toUpperCase());
    }
}
function github_store_asRecord(r) {
    return r;
}

;// CONCATENATED MODULE: ./src/server/github/variables.ts


const variables_BASE = '/api/v3/repos/:owner/:repo/actions/variables';
const DOCS = 'https://docs.github.com/rest/actions/variables';
function registerGithubRoutes(router, g) {
    router.add({ id: 'github.variables.list', method: 'GET', pattern: variables_BASE, handler: (c) => github_variables_list(g, c) });
    router.add({ id: 'github.variables.create', method: 'POST', pattern: variables_BASE, handler: (c) => github_variables_create(g, c) });
    router.add({ id: 'github.variables.get', method: 'GET', pattern: `${variables_BASE}/:name`, handler: (c) => github_variables_get(g, c) });
    router.add({ id: 'github.variables.update', method: 'PATCH', pattern: `${variables_BASE}/:name`, handler: (c) => github_variables_update(g, c) });
    router.add({ id: 'github.variables.delete', method: 'DELETE', pattern: `${variables_BASE}/:name`, handler: (c) => github_variables_remove(g, c) });
}
const API_HEADERS = { 'x-github-api-version-selected': '2022-11-28', 'x-github-media-type': 'github.v3; format=json' };
function githubError(ctx, status, message, doc = 'https://docs.github.com/rest') {
    return sendJson(ctx, status, { message, documentation_url: doc, status: String(status) }, { 'content-type': 'application/json; charset=utf-8', ...API_HEADERS });
}
function ok(ctx, status, body, headers = {}) {
    return sendJson(ctx, status, body, { 'content-type': 'application/json; charset=utf-8', ...API_HEADERS, ...headers });
}
/**
 * Bearer/token (or Basic with the token as password) → repo visible to the token (else 404, as
 * GitHub hides repos) → the Actions GITHUB_TOKEN has no variables permission at all (403
 * "Resource not accessible by integration", §7) → a PAT needs variables read/write.
 */
async function github_variables_access(g, ctx, write) {
    const header = ctx.req.headers.authorization;
    if (!header) {
        await githubError(ctx, 401, 'Requires authentication');
        return null;
    }
    const token = findToken(g.cfg, header);
    if (!token) {
        await githubError(ctx, 401, 'Bad credentials');
        return null;
    }
    const wanted = `${decode(ctx.params.owner)}/${decode(ctx.params.repo)}`.toLowerCase();
    const repo = g.cfg.repos.find((r) => r.toLowerCase() === wanted);
    const reachable = repo && (token.type === 'actions' ? token.repo.toLowerCase() === wanted : !token.repos || token.repos.some((r) => r.toLowerCase() === wanted));
    if (!repo || !reachable) {
        await githubError(ctx, 404, 'Not Found');
        return null;
    }
    if (token.type === 'actions') {
        await githubError(ctx, 403, 'Resource not accessible by integration', `${DOCS}#list-repository-variables`);
        return null;
    }
    if (token.variables === 'none' || (write && token.variables !== 'write')) {
        await githubError(ctx, 403, 'Resource not accessible by personal access token', `${DOCS}#list-repository-variables`);
        return null;
    }
    return repo.toLowerCase();
}
function findToken(cfg, header) {
    const [scheme = '', cred = ''] = header.trim().split(/\s+/);
    let value = cred;
    if (/^basic$/i.test(scheme)) {
        const decoded = Buffer.from(cred, 'base64').toString('utf8');
        value = decoded.slice(decoded.indexOf(':') + 1) || decoded.slice(0, decoded.indexOf(':'));
    }
    else if (!/^(bearer|token)$/i.test(scheme))
        return undefined;
    return cfg.tokens.find((t) => t.value === value);
}
function decode(s) {
    try {
        return decodeURIComponent(s ?? '');
    }
    catch {
        return s ?? '';
    }
}
/** Alphanumerics and `_`, not starting with a digit or `GITHUB_` (§7 "Naming"). */
function validName(name) {
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !name.toUpperCase().startsWith('GITHUB_');
}
const INVALID_NAME = 'Failed to create variable. Variable names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_). Spaces are not allowed. Must start with a letter ([a-z], [A-Z]) or underscores (_). Must not start with GITHUB_.';
function github_variables_entity(v) {
    return { name: v.name, value: v.value, created_at: v.createdAt, updated_at: v.updatedAt };
}
function now() {
    return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}
function variables_intParam(v, dflt) {
    if (v === null || !/^\d+$/.test(v.trim()))
        return dflt;
    return Number(v);
}
async function github_variables_list(g, ctx) {
    const repo = await github_variables_access(g, ctx, false);
    if (!repo)
        return;
    // per_page default 10, max 30 (§7).
    const perPage = Math.min(30, Math.max(1, variables_intParam(ctx.query.get('per_page'), 10)));
    const page = Math.max(1, variables_intParam(ctx.query.get('page'), 1));
    const all = g.store.variables(repo);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const url = (p) => {
        const q = new URLSearchParams(ctx.query);
        q.set('per_page', String(perPage));
        q.set('page', String(p));
        return `<${ctx.origin}${ctx.rawPath}?${q.toString()}>`;
    };
    const links = [];
    if (page > 1)
        links.push(`${url(Math.min(page - 1, last))}; rel="prev"`);
    if (page < last)
        links.push(`${url(page + 1)}; rel="next"`, `${url(last)}; rel="last"`);
    if (page > 1)
        links.push(`${url(1)}; rel="first"`);
    return ok(ctx, 200, { total_count: all.length, variables: all.slice((page - 1) * perPage, page * perPage).map(github_variables_entity) }, links.length ? { link: links.join(', ') } : {});
}
async function github_variables_get(g, ctx) {
    const repo = await github_variables_access(g, ctx, false);
    if (!repo)
        return;
    const v = g.store.variable(repo, decode(ctx.params.name));
    if (!v)
        return githubError(ctx, 404, 'Not Found', `${DOCS}#get-a-repository-variable`);
    return ok(ctx, 200, github_variables_entity(v));
}
async function readJson(ctx) {
    let buf;
    try {
        buf = await readSmallBody(ctx);
    }
    catch (e) {
        if (e instanceof BodyAbortedError)
            return null;
        throw e;
    }
    if (buf === null) {
        await githubError(ctx, 413, 'Request body too large');
        return null;
    }
    const text = buf.toString('utf8');
    if (text.trim() === '')
        return {};
    try {
        const j = JSON.parse(text);
        if (typeof j === 'object' && j !== null && !Array.isArray(j))
            return j;
    }
    catch {
        /* answered below */
    }
    await githubError(ctx, 400, 'Problems parsing JSON');
    return null;
}
/** POST …/variables {name, value} → 201 `{}`. 409 on an existing name is our choice (§7 "Not confirmed"). */
async function github_variables_create(g, ctx) {
    const repo = await github_variables_access(g, ctx, true);
    if (!repo)
        return;
    const body = await readJson(ctx);
    if (!body)
        return;
    for (const field of ['name', 'value']) {
        if (typeof body[field] !== 'string')
            return githubError(ctx, 422, `Invalid request.\n\n"${field}" wasn't supplied.`, `${DOCS}#create-a-repository-variable`);
    }
    const name = body.name;
    if (!validName(name))
        return githubError(ctx, 422, INVALID_NAME, `${DOCS}#create-a-repository-variable`);
    if (g.store.variable(repo, name))
        return githubError(ctx, 409, 'Already exists', `${DOCS}#create-a-repository-variable`);
    const t = now();
    await g.commit({ op: 'variable.put', row: { repo, name: name.toUpperCase(), value: body.value, createdAt: t, updatedAt: t } });
    return ok(ctx, 201, {});
}
/** PATCH …/variables/{name} {name?, value?} → 204. */
async function github_variables_update(g, ctx) {
    const repo = await github_variables_access(g, ctx, true);
    if (!repo)
        return;
    const body = await readJson(ctx);
    if (!body)
        return;
    const current = g.store.variable(repo, decode(ctx.params.name));
    if (!current)
        return githubError(ctx, 404, 'Not Found', `${DOCS}#update-a-repository-variable`);
    if (body.name !== undefined && typeof body.name !== 'string')
        return githubError(ctx, 422, 'Invalid request.\n\nFor \'properties/name\', is not a string.', `${DOCS}#update-a-repository-variable`);
    if (body.value !== undefined && typeof body.value !== 'string')
        return githubError(ctx, 422, 'Invalid request.\n\nFor \'properties/value\', is not a string.', `${DOCS}#update-a-repository-variable`);
    const name = body.name ? body.name : current.name;
    if (!validName(name))
        return githubError(ctx, 422, INVALID_NAME, `${DOCS}#update-a-repository-variable`);
    if (name.toUpperCase() !== current.name && g.store.variable(repo, name))
        return githubError(ctx, 409, 'Already exists', `${DOCS}#update-a-repository-variable`);
    await g.commit({
        op: 'variable.put',
        row: { ...current, name: name.toUpperCase(), value: body.value ?? current.value, updatedAt: now() },
        previousName: current.name,
    });
    return sendEmpty(ctx, 204, API_HEADERS);
}
async function github_variables_remove(g, ctx) {
    const repo = await github_variables_access(g, ctx, true);
    if (!repo)
        return;
    const v = g.store.variable(repo, decode(ctx.params.name));
    if (!v)
        return githubError(ctx, 404, 'Not Found', `${DOCS}#delete-a-repository-variable`);
    await g.commit({ op: 'variable.delete', repo, name: v.name });
    return sendEmpty(ctx, 204, API_HEADERS);
}

;// CONCATENATED MODULE: ./src/server/github/index.ts



const githubFlavour = {
    key: 'github',
    resolveConfig: (raw) => resolveGithubConfig(raw),
    create(env, cfg) {
        const store = new GithubStore();
        registerGithubRoutes(env.router, {
            cfg,
            store,
            async commit(r) {
                await env.journal(github_store_asRecord(r));
                store.apply(r);
            },
        });
        return {
            apply: (r) => store.apply(r),
            snapshot: () => store.snapshot().map((r) => ({ ns: 'github', ...github_store_asRecord(r) })),
            liveBlobs: () => [],
            tokens: () => Object.fromEntries(cfg.tokens.map((t) => [t.name, t.value])),
            banner: (url) => [
                `GitHub variables API  ${url}/api/v3  (GITHUB_API_URL=${url}/api/v3)`,
                ...cfg.repos.map((r) => `  repo ${r}  ${url}/api/v3/repos/${r}/actions/variables`),
                '  tokens (Authorization: Bearer <value>):',
                ...cfg.tokens.map((t) => `    ${t.name.padEnd(14)} ${t.value}  ${t.type === 'actions' ? `Actions GITHUB_TOKEN of ${t.repo} (no variables access)` : `variables: ${t.variables}`}`),
            ],
            notFound: async (ctx) => {
                if (ctx.rawPath !== '/api/v3' && !ctx.rawPath.startsWith('/api/v3/'))
                    return false;
                await githubError(ctx, 404, 'Not Found');
                return true;
            },
        };
    },
};

;// CONCATENATED MODULE: ./src/server/flavours.ts



const flavours = [gitlabFlavour, giteaFlavour, githubFlavour];
/** Top-level config keys reserved for flavours that are not implemented yet (accepted, ignored). */
const reservedSections = [];

;// CONCATENATED MODULE: ./src/server/config.ts
// Server configuration: the YAML file (`relpack serve --config FILE`) and/or an object, merged over
// zero-config defaults, validated with messages that name the bad key. Flavour sections
// (`gitlab:`, `gitea:`) are resolved by their flavour module (see flavours.ts).







const COMMON_KEYS = ['storage', 'admin', 'objectStorage', 'faults'];
async function loadConfig(opts) {
    let merged = {};
    if (opts.configFile) {
        let text;
        try {
            text = await (0,promises_.readFile)(opts.configFile, 'utf8');
        }
        catch (e) {
            throw new ConfigError('(file)', `cannot read ${opts.configFile}: ${e.message}`);
        }
        let doc;
        try {
            doc = (0,dist/* parse */.qg)(text);
        }
        catch (e) {
            throw new ConfigError('(file)', `${opts.configFile} is not valid YAML: ${e.message}`);
        }
        merged = expectObject(doc ?? {}, '(file)');
    }
    if (opts.config)
        merged = deepMerge(merged, expectObject(opts.config, '(config)'));
    return resolveConfig(merged);
}
function resolveConfig(raw) {
    const flavourKeys = flavours.map((f) => f.key);
    onlyKeys(raw, [...COMMON_KEYS, ...flavourKeys, ...reservedSections.filter((k) => !flavourKeys.includes(k))], '');
    const storage = expectObject(raw.storage, 'storage');
    onlyKeys(storage, ['fsync'], 'storage');
    const admin = expectObject(raw.admin, 'admin');
    onlyKeys(admin, ['token'], 'admin');
    const os = expectObject(raw.objectStorage, 'objectStorage');
    onlyKeys(os, ['enabled', 'port', 'expiresSeconds', 'bucket', 'secret'], 'objectStorage');
    const bucket = optString(os.bucket, 'objectStorage.bucket', 'relpack-packages');
    if (!/^[a-z0-9][a-z0-9.-]{1,62}$/.test(bucket))
        throw new ConfigError('objectStorage.bucket', 'must be an S3-style bucket name (lower-case letters, digits, dots, hyphens)');
    const faults = expectArray(raw.faults, 'faults').map((f, i) => parseFaultSpec(f, `faults[${i}]`));
    const resolved = {
        storage: { fsync: optBool(storage.fsync, 'storage.fsync', true) },
        admin: { token: optString(admin.token, 'admin.token', 'relpack-admin-dev') },
        objectStorage: {
            enabled: optBool(os.enabled, 'objectStorage.enabled', false),
            port: optInt(os.port, 'objectStorage.port', 0, 0, 65535),
            expiresSeconds: optInt(os.expiresSeconds, 'objectStorage.expiresSeconds', 300, 1),
            bucket,
            secret: optString(os.secret, 'objectStorage.secret', '') || (0,external_node_crypto_.randomBytes)(24).toString('hex'),
        },
        faults,
        gitlab: null,
        flavours: {},
    };
    for (const f of flavours) {
        const section = raw[f.key];
        const value = section === false ? null : f.resolveConfig(section);
        resolved.flavours[f.key] = value;
        resolved[f.key] = value;
    }
    return resolved;
}
/** Objects merge key by key; lists and scalars from `b` replace those of `a`. */
function deepMerge(a, b) {
    const out = { ...a };
    for (const [k, v] of Object.entries(b)) {
        out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k], v) : v;
    }
    return out;
}

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
;// CONCATENATED MODULE: ./src/server/router.ts
class Router {
    #routes = [];
    add(route) {
        const methods = (Array.isArray(route.method) ? route.method : [route.method]).map((m) => m.toUpperCase());
        // Grape answers HEAD for every GET route.
        if (methods.includes('GET') && !methods.includes('HEAD'))
            methods.push('HEAD');
        this.#routes.push({ ...route, methods, parts: route.pattern.split('/').filter(Boolean) });
    }
    routes() {
        return [...this.#routes];
    }
    match(method, segments) {
        const allow = new Set();
        for (const r of this.#routes) {
            const m = matchParts(r.parts, segments);
            if (!m)
                continue;
            if (r.methods.includes(method))
                return { kind: 'found', route: r, params: m.params, rest: m.rest };
            for (const x of r.methods)
                allow.add(x);
        }
        return allow.size ? { kind: 'method', allow: [...allow] } : { kind: 'none' };
    }
}
function matchParts(parts, segs) {
    const params = {};
    for (let i = 0; i < parts.length; i++) {
        const p = parts[i];
        if (p.startsWith('*')) {
            if (i !== parts.length - 1)
                throw new Error(`route pattern: *${p} must be last`);
            if (segs.length <= i)
                return null;
            return { params, rest: segs.slice(i) };
        }
        const s = segs[i];
        if (s === undefined || s === '')
            return null;
        if (p.startsWith(':'))
            params[p.slice(1)] = s;
        else if (p !== s)
            return null;
    }
    return segs.length === parts.length ? { params, rest: [] } : null;
}
/** Splits `req.url` without normalising it. */
function splitUrl(url) {
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
    const segments = rawPath.split('/');
    if (segments[0] === '')
        segments.shift();
    if (segments.length && segments[segments.length - 1] === '' && segments.length > 1) {
        // keep a trailing empty segment: `/generic/pkg/1.0/` must not match a file route
    }
    return { rawPath, segments, query };
}

;// CONCATENATED MODULE: ./src/server/http-app.ts
// One node:http server per origin (the API, and the object-storage origin when enabled).
// Dispatch: match route → select faults (status/429/delay answered here) → handler. Keep-alive is
// on with a long idle timeout so clients reuse connections, and nothing on this path does sync I/O.





async function startHttpApp(opts, host, port) {
    let origin = '';
    const server = (0,external_node_http_.createServer)({
        keepAlive: true,
        // GitLab/Gitea sit behind proxies with long idle timeouts; ≥ 5 s so clients' pools stay warm.
        keepAliveTimeout: 65_000,
        headersTimeout: 30_000,
        // Multi-GiB uploads may take minutes; the default 300 s request timeout would cut them.
        requestTimeout: 0,
    }, (req, res) => {
        void dispatch(opts, req, res, origin);
    });
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 30_000;
    server.requestTimeout = 0;
    // maxConnections stays unset (unlimited): hundreds of concurrent small uploads must be accepted.
    server.on('clientError', (err, socket) => {
        // Malformed request lines and oversized headers: answer like a front proxy would, never crash.
        if (!socket.writable)
            return socket.destroy();
        const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
        socket.end(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    });
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
            server.off('error', reject);
            resolve();
        });
    });
    const addr = server.address();
    const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    origin = `http://${h}:${addr.port}`;
    return {
        server,
        url: origin,
        close: (graceMs = 2000) => new Promise((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
            // In-flight requests get a short grace period to finish, then their sockets are cut.
            const t = setTimeout(() => server.closeAllConnections(), graceMs);
            t.unref();
        }),
    };
}
async function dispatch(opts, req, res, listenOrigin) {
    const started = process.hrtime.bigint();
    const method = (req.method ?? 'GET').toUpperCase();
    const { rawPath, segments, query } = splitUrl(req.url ?? '/');
    const host = req.headers.host;
    const ctx = {
        req,
        res,
        method,
        rawPath,
        segments,
        query,
        params: {},
        rest: [],
        routeId: 'none',
        faults: [],
        controller: opts.faults,
        origin: host && /^[\w.[\]:-]+$/.test(host) ? `http://${host}` : listenOrigin,
        hijacked: false,
    };
    res.on('close', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        const status = ctx.hijacked ? 'dropped' : res.headersSent ? String(res.statusCode) : 'aborted';
        opts.log(`${method} ${rawPath} ${status} ${ms.toFixed(1)}ms ${ctx.routeId}`);
    });
    try {
        const m = opts.router.match(method, segments);
        if (m.kind === 'none')
            return await opts.notFound(ctx);
        if (m.kind === 'method') {
            ctx.routeId = 'method-not-allowed';
            return await opts.methodNotAllowed(ctx, m.allow);
        }
        ctx.routeId = m.route.id;
        ctx.params = m.params;
        ctx.rest = m.rest;
        if (!m.route.noFaults) {
            ctx.faults = opts.faults.select(ctx.routeId, method, rawPath);
            if (await applyEarlyFaults(ctx))
                return;
        }
        await m.route.handler(ctx);
    }
    catch (err) {
        opts.log(`error in ${ctx.routeId}: ${err.stack ?? err}`);
        if (!res.headersSent && !ctx.hijacked && !res.destroyed)
            await opts.internalError(ctx).catch(() => res.destroy());
        else if (!res.writableEnded)
            res.destroy();
    }
}
/** status, rate-limit and delay faults. Returns true when the request was answered. */
async function applyEarlyFaults(ctx) {
    const record = (f, d) => ctx.controller.record(f, ctx.routeId, ctx.method, ctx.rawPath, d);
    for (const f of ctx.faults) {
        if (f.spec.kind === 'delay') {
            record(f, `${f.spec.ms} ms`);
            await (0,external_node_timers_promises_.setTimeout)(f.spec.ms);
        }
    }
    const status = ctx.faults.find((f) => f.spec.kind === 'status');
    if (status) {
        const code = status.spec.status ?? 500;
        if (status.spec.afterBody)
            await drainBody(ctx);
        record(status, `status ${code}`);
        const body = status.spec.body ?? JSON.stringify({ message: `${code} ${STATUS_TEXT[code] ?? 'Injected fault'}` });
        await writeBody(ctx, code, { 'content-type': status.spec.body ? 'text/plain; charset=utf-8' : 'application/json', ...status.spec.headers }, Buffer.from(body));
        return true;
    }
    const limit = ctx.faults.find((f) => f.spec.kind === 'rate-limit');
    if (limit) {
        const after = limit.spec.retryAfter ?? 1;
        record(limit, `Retry-After ${after}`);
        // GitLab's Rack::Attack throttle response (gitlab-api.md §5 "Rate limits").
        await sendJson(ctx, 429, { message: 'Retry later' }, {
            'retry-after': String(after),
            'ratelimit-name': 'throttle_authenticated_packages_api',
            'ratelimit-limit': '1000',
            'ratelimit-observed': '1001',
            'ratelimit-remaining': '0',
            'ratelimit-reset': String(Math.floor(Date.now() / 1000) + after),
            ...limit.spec.headers,
        });
        return true;
    }
    return false;
}
const STATUS_TEXT = {
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
    429: 'Too Many Requests',
    408: 'Request Timeout',
};

;// CONCATENATED MODULE: ./src/server/object-storage.ts
// Object-storage mode: a second origin (another port) standing in for S3/MinIO. The API answers
// downloads with a redirect (GitLab 302, Gitea 303) to a presigned, expiring URL whose query
// carries response-content-disposition / response-content-type (gitlab-api.md §2 "Object
// storage, direct download"). Like S3, this origin refuses a request that also carries another
// auth mechanism (a client that forwards its registry token across the redirect), and refuses
// bad or expired signatures.





const FORWARDED_AUTH = ['authorization', 'private-token', 'job-token', 'deploy-token'];
class ObjectStorage {
    #app = null;
    #cfg;
    #secret;
    #blobs;
    constructor(cfg, blobs) {
        this.#cfg = cfg;
        this.#secret = cfg.secret ? Buffer.from(cfg.secret) : (0,external_node_crypto_.randomBytes)(32);
        this.#blobs = blobs;
    }
    get url() {
        if (!this.#app)
            throw new Error('object storage not started');
        return this.#app.url;
    }
    async start(host, faults, log) {
        const router = new Router();
        router.add({ id: 'storage.download', method: 'GET', pattern: `/${this.#cfg.bucket}/:key`, handler: (ctx) => this.#serve(ctx) });
        this.#app = await startHttpApp({
            router,
            faults,
            log: (l) => log(`[storage] ${l}`),
            notFound: (ctx) => s3Error(ctx, 404, 'NoSuchKey', 'The specified key does not exist.'),
            methodNotAllowed: (ctx) => s3Error(ctx, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.'),
            internalError: (ctx) => s3Error(ctx, 500, 'InternalError', 'We encountered an internal error. Please try again.'),
        }, host, this.#cfg.port);
    }
    async close() {
        await this.#app?.close();
    }
    /** A URL on the storage origin that serves `blobKey` until it expires. */
    presign(blobKey, opts) {
        const now = new Date();
        const q = new URLSearchParams();
        if (opts.contentDisposition)
            q.set('response-content-disposition', opts.contentDisposition);
        q.set('response-content-type', opts.contentType ?? 'application/octet-stream');
        q.set('X-Amz-Algorithm', 'RELPACK-HMAC-SHA256');
        q.set('X-Amz-Date', amzDate(now));
        q.set('X-Amz-Expires', String(opts.expiresSeconds ?? this.#cfg.expiresSeconds));
        q.set('X-Relpack-Size', String(opts.size));
        q.set('X-Relpack-Modified', String(opts.lastModified.getTime()));
        const path = `/${this.#cfg.bucket}/${blobKey}`;
        q.set('X-Amz-Signature', this.#sign(path, q));
        return `${this.#originFor(opts.clientOrigin)}${path}?${q.toString()}`;
    }
    #originFor(clientOrigin) {
        const own = new URL(this.url);
        if (!clientOrigin || !['0.0.0.0', '[::]'].includes(own.hostname))
            return this.url;
        try {
            return `http://${new URL(clientOrigin).hostname}:${own.port}`;
        }
        catch {
            return this.url;
        }
    }
    #sign(path, q) {
        const canonical = [...q.entries()]
            .filter(([k]) => k !== 'X-Amz-Signature')
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
            .join('&');
        return (0,external_node_crypto_.createHmac)('sha256', this.#secret).update(`GET\n${path}\n${canonical}`).digest('hex');
    }
    async #serve(ctx) {
        const forwarded = FORWARDED_AUTH.filter((h) => ctx.req.headers[h] !== undefined);
        if (forwarded.length) {
            // What S3 says when a presigned URL is requested with an Authorization header as well.
            return s3Error(ctx, 400, 'InvalidArgument', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified', `<ArgumentName>${forwarded[0] === 'authorization' ? 'Authorization' : forwarded[0]}</ArgumentName>`);
        }
        const q = ctx.query;
        const sig = q.get('X-Amz-Signature') ?? '';
        const expected = this.#sign(`/${this.#cfg.bucket}/${ctx.params.key}`, q);
        const a = Buffer.from(sig);
        const b = Buffer.from(expected);
        if (!sig || a.length !== b.length || !(0,external_node_crypto_.timingSafeEqual)(a, b)) {
            return s3Error(ctx, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
        }
        const issued = parseAmzDate(q.get('X-Amz-Date') ?? '');
        const expires = Number(q.get('X-Amz-Expires'));
        if (issued === null || !Number.isFinite(expires) || Date.now() > issued + expires * 1000) {
            return s3Error(ctx, 403, 'AccessDenied', 'Request has expired');
        }
        const key = ctx.params.key;
        const headers = { 'content-type': q.get('response-content-type') ?? 'application/octet-stream' };
        const disp = q.get('response-content-disposition');
        if (disp)
            headers['content-disposition'] = disp;
        await sendBlob(ctx, this.#blobs, { key, size: Number(q.get('X-Relpack-Size')), lastModified: new Date(Number(q.get('X-Relpack-Modified')) || Date.now()) }, headers, { notFound: () => s3Error(ctx, 404, 'NoSuchKey', 'The specified key does not exist.') });
    }
}
function s3Error(ctx, status, code, message, extra = '') {
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${extra}<Resource>${escapeXml(ctx.rawPath)}</Resource><RequestId>${(0,external_node_crypto_.randomBytes)(8).toString('hex').toUpperCase()}</RequestId></Error>`;
    return writeBody(ctx, status, { 'content-type': 'application/xml' }, Buffer.from(body));
}
function escapeXml(s) {
    return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
function amzDate(d) {
    return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
function parseAmzDate(s) {
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
    if (!m)
        return null;
    return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(7975);
;// CONCATENATED MODULE: ./src/server/serve-command.ts
// `relpack serve [--config FILE] [--host H] [--port N] [--data-dir DIR]`
// Prints the URL and dev tokens, serves until SIGINT/SIGTERM, then closes listeners, gives
// in-flight requests a moment to finish, and returns 0. Bad usage returns 2.


const SERVE_USAGE = `Usage: relpack serve [--config FILE] [--host HOST] [--port PORT] [--data-dir DIR] [--quiet]

Runs a local GitLab-compatible generic package registry.
  --config FILE     YAML config (projects, users, tokens, objectStorage, faults); see docs/serve.md
  --host HOST       listen address (default 127.0.0.1)
  --port PORT       listen port (default 8929; 0 = a free port)
  --data-dir DIR    keep packages here across restarts (default: a temp dir removed on exit)
  --quiet           do not log requests`;
const DEFAULT_CLI_PORT = 8929;
async function runServe(argv, io = {}) {
    const out = io.out ?? ((s) => process.stdout.write(s + '\n'));
    const err = io.err ?? ((s) => process.stderr.write(s + '\n'));
    let values;
    try {
        ({ values } = (0,external_node_util_.parseArgs)({
            args: argv,
            options: {
                config: { type: 'string', short: 'c' },
                host: { type: 'string' },
                port: { type: 'string', short: 'p' },
                'data-dir': { type: 'string' },
                quiet: { type: 'boolean', short: 'q' },
                help: { type: 'boolean', short: 'h' },
            },
            allowPositionals: false,
            strict: true,
        }));
    }
    catch (e) {
        err(`relpack serve: ${e.message}\n${SERVE_USAGE}`);
        return 2;
    }
    if (values.help) {
        out(SERVE_USAGE);
        return 0;
    }
    let port = DEFAULT_CLI_PORT;
    if (values.port !== undefined) {
        if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) {
            err(`relpack serve: --port must be a number between 0 and 65535, got ${JSON.stringify(values.port)}`);
            return 2;
        }
        port = Number(values.port);
    }
    const { startServer } = await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 4838));
    let server;
    try {
        server = await startServer({
            ...(values.config ? { configFile: values.config } : {}),
            host: values.host ?? '127.0.0.1',
            port,
            ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
            log: values.quiet ? () => { } : (l) => out(l),
        });
    }
    catch (e) {
        if (e instanceof ConfigError) {
            err(`relpack serve: ${e.message}`);
            return 2;
        }
        const code = e.code;
        if (code === 'EADDRINUSE') {
            err(`relpack serve: port ${port} is in use; pass --port 0 for a free port or choose another`);
            return 1;
        }
        err(`relpack serve: ${e.message}`);
        return 1;
    }
    out(`relpack serve listening on ${server.url}`);
    if (server.storageUrl)
        out(`object storage origin ${server.storageUrl} (downloads redirect here)`);
    out(`data dir ${server.dataDir}${values['data-dir'] ? '' : ' (temporary, removed on exit)'}`);
    for (const line of server.banner())
        out(line);
    out(`admin token ${server.tokens.admin} (X-Relpack-Admin-Token; POST/DELETE ${server.url}/-/relpack/faults)`);
    await new Promise((resolve) => {
        const stop = () => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        io.signal?.addEventListener('abort', stop, { once: true });
    });
    out('relpack serve: shutting down');
    await server.close();
    return 0;
}

;// CONCATENATED MODULE: ./src/server/index.ts
// `relpack serve`: a local stand-in for GitLab's (and, through a second flavour, Gitea's) generic
// package registry, with the same API shapes and errors, durable storage, object-storage
// redirects and fault injection. See docs/serve.md (users) and src/server/README.md (flavours).
















/** Journal file name inside the data dir. */
const JOURNAL_FILE = 'journal.jsonl';
async function startServer(opts = {}) {
    const log = opts.log ?? (() => { });
    const config = await loadConfig({ ...(opts.config ? { config: opts.config } : {}), ...(opts.configFile ? { configFile: opts.configFile } : {}) });
    const ownDir = !opts.dataDir;
    const dataDir = opts.dataDir ? (0,external_node_path_.resolve)(opts.dataDir) : await (0,promises_.mkdtemp)((0,external_node_path_.join)((0,external_node_os_.tmpdir)(), 'relpack-serve-'));
    await (0,promises_.mkdir)(dataDir, { recursive: true });
    const host = opts.host ?? '127.0.0.1';
    const faults = new FaultController();
    if (config.faults.length)
        faults.add(config.faults);
    const blobs = new BlobStore(dataDir, { fsync: config.storage.fsync });
    await blobs.init();
    const journalPath = (0,external_node_path_.join)(dataDir, JOURNAL_FILE);
    const records = await Journal.read(journalPath);
    // Set once the start-up compaction below is done; nothing appends before the server listens.
    let journal = null;
    const objectStorage = config.objectStorage.enabled ? new ObjectStorage(config.objectStorage, blobs) : null;
    const router = new Router();
    registerAdminRoutes(router, faults, config.admin.token);
    const instances = new Map();
    for (const f of flavours) {
        const section = config.flavours[f.key];
        if (section === null || section === undefined)
            continue;
        instances.set(f.key, f.create({
            config,
            router,
            blobs,
            journal: (r) => (journal ? journal.append({ ...r, ns: f.key }) : Promise.reject(new Error('journal not open'))),
            objectStorage,
            faults,
            log,
        }, section));
    }
    // Replay, then compact: the journal is rewritten as the live state (drops torn tails and
    // superseded records); records of flavours not loaded this run are carried over untouched.
    const foreign = [];
    for (const r of records) {
        const inst = instances.get(r.ns);
        if (inst)
            inst.apply(r);
        else
            foreign.push(r);
    }
    await Journal.rewrite(journalPath, [...foreign, ...[...instances.values()].flatMap((i) => i.snapshot())]);
    const liveJournal = await Journal.open(journalPath, { fsync: config.storage.fsync });
    journal = liveJournal;
    const live = new Set();
    for (const i of instances.values())
        for (const b of i.liveBlobs())
            live.add(b);
    if (foreign.length === 0) {
        const swept = await blobs.sweep(live);
        if (swept)
            log(`removed ${swept} unreferenced blob(s) left by an interrupted upload`);
    }
    let api;
    try {
        if (objectStorage)
            await objectStorage.start(host, faults, log);
        api = await startHttpApp({
            router,
            faults,
            log,
            notFound: async (ctx) => {
                for (const i of instances.values())
                    if (i.notFound && (await i.notFound(ctx)))
                        return;
                await sendJson(ctx, 404, { error: '404 Not Found' });
            },
            methodNotAllowed: (ctx, allow) => sendJson(ctx, 405, { error: '405 Not Allowed' }, { allow: allow.join(', ') }),
            internalError: (ctx) => sendJson(ctx, 500, { message: '500 Internal Server Error' }),
        }, host, opts.port ?? 0);
    }
    catch (e) {
        await objectStorage?.close();
        await liveJournal.close();
        if (ownDir)
            await (0,promises_.rm)(dataDir, { recursive: true, force: true });
        throw e;
    }
    const tokens = {};
    for (const i of instances.values())
        Object.assign(tokens, i.tokens());
    tokens.admin = config.admin.token;
    let closed = null;
    const server = {
        url: api.url,
        ...(objectStorage ? { storageUrl: objectStorage.url } : {}),
        dataDir,
        tokens,
        faults,
        config,
        tempFiles: () => blobs.tmpFiles(),
        banner: () => [...instances.values()].flatMap((i) => i.banner(api.url)),
        close: () => (closed ??= (async () => {
            await Promise.all([api.close(), objectStorage?.close()]);
            for (const i of instances.values())
                await i.close?.();
            await liveJournal.close();
            if (ownDir)
                await (0,promises_.rm)(dataDir, { recursive: true, force: true });
        })()),
    };
    return server;
}


/***/ })

};
