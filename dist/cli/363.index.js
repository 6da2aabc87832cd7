export const id = 363;
export const ids = [363];
export const modules = {

/***/ 363:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DEFAULT_CONCURRENCY: () => (/* binding */ DEFAULT_CONCURRENCY),
  main: () => (/* binding */ main)
});

// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(7975);
// EXTERNAL MODULE: ./package.json
var package_0 = __webpack_require__(8330);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/core/errors.ts
var core_errors = __webpack_require__(4296);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
;// CONCATENATED MODULE: ./src/core/hashing.ts
/**
 * SHA-256 in the same pass as the transfer: uploads read the file once through HashingStream,
 * downloads hash each chunk as it is written.
 */



/** Download batches and whole-file hashing: few enough chunks that their cost is nothing next to SHA-256. */
const CHUNK_SIZE = 1024 * 1024;
/**
 * Upload reads are smaller: a chunk lives from its read until the socket took it, and while the
 * registry holds the upload back that can outlast two scavenges, which moves the chunk to V8's old
 * generation where only a full GC frees it. With 1 MiB chunks a 4 GiB publish to a slow server
 * peaked at 127 MiB RSS; with 256 KiB, 80 MiB, at less CPU (`npm run bench`, docs/benchmarks.md).
 */
const UPLOAD_CHUNK_SIZE = 256 * 1024;
class HashingStream extends external_node_stream_.Transform {
    onBytes;
    hash = (0,external_node_crypto_.createHash)('sha256');
    bytes = 0;
    finished = false;
    constructor(onBytes) {
        super({ highWaterMark: UPLOAD_CHUNK_SIZE });
        this.onBytes = onBytes;
    }
    _transform(chunk, _encoding, callback) {
        this.hash.update(chunk);
        this.bytes += chunk.length;
        this.onBytes?.(this.bytes);
        callback(null, chunk);
    }
    _flush(callback) {
        this.finished = true;
        callback();
    }
    /** The hex digest, once every byte has passed; undefined for a stream that did not finish. */
    digest() {
        return this.finished ? this.hash.copy().digest('hex') : undefined;
    }
    /**
     * The digest once the stream has settled. The consumer may be done before the flush ran: an
     * HTTP client that has sent Content-Length bytes gets its answer while this stream's end is
     * still queued, so asking digest() at that moment would find it unfinished.
     */
    async settled() {
        if (!this.finished && !this.closed && !this.errored) {
            await new Promise((resolve) => {
                this.once('finish', resolve);
                this.once('close', resolve);
                this.once('error', () => resolve());
            });
        }
        return this.digest();
    }
}
/** Opens `path` and returns a stream of its bytes that hashes them on the way through. */
function openHashed(path, onBytes) {
    const hashing = new HashingStream(onBytes);
    const source = (0,external_node_fs_.createReadStream)(path, { highWaterMark: UPLOAD_CHUNK_SIZE });
    source.on('error', (error) => hashing.destroy(error));
    hashing.on('close', () => source.destroy());
    source.pipe(hashing);
    return hashing;
}
async function hashFile(path) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    for await (const chunk of (0,external_node_fs_.createReadStream)(path, { highWaterMark: CHUNK_SIZE }))
        hash.update(chunk);
    return hash.digest('hex');
}
function sha256(data) {
    return (0,external_node_crypto_.createHash)('sha256').update(data).digest('hex');
}

;// CONCATENATED MODULE: ./src/core/manifest.ts
/**
 * The SHA256SUMS manifest in the format `sha256sum -c` reads: `<hex>  <relative path>` per line,
 * sorted by path, so that `sha256sum -c SHA256SUMS` works in a downloaded tree.
 */

const DEFAULT_MANIFEST = 'SHA256SUMS';
/** Largest manifest relpack reads into memory. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
function formatManifest(entries) {
    const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return sorted.map((entry) => `${entry.sha256}  ${entry.name}\n`).join('');
}
/** Parses text and binary mode lines (`hash  name`, `hash *name`); blank lines are allowed. */
function parseManifest(text, source = 'SHA256SUMS') {
    const entries = new Map();
    const lines = text.split('\n');
    lines.forEach((line, index) => {
        if (line.trim() === '')
            return;
        const match = /^([0-9a-fA-F]{64}) [ *](.+?)\r?$/.exec(line);
        if (!match) {
            throw new core_errors/* RelpackError */.Hd('CHECKSUM_MISMATCH', `${source} line ${index + 1} is not in sha256sum format: ${JSON.stringify(line.slice(0, 120))}`);
        }
        entries.set(match[2].replace(/^\.\//, ''), match[1].toLowerCase());
    });
    return entries;
}

;// CONCATENATED MODULE: ./src/core/list.ts

async function listPackage(registry, options) {
    registry.validateRef({ name: options.name, version: options.version ?? '0' });
    if (options.version === undefined) {
        const versions = await registry.listVersions(options.name);
        return { name: options.name, versions };
    }
    const ref = { name: options.name, version: options.version };
    const files = await registry.listFiles(ref);
    if (files.length === 0)
        throw versionNotFound(ref);
    return { name: ref.name, version: ref.version, files: files.map((file) => ({ ...file, url: registry.fileUrl(ref, file.fileName) })) };
}
/** The error for a version the registry does not list (or lists with no files). */
function versionNotFound(ref) {
    return new core_errors/* RelpackError */.Hd('NOT_FOUND', `package ${ref.name} version ${ref.version} was not found, or has no files`, {
        hint: `list what exists with: relpack list --name ${ref.name}`,
    });
}
/** The listed file a user named (compared as the registry compares names), or an error naming what is there. */
function findListedFile(registry, ref, listed, name) {
    const file = listed.find((r) => registry.sameFileName(r.fileName, name));
    if (file)
        return file;
    const available = listed.map((r) => r.fileName).slice(0, 20).join(', ');
    throw new core_errors/* RelpackError */.Hd('NOT_FOUND', `${name} is not in ${ref.name} ${ref.version}`, { hint: `the version holds: ${available}${listed.length > 20 ? ', …' : ''}` });
}

;// CONCATENATED MODULE: ./src/core/pool.ts
/**
 * Runs `work` over `items` with at most `limit` in flight. After the first failure no new item is
 * started; the ones in flight finish, and every failure is reported together.
 */
class PoolError extends Error {
    errors;
    constructor(errors) {
        super(errors.map((e) => e.message ?? String(e)).join('; '));
        this.errors = errors;
        this.name = 'PoolError';
    }
}
async function mapPool(items, limit, work) {
    const results = new Array(items.length);
    const errors = [];
    let next = 0;
    const worker = async () => {
        while (errors.length === 0 && next < items.length) {
            const index = next++;
            try {
                results[index] = await work(items[index], index);
            }
            catch (error) {
                errors.push(error);
            }
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    if (errors.length === 1)
        throw errors[0];
    if (errors.length > 1)
        throw new PoolError(errors);
    return results;
}

// EXTERNAL MODULE: external "node:timers/promises"
var external_node_timers_promises_ = __webpack_require__(8500);
;// CONCATENATED MODULE: ./src/http/retry.ts
/**
 * Retries with exponential backoff and full jitter. Our own loop rather than undici's RetryAgent
 * because relpack's request bodies are file streams that must be reopened for each attempt, and an
 * upload must ask the registry whether the failed attempt stored the file before it tries again
 * (GitLab appends a duplicate row on every PUT, gitlab-api.md §1 "Duplicates").
 */

const DEFAULT_RETRY_POLICY = { attempts: 5, baseDelayMs: 500, maxDelayMs: 20_000 };
/** Retry-After values above this are not waited for: the attempt fails instead. */
const MAX_RETRY_AFTER_MS = 120_000;
/** Thrown by an attempt that should be tried again (a 429 or 5xx answer, a broken body). */
class RetryableFailure extends Error {
    retryAfterMs;
    status;
    constructor(message, retryAfterMs, status, options) {
        super(message, options);
        this.retryAfterMs = retryAfterMs;
        this.status = status;
        this.name = 'RetryableFailure';
    }
}
const TRANSIENT_CODES = new Set([
    'ECONNRESET',
    'ECONNREFUSED',
    'ECONNABORTED',
    'EPIPE',
    'ETIMEDOUT',
    'EAI_AGAIN',
    'ENETUNREACH',
    'EHOSTUNREACH',
    'UND_ERR_SOCKET',
    'UND_ERR_CLOSED',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
    'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
    'ERR_STREAM_PREMATURE_CLOSE',
]);
/** A network-level failure worth another attempt (as opposed to a bug or a local file error). */
function isTransientNetworkError(error) {
    for (let e = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
        if (e instanceof RetryableFailure)
            return true;
        const code = e.code;
        if (typeof code === 'string' && TRANSIENT_CODES.has(code))
            return true;
        if (e.name === 'SocketError')
            return true;
    }
    return false;
}
/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
function parseRetryAfter(value, now = Date.now()) {
    const raw = Array.isArray(value) ? value[0] : value;
    if (!raw)
        return undefined;
    if (/^\s*\d+\s*$/.test(raw))
        return Number(raw) * 1000;
    const date = Date.parse(raw);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
function backoffDelay(policy, failedAttempt, random = Math.random) {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempt - 1));
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
async function withRetries(policy, attempt, hooks = {}) {
    for (let n = 1;; n++) {
        try {
            return await attempt(n);
        }
        catch (error) {
            if (!isTransientNetworkError(error) || n >= policy.attempts)
                throw error;
            const retryAfter = error instanceof RetryableFailure ? error.retryAfterMs : undefined;
            if (retryAfter !== undefined && retryAfter > MAX_RETRY_AFTER_MS)
                throw error;
            const delayMs = retryAfter ?? backoffDelay(policy, n);
            hooks.onRetry?.({ attempt: n, delayMs, reason: describeFailure(error) });
            await (0,external_node_timers_promises_.setTimeout)(delayMs);
            if (hooks.beforeRetry) {
                const settled = await hooks.beforeRetry();
                if (settled !== undefined)
                    return settled;
            }
        }
    }
}
function describeFailure(error) {
    if (error instanceof RetryableFailure)
        return error.message;
    const code = error.code;
    const message = error.message ?? String(error);
    return code && !message.includes(code) ? `${code}: ${message}` : message;
}

;// CONCATENATED MODULE: ./src/core/small-file.ts
/**
 * A small package file read whole into memory, bounded, with the same retries as any transfer: a
 * body that breaks half-way is fetched again rather than failing the whole command.
 */


async function fetchWhole(registry, ref, fileName, limit) {
    return registry.http.retrying({ method: 'GET', url: registry.fileUrl(ref, fileName) }, async () => {
        const response = await registry.download(ref, fileName, { retry: false });
        const chunks = [];
        let total = 0;
        try {
            for await (const chunk of response.body) {
                total += chunk.length;
                if (total > limit.maxBytes) {
                    response.body.destroy();
                    throw limit.tooLarge();
                }
                chunks.push(chunk);
            }
        }
        catch (error) {
            if (error instanceof core_errors/* RelpackError */.Hd)
                throw error;
            throw new RetryableFailure(`the download of ${fileName} broke after ${total} bytes`, undefined, undefined, { cause: error });
        }
        if (limit.expectedBytes !== undefined && total < limit.expectedBytes) {
            throw new RetryableFailure(`the download of ${fileName} ended after ${total} of ${limit.expectedBytes} bytes`);
        }
        return { data: Buffer.concat(chunks, total), headerSha256: response.header('x-checksum-sha256')?.toLowerCase() };
    });
}
/** A checksum manifest, at most `maxBytes`. */
function readSmallFile(registry, ref, fileName, maxBytes) {
    return fetchWhole(registry, ref, fileName, {
        maxBytes,
        tooLarge: () => new core_errors/* RelpackError */.Hd('CHECKSUM_MISMATCH', `${fileName} is larger than ${maxBytes} bytes, too large to be a checksum manifest`),
    });
}

// EXTERNAL MODULE: external "node:diagnostics_channel"
var external_node_diagnostics_channel_ = __webpack_require__(3053);
// EXTERNAL MODULE: ./src/core/events.ts
var events = __webpack_require__(7842);
;// CONCATENATED MODULE: ./src/core/format.ts
/** Human-readable sizes in binary units, as the progress lines and summaries show them. */
function formatBytes(bytes) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return unit === 0 ? `${Math.round(bytes)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

;// CONCATENATED MODULE: ./src/core/progress.ts
/**
 * What core tells the shells while it works. The CLI prints lines, the action logs through
 * @actions/core; core never writes to a stream itself.
 */

const silentReporter = {
    info: () => { },
    warn: () => { },
    start: () => { },
    progress: () => { },
    done: () => { },
};
/** Files smaller than this get only their start and end lines. */
const PROGRESS_MIN_SIZE = 64 * 1024 * 1024;
const PROGRESS_INTERVAL_MS = 5_000;
/** Returns a byte-count callback that reports bytes, rate and ETA every few seconds. */
function progressTracker(reporter, name, size, now = Date.now) {
    if (size < PROGRESS_MIN_SIZE)
        return () => { };
    const started = now();
    let last = started;
    return (bytes) => {
        const t = now();
        if (t - last < PROGRESS_INTERVAL_MS || bytes >= size)
            return;
        last = t;
        const rate = bytes / Math.max(0.001, (t - started) / 1000);
        const eta = rate > 0 ? Math.ceil((size - bytes) / rate) : 0;
        const percent = ((bytes / size) * 100).toFixed(0);
        reporter.progress(name, `${name}: ${formatBytes(bytes)} of ${formatBytes(size)} (${percent}%), ${formatBytes(rate)}/s, ETA ${eta}s`);
    };
}

;// CONCATENATED MODULE: ./src/core/transfer.ts
/**
 * Moving one file either way, with the guarantees relpack promises for every transfer:
 * - streaming, hashed in the same pass, never buffered whole;
 * - an upload is retried only after asking the registry whether the failed attempt stored the file,
 *   so a retry never adds a duplicate (GitLab appends a row on every PUT, gitlab-api.md §1);
 * - a download is written to a temporary file next to its target, resumed with Range after a broken
 *   body when the server allows it, and renamed into place only after its SHA-256 verifies.
 */











const largeTransfer = (0,external_node_diagnostics_channel_.channel)(events/* LARGE_TRANSFER */.Q);
/**
 * Files up to this size are moved whole through memory (bounded by the concurrency): read or
 * written with one synchronous call each, a page-cache copy of microseconds, instead of a stream
 * pipeline and a thread-pool round trip per step, which is most of the cost of moving hundreds of
 * small files. Larger files stream, hashed in the same pass.
 */
const SMALL_FILE_BYTES = 256 * 1024;
async function uploadFile(registry, ref, source, options) {
    const track = progressTracker(options.reporter, source.name, source.size);
    // Small files (and the manifest) are read once into memory and hashed there: one pass over the
    // bytes all the same. Larger files stream, hashed as they are sent.
    const data = source.data ?? (source.path && source.size <= SMALL_FILE_BYTES ? (0,external_node_fs_.readFileSync)(source.path) : undefined);
    if (!data)
        largeTransfer.publish({ name: source.name, size: source.size });
    const dataSha256 = data ? sha256(data) : undefined;
    const size = data ? data.length : source.size;
    let attempt;
    const body = () => {
        if (data)
            return data;
        attempt = openHashed(source.path, track);
        return attempt;
    };
    const digest = async () => dataSha256 ?? (await attempt?.settled());
    const { knownIds } = options;
    const result = await registry.http.retrying({ method: 'PUT', url: registry.fileUrl(ref, source.name) }, async () => {
        const stored = await registry.upload(ref, source.name, body, size, { hidden: options.hidden });
        return { ...stored, localSha256: await digest() };
    }, 
    // The body may have reached the registry before the connection broke ("stored, then the
    // connection dropped"): look for a new row with the bytes we sent before sending them again.
    async () => {
        const sent = await digest();
        if (!sent)
            return undefined;
        if (options.hidden && registry.flavour === 'gitlab') {
            // GitLab lists neither hidden packages nor their files (gitlab-api.md §3): whether this
            // attempt was stored cannot be checked, and sending it again could add a duplicate.
            throw new core_errors/* RelpackError */.Hd('NETWORK', `${source.name}: the connection broke after the whole file was sent, and GitLab does not list hidden packages, so relpack cannot tell whether it was stored`, {
                hint: 'run the same publish again: files already published with the same SHA-256 are skipped once the version has its SHA256SUMS; or publish without --hidden',
            });
        }
        const rows = await registry.listRows(ref);
        const stored = rows.find((row) => registry.sameFileName(row.fileName, source.name) && row.sha256 === sent && !knownIds.has(row.id ?? -1));
        if (!stored)
            return undefined;
        options.reporter.info(`${source.name}: the failed attempt had stored the file; not uploading it again`);
        return { sha256: stored.sha256, size: stored.size, id: stored.id, packageId: stored.packageId, localSha256: sent };
    });
    const localSha256 = result.localSha256 ?? (await digest());
    if (!localSha256)
        throw new core_errors/* RelpackError */.Hd('NETWORK', `${source.name}: the upload ended before the whole file was read`);
    if (result.sha256 && result.sha256.toLowerCase() !== localSha256) {
        throw new core_errors/* RelpackError */.Hd('CHECKSUM_MISMATCH', `${source.name}: the registry stored different bytes than were sent`, {
            hint: `sent sha256 ${localSha256}, the registry recorded ${result.sha256}; a proxy or the storage altered the upload. Delete the file and publish again.`,
        });
    }
    return { ...result, localSha256, verified: Boolean(result.sha256) };
}
async function rowIds(registry, ref, name) {
    const rows = await registry.listRows(ref);
    return new Set(rows.filter((row) => registry.sameFileName(row.fileName, name)).map((row) => row.id ?? -1));
}
/**
 * Downloads one file to `target.path`, verified before it appears there. Files are not fsync'ed
 * (neither curl nor wget does): what the rename publishes is verified, and a power cut can at
 * worst lose a file that the next run fetches again.
 */
async function downloadFile(registry, ref, target, reporter) {
    if (target.size !== undefined && target.size <= SMALL_FILE_BYTES)
        return downloadSmallFile(registry, ref, target);
    largeTransfer.publish({ name: target.name, size: target.size });
    const temp = partPath(target.path);
    const handle = await (0,promises_.open)(temp, 'w');
    let offset = 0;
    let hash = (0,external_node_crypto_.createHash)('sha256');
    let headerSha;
    /** The first answer's ETag or Last-Modified: a resume must continue the same file (If-Range). */
    let validator;
    const track = progressTracker(reporter, target.name, target.size ?? 0);
    try {
        await registry.http.retrying({ method: 'GET', url: registry.fileUrl(ref, target.name) }, async () => {
            // This loop is the retry: the request itself is not retried again inside (attempts × attempts).
            const response = await registry.download(ref, target.name, { offset, ifRange: validator, retry: false });
            validator ??= response.header('etag') ?? response.header('last-modified');
            if (offset > 0 && !resumes(response.header('content-range'), offset, response.status)) {
                // The server sent the whole file again: start over.
                offset = 0;
                hash = (0,external_node_crypto_.createHash)('sha256');
                await handle.truncate(0);
            }
            headerSha = response.header('x-checksum-sha256')?.toLowerCase() ?? headerSha;
            // Socket chunks are small (~64 KiB): they are gathered into ~1 MiB batches, each written
            // with one writev while the same bytes are hashed, so disk and hash overlap. Only bytes
            // both written and hashed count towards `offset`, where a resume starts.
            let batch = [];
            let batchBytes = 0;
            const flush = async () => {
                if (batchBytes === 0)
                    return;
                const writing = writeFully(handle, batch, batchBytes, offset);
                for (const chunk of batch)
                    hash.update(chunk);
                await writing;
                offset += batchBytes;
                batch = [];
                batchBytes = 0;
                track(offset);
            };
            try {
                for await (const chunk of response.body) {
                    batch.push(chunk);
                    batchBytes += chunk.length;
                    if (batchBytes >= CHUNK_SIZE)
                        await flush();
                }
                await flush();
            }
            catch (error) {
                // The bytes that did arrive are good (a connection breaks, it does not garble): keep
                // them, so that the resume asks only for the rest.
                await flush();
                throw new RetryableFailure(`the download of ${target.name} broke after ${offset} bytes`, undefined, undefined, { cause: error });
            }
            if (target.size !== undefined && offset < target.size) {
                throw new RetryableFailure(`the download of ${target.name} ended after ${offset} of ${target.size} bytes`);
            }
        });
        await handle.close();
        const sha256 = hash.digest('hex');
        verifyDownload(target, sha256, headerSha);
        await (0,promises_.rename)(temp, target.path);
        return { sha256, size: offset };
    }
    catch (error) {
        await handle.close().catch(() => { });
        await (0,promises_.rm)(temp, { force: true });
        throw error;
    }
}
/**
 * A file the listing says is small is received into memory, hashed and verified there, then
 * written to its temporary file and renamed in two synchronous calls. A broken body is fetched
 * again whole (it is small); a body longer than listed is refused rather than buffered.
 */
async function downloadSmallFile(registry, ref, target) {
    const listed = target.size;
    const { data, headerSha256 } = await fetchWhole(registry, ref, target.name, {
        maxBytes: listed,
        expectedBytes: listed,
        tooLarge: () => new core_errors/* RelpackError */.Hd('CHECKSUM_MISMATCH', `${target.name}: the registry sent more than the ${listed} bytes it lists for this file`, {
            hint: 'the file changed while it was being downloaded, or a proxy altered it; retry the download',
        }),
    });
    const digest = sha256(data);
    verifyDownload(target, digest, headerSha256);
    const temp = partPath(target.path);
    try {
        (0,external_node_fs_.writeFileSync)(temp, data, { flag: 'wx' });
        (0,external_node_fs_.renameSync)(temp, target.path);
    }
    catch (error) {
        (0,external_node_fs_.rmSync)(temp, { force: true });
        throw error;
    }
    return { sha256: digest, size: data.length };
}
/** Unique per process (random) and per file (counter), so that concurrent runs never share a temp file. */
const PART_TAG = (0,external_node_crypto_.randomBytes)(4).toString('hex');
let partCount = 0;
function partPath(path) {
    return (0,external_node_path_.join)((0,external_node_path_.dirname)(path), `.${(0,external_node_path_.basename)(path)}.relpack-${PART_TAG}-${(partCount++).toString(36)}.part`);
}
/** Checks the received digest against every SHA-256 the registry and the manifest give. */
function verifyDownload(target, sha256, headerSha) {
    if (!target.verify)
        return;
    const checks = [
        ['the registry', target.expected.registry ?? headerSha],
        ['X-Checksum-SHA256', headerSha],
        ['SHA256SUMS', target.expected.manifest],
    ];
    if (!checks.some(([, expected]) => expected)) {
        throw new core_errors/* RelpackError */.Hd('CHECKSUM_MISMATCH', `${target.name}: the registry gives no SHA-256 to verify against`, {
            hint: 'publish a SHA256SUMS manifest with the package (relpack does by default), or pass --no-verify to accept the file unchecked',
        });
    }
    for (const [source, expected] of checks) {
        if (expected && expected.toLowerCase() !== sha256) {
            throw new core_errors/* RelpackError */.Hd('CHECKSUM_MISMATCH', `${target.name}: SHA-256 mismatch against ${source}`, {
                hint: `expected ${expected.toLowerCase()}, received ${sha256}; the file was not written. Retry; if it persists, the stored file is damaged or was tampered with.`,
            });
        }
    }
}
/** writev until every byte of `buffers` is on disk at `position` (a write may be short). */
async function writeFully(handle, buffers, length, position) {
    let written = (await handle.writev(buffers, position)).bytesWritten;
    if (written === length)
        return;
    const rest = Buffer.concat(buffers, length);
    while (written < length)
        written += (await handle.write(rest, written, length - written, position + written)).bytesWritten;
}
/** A 206 whose Content-Range starts where we stopped continues our file. */
function resumes(contentRange, offset, status) {
    if (status !== 206 || !contentRange)
        return false;
    const match = /^bytes (\d+)-/.exec(contentRange);
    return match !== null && Number(match[1]) === offset;
}

;// CONCATENATED MODULE: ./src/core/download.ts
/**
 * download: one package version (or named files of it) -> a directory tree, every file verified
 * against the registry's SHA-256 and against SHA256SUMS when the version has one.
 */










async function downloadPackage(registry, options, reporter) {
    const { ref } = options;
    const manifestName = options.checksums ?? DEFAULT_MANIFEST;
    registry.validateRef(ref);
    for (const name of options.files) {
        registry.validateFileName(name);
        targetPath(options.outDir, name);
    }
    const outDir = (0,external_node_path_.resolve)(options.outDir);
    await (0,promises_.mkdir)(outDir, { recursive: true });
    const listed = await registry.listFiles(ref);
    const wanted = selectFiles(registry, ref, listed, options.files);
    refuseCollisions(wanted.map((file) => ({ name: file.fileName, path: targetPath(outDir, file.fileName) })));
    let manifest;
    const manifestFile = listed.find((file) => registry.sameFileName(file.fileName, manifestName));
    if (options.verify && manifestFile)
        manifest = await readManifest(registry, ref, manifestFile);
    const tree = new OutputTree(outDir);
    const results = await mapPool(wanted, options.concurrency, async (file) => {
        const { path, existing } = await tree.prepare(file.fileName);
        const fromManifest = manifest && !registry.sameFileName(file.fileName, manifestName) ? lookup(registry, manifest, file.fileName) : undefined;
        if (file.sha256 && fromManifest && file.sha256.toLowerCase() !== fromManifest) {
            throw new core_errors/* RelpackError */.Hd('CHECKSUM_MISMATCH', `${file.fileName}: the registry and ${manifestName} disagree about its SHA-256`, {
                hint: `the registry lists ${file.sha256}, ${manifestName} says ${fromManifest}; the package was changed after it was published. Nothing was written for this file.`,
            });
        }
        const expected = file.sha256?.toLowerCase() ?? fromManifest;
        const url = registry.fileUrl(ref, file.fileName);
        if (expected && options.verify && existing?.isFile() && (await hashFile(path)) === expected) {
            const result = { name: file.fileName, path, size: file.size ?? 0, sha256: expected, url, status: 'skipped', note: 'already present with the right SHA-256' };
            reporter.done(result);
            return result;
        }
        reporter.start('downloading', file.fileName, file.size ?? 0);
        const got = await downloadFile(registry, ref, { name: file.fileName, path, size: file.size, verify: options.verify, expected: { registry: file.sha256, manifest: fromManifest } }, reporter);
        const result = { name: file.fileName, path, size: got.size, sha256: got.sha256, url, status: 'downloaded' };
        reporter.done(result);
        return result;
    });
    return {
        ref,
        packageUrl: registry.packageUrl(ref),
        outDir,
        files: results,
        downloaded: results.filter((r) => r.status === 'downloaded').length,
        skipped: results.filter((r) => r.status === 'skipped').length,
    };
}
function selectFiles(registry, ref, listed, names) {
    if (names.length === 0) {
        if (listed.length === 0)
            throw versionNotFound(ref);
        return listed;
    }
    // A hidden GitLab package is downloadable but not listed (gitlab-api.md §2): named files are
    // still fetched, verified by X-Checksum-SHA256.
    if (listed.length === 0)
        return names.map((fileName) => ({ fileName }));
    return names.map((name) => findListedFile(registry, ref, listed, name));
}
function lookup(registry, manifest, name) {
    const exact = manifest.get(name);
    if (exact)
        return exact;
    for (const [entry, digest] of manifest)
        if (registry.sameFileName(entry, name))
            return digest;
    return undefined;
}
async function readManifest(registry, ref, file) {
    if ((file.size ?? 0) > MAX_MANIFEST_BYTES) {
        throw new core_errors/* RelpackError */.Hd('CHECKSUM_MISMATCH', `${file.fileName} is ${file.size} bytes, too large to be a checksum manifest`);
    }
    const { data, headerSha256 } = await readSmallFile(registry, ref, file.fileName, MAX_MANIFEST_BYTES);
    const digest = sha256(data);
    const expected = file.sha256 ?? headerSha256;
    if (expected && expected.toLowerCase() !== digest) {
        throw new core_errors/* RelpackError */.Hd('CHECKSUM_MISMATCH', `${file.fileName}: SHA-256 mismatch against the registry`, { hint: `expected ${expected}, received ${digest}` });
    }
    return parseManifest(data.toString('utf8'), file.fileName);
}
/**
 * GitLab's names are case-sensitive, so `A.bin` and `a.bin` can both be in a version; on macOS's
 * and Windows' case-insensitive file systems both would be renamed onto one file, the second
 * silently replacing the first. Refused there before any transfer.
 */
function refuseCollisions(targets, platform = process.platform) {
    if (platform !== 'darwin' && platform !== 'win32')
        return;
    const seen = new Map();
    for (const target of targets) {
        const key = target.path.normalize('NFC').toLowerCase();
        const other = seen.get(key);
        if (other !== undefined) {
            throw new core_errors/* RelpackError */.Hd('UNSAFE_PATH', `${JSON.stringify(other)} and ${JSON.stringify(target.name)} would be the same file on this case-insensitive file system`, {
                hint: 'download them one at a time into different directories',
            });
        }
        seen.set(key, target.name);
    }
}
/**
 * Where a package file lands under outDir. Names that are absolute, contain `..` or `.`
 * segments, backslashes or NUL are refused: a package must not write outside --out.
 */
function targetPath(outDir, name) {
    const segments = name.split('/');
    if (name === '' ||
        (0,external_node_path_.isAbsolute)(name) ||
        /^[A-Za-z]:/.test(name) ||
        name.includes('\\') ||
        name.includes('\0') ||
        segments.some((s) => s === '' || s === '.' || s === '..')) {
        throw new core_errors/* RelpackError */.Hd('UNSAFE_PATH', `refusing ${JSON.stringify(name)}: it would be written outside the output directory`, {
            hint: 'package file names must be relative paths without "." or ".." segments',
        });
    }
    const root = (0,external_node_path_.resolve)(outDir);
    const target = (0,external_node_path_.resolve)(root, ...segments);
    if (!target.startsWith(root + external_node_path_.sep)) {
        throw new core_errors/* RelpackError */.Hd('UNSAFE_PATH', `refusing ${JSON.stringify(name)}: it resolves outside ${root}`);
    }
    return target;
}
/**
 * targetPath, plus: no directory on the way may be a link that leads out of outDir, and nothing is
 * created through one. Directories already checked or created are remembered, so a package of
 * many files in few directories costs a few checks, not a few per file.
 */
class OutputTree {
    root;
    realRoot;
    safeDirs = new Set();
    constructor(root) {
        this.root = root;
    }
    /** The target path, and what is there now (a regular file may be reused; a link is refused). */
    async prepare(name) {
        const target = targetPath(this.root, name);
        this.realRoot ??= await (0,promises_.realpath)(this.root);
        let ancestor = this.root;
        for (const segment of name.split('/').slice(0, -1)) {
            ancestor = (0,external_node_path_.join)(ancestor, segment);
            if (this.safeDirs.has(ancestor))
                continue;
            const info = await (0,promises_.lstat)(ancestor).catch(() => undefined);
            if (!info) {
                // From here down nothing exists: create it, and it is ours.
                await (0,promises_.mkdir)((0,external_node_path_.dirname)(target), { recursive: true });
                for (let dir = (0,external_node_path_.dirname)(target); dir.length >= ancestor.length; dir = (0,external_node_path_.dirname)(dir))
                    this.safeDirs.add(dir);
                break;
            }
            const real = await (0,promises_.realpath)(ancestor);
            if (real !== this.realRoot && !real.startsWith(this.realRoot + external_node_path_.sep)) {
                throw new core_errors/* RelpackError */.Hd('UNSAFE_PATH', `refusing ${JSON.stringify(name)}: ${ancestor} is a link to ${real}, outside the output directory`);
            }
            if (!info.isDirectory() && !info.isSymbolicLink()) {
                throw new core_errors/* RelpackError */.Hd('UNSAFE_PATH', `refusing ${JSON.stringify(name)}: ${ancestor} exists and is not a directory`);
            }
            this.safeDirs.add(ancestor);
        }
        // Synchronous and without an exception for the usual answer (nothing there yet): one cached
        // lookup, where the promise and the ENOENT error cost more than the lookup itself.
        const existing = (0,external_node_fs_.lstatSync)(target, { throwIfNoEntry: false });
        if (existing?.isSymbolicLink()) {
            throw new core_errors/* RelpackError */.Hd('UNSAFE_PATH', `refusing ${JSON.stringify(name)}: ${target} is a symbolic link`, { hint: 'remove the link, or download into an empty directory' });
        }
        return { path: target, existing };
    }
}

// EXTERNAL MODULE: ./node_modules/tinyglobby/dist/index.mjs + 1 modules
var dist = __webpack_require__(3382);
;// CONCATENATED MODULE: ./src/core/local-files.ts
/**
 * Turns publish inputs (files, directories, globs with `**` and `!exclude`) into the list of local
 * files and the name each gets in the package. The naming follows actions/upload-artifact: a file
 * keeps its base name, a directory's files keep their path relative to the directory, and a glob's
 * matches keep their path relative to the glob's literal leading directories.
 */





const toPosix = (p) => p.split(external_node_path_.sep).join('/');
/** The literal directories before the first segment with glob syntax (`build/**\/*.bin` -> `build`). */
function globBase(pattern) {
    const segments = pattern.split('/');
    const literal = [];
    for (const segment of segments.slice(0, -1)) {
        if ((0,dist/* isDynamicPattern */.ey)(segment))
            break;
        literal.push(segment);
    }
    return literal.join('/') || (pattern.startsWith('/') ? '/' : '.');
}
async function expandInputs(inputs, cwd) {
    const includes = inputs.filter((input) => !input.startsWith('!')).map((input) => input.trim()).filter(Boolean);
    const excludes = inputs.filter((input) => input.startsWith('!')).map((input) => input.slice(1));
    if (includes.length === 0)
        throw (0,core_errors/* inputError */.Xu)('nothing to publish', 'name at least one file, directory or glob');
    const byName = new Map();
    const excluded = excludes.length ? new Set((await (0,dist/* glob */.TI)(excludes, { cwd, dot: true, absolute: true })).map((p) => (0,external_node_path_.resolve)(p))) : new Set();
    for (const input of includes) {
        const found = await expandOne(input, cwd, excludes);
        const kept = found.filter((file) => !excluded.has(file.path));
        if (kept.length === 0) {
            throw new core_errors/* RelpackError */.Hd('NO_MATCH', `${JSON.stringify(input)} matches no file${found.length ? ' once the exclusions are applied' : ''}`, {
                hint: `paths and globs are relative to ${cwd}; check the spelling, or build the files first`,
            });
        }
        for (const file of kept) {
            const other = byName.get(file.name);
            if (other && other.path !== file.path) {
                throw (0,core_errors/* inputError */.Xu)(`two files would be published as ${JSON.stringify(file.name)}: ${other.path} and ${file.path}`, 'publish them from a common directory so that their relative paths differ, or rename one');
            }
            byName.set(file.name, file);
        }
    }
    return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
async function expandOne(input, cwd, excludes) {
    const absolute = (0,external_node_path_.resolve)(cwd, input);
    const info = await (0,promises_.stat)(absolute).catch(() => undefined);
    if (info?.isFile()) {
        return [{ path: absolute, name: toPosix(input).split('/').pop() ?? input, size: info.size }];
    }
    if (info?.isDirectory()) {
        const paths = await (0,dist/* glob */.TI)('**/*', { cwd: absolute, dot: true, onlyFiles: true, followSymbolicLinks: true, ignore: relativeExcludes(excludes, cwd, absolute) });
        return withSizes(paths.map((p) => ({ path: (0,external_node_path_.join)(absolute, p), name: toPosix(p) })));
    }
    if (!(0,dist/* isDynamicPattern */.ey)(input))
        return [];
    const pattern = toPosix(input);
    const base = globBase(pattern);
    const baseAbs = (0,external_node_path_.resolve)(cwd, base);
    const paths = await (0,dist/* glob */.TI)(pattern, { cwd, dot: false, onlyFiles: true, absolute: true, followSymbolicLinks: true });
    return withSizes(paths.map((p) => ({ path: (0,external_node_path_.resolve)(p), name: toPosix((0,external_node_path_.relative)(baseAbs, (0,external_node_path_.resolve)(p))) })));
}
/** Exclusion patterns are written relative to cwd; inside a directory walk they must be rebased. */
function relativeExcludes(excludes, cwd, dir) {
    const prefix = toPosix((0,external_node_path_.relative)(cwd, dir));
    return excludes
        .map((pattern) => ((0,external_node_path_.isAbsolute)(pattern) ? toPosix((0,external_node_path_.relative)(dir, pattern)) : pattern))
        .map((pattern) => (prefix && pattern.startsWith(prefix + '/') ? pattern.slice(prefix.length + 1) : pattern));
}
/** One stat each, synchronous: the walk that found the files has just read their inodes. */
function withSizes(files) {
    return files.map((file) => ({ ...file, size: (0,external_node_fs_.statSync)(file.path).size }));
}

;// CONCATENATED MODULE: ./src/core/publish.ts






async function publishFiles(registry, options, reporter) {
    const { ref } = options;
    registry.validateRef(ref);
    const locals = await expandInputs(options.inputs, options.cwd);
    for (const file of locals)
        registry.validateFileName(file.name);
    if (options.checksums !== null) {
        registry.validateFileName(options.checksums);
        const clash = locals.find((file) => registry.sameFileName(file.name, options.checksums));
        if (clash) {
            throw (0,core_errors/* inputError */.Xu)(`${clash.path} would be published as ${options.checksums}, the name of the checksum manifest`, 'rename the file, pick another manifest name with --checksums NAME, or pass --checksums none');
        }
    }
    const remote = await registry.listFiles(ref);
    const plan = await planUploads(registry, locals, remote, options.ifExists);
    const url = (name) => registry.fileUrl(ref, name);
    if (options.dryRun) {
        const files = plan.map((p) => ({
            name: p.local.name,
            path: p.local.path,
            size: p.local.size,
            sha256: p.sha256 ?? '',
            url: url(p.local.name),
            status: p.action === 'skip' ? 'skipped' : 'planned',
            note: p.action === 'skip' ? 'identical file already published' : p.action === 'replace' ? 'would replace the published file' : 'would upload',
        }));
        for (const file of files)
            reporter.done(file);
        if (options.checksums)
            reporter.info(`would publish ${options.checksums} covering ${new Set([...plan.map((p) => p.local.name), ...remote.map((r) => r.fileName)].filter((n) => n !== options.checksums)).size} files`);
        return { ref, packageUrl: registry.packageUrl(ref), files, uploaded: 0, skipped: files.filter((f) => f.status === 'skipped').length, dryRun: true };
    }
    const results = new Map();
    const digests = new Map();
    const unverified = [];
    for (const p of plan.filter((p) => p.action === 'skip')) {
        const result = { name: p.local.name, path: p.local.path, size: p.local.size, sha256: p.sha256, url: url(p.local.name), status: 'skipped', note: 'identical file already published' };
        results.set(p.local.name, result);
        digests.set(p.local.name, p.sha256);
        reporter.done(result);
    }
    const send = async (p) => {
        if (p.action === 'replace' && registry.flavour === 'gitea') {
            // Gitea refuses a second file of the same name (409): replacing is DELETE then PUT, and a
            // reader in between sees no file (gitea-api.md §1; documented in the README).
            await registry.deleteFiles(ref, [p.existing]);
        }
        reporter.start('uploading', p.local.name, p.local.size);
        const knownIds = p.existing ? await rowIds(registry, ref, p.local.name) : new Set();
        const uploaded = await uploadFile(registry, ref, { name: p.local.name, path: p.local.path, size: p.local.size }, { hidden: options.hidden, reporter, knownIds });
        if (p.action === 'replace' && registry.flavour === 'gitlab')
            await pruneOlder(registry, ref, p.local.name, uploaded, reporter);
        record(p.local, uploaded);
    };
    const record = (local, uploaded) => {
        const result = { name: local.name, path: local.path, size: local.size, sha256: uploaded.localSha256, url: url(local.name), status: 'uploaded' };
        if (!uploaded.verified)
            unverified.push({ name: local.name, sha256: uploaded.localSha256 });
        results.set(local.name, result);
        digests.set(local.name, uploaded.localSha256);
        reporter.done(result);
    };
    // The first upload into a new version goes alone, so that the package is created once
    // (concurrent first uploads can fail with 500 or create two packages: gitlab-api.md §5).
    const pending = plan.filter((p) => p.action !== 'skip');
    let rest = pending;
    if (remote.length === 0 && pending.length > 0) {
        await send(pending[0]);
        rest = pending.slice(1);
    }
    await mapPool(rest, options.concurrency, send);
    if (options.checksums) {
        const manifestName = options.checksums;
        for (const file of remote) {
            const covered = [...digests.keys()].some((name) => registry.sameFileName(name, file.fileName));
            if (!covered && !registry.sameFileName(file.fileName, manifestName) && file.sha256)
                digests.set(file.fileName, file.sha256);
        }
        const text = formatManifest([...digests].map(([name, sha256]) => ({ name, sha256 })));
        await publishManifest(registry, ref, manifestName, Buffer.from(text), remote, reporter, options.hidden, record, results);
    }
    if (unverified.length > 0)
        await verifyFromListing(registry, ref, unverified);
    const files = [...results.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return {
        ref,
        packageUrl: registry.packageUrl(ref),
        files,
        uploaded: files.filter((f) => f.status === 'uploaded').length,
        skipped: files.filter((f) => f.status === 'skipped').length,
        dryRun: false,
    };
}
async function planUploads(registry, locals, remote, ifExists) {
    const plan = await mapPool(locals, 4, async (local) => {
        const existing = remote.find((r) => registry.sameFileName(r.fileName, local.name));
        if (!existing)
            return { local, action: 'upload' };
        if (ifExists === 'fail')
            return { local, existing, action: 'upload' };
        const sha256 = await hashFile(local.path);
        if (existing.sha256 === sha256)
            return { local, existing, sha256, action: 'skip' };
        return { local, existing, sha256, action: ifExists === 'replace' ? 'replace' : 'upload' };
    });
    const conflicts = plan.filter((p) => p.existing && p.action === 'upload');
    if (conflicts.length > 0) {
        const list = conflicts.map((p) => `  ${p.local.name}${p.sha256 ? ` (published sha256 ${p.existing.sha256 ?? 'unknown'}, local ${p.sha256})` : ''}`).join('\n');
        if (ifExists === 'fail') {
            throw new core_errors/* RelpackError */.Hd('EXISTS', `${conflicts.length} file(s) already exist in this version and --if-exists is fail:\n${list}`, {
                hint: 'publish a new version, or use --if-exists skip (leave identical files) or --if-exists replace',
            });
        }
        throw new core_errors/* RelpackError */.Hd('EXISTS_DIFFERENT', `${conflicts.length} file(s) already exist in this version with different content:\n${list}`, {
            hint: 'a published version should not change: publish a new version, or use --if-exists replace to overwrite these files',
        });
    }
    return plan;
}
/**
 * SHA256SUMS describes every file of the version after this publish. relpack owns it, so it is
 * replaced whenever its content changes, whatever --if-exists says for the other files.
 */
async function publishManifest(registry, ref, name, data, remote, reporter, hidden, record, results) {
    const digest = sha256(data);
    const existing = remote.find((r) => registry.sameFileName(r.fileName, name));
    if (existing?.sha256 === digest) {
        const result = { name, size: data.length, sha256: digest, url: registry.fileUrl(ref, name), status: 'skipped', note: 'manifest unchanged' };
        results.set(name, result);
        reporter.done(result);
        return;
    }
    if (existing && registry.flavour === 'gitea')
        await registry.deleteFiles(ref, [existing]);
    const source = { name, size: data.length, data };
    reporter.start('uploading', name, data.length);
    const knownIds = existing ? await rowIds(registry, ref, name) : new Set();
    const uploaded = await uploadFile(registry, ref, source, { hidden, reporter, knownIds });
    if (existing && registry.flavour === 'gitlab')
        await pruneOlder(registry, ref, name, uploaded, reporter);
    record({ name, size: data.length }, uploaded);
}
async function pruneOlder(registry, ref, name, uploaded, reporter) {
    const outcome = await registry.removeOlderDuplicates(ref, name, uploaded.id);
    if (outcome === 'forbidden') {
        reporter.warn(`${name}: replaced (GitLab serves the newest file), but the older copies stay: deleting them needs the Maintainer role`);
    }
}
/** For registries that do not return what they stored (Gitea answers 201 with no body). */
async function verifyFromListing(registry, ref, sent) {
    const listed = await registry.listFiles(ref);
    for (const file of sent) {
        const stored = listed.find((r) => registry.sameFileName(r.fileName, file.name));
        if (!stored?.sha256) {
            throw new core_errors/* RelpackError */.Hd('CHECKSUM_MISMATCH', `${file.name}: uploaded, but the registry does not list it with a SHA-256 to verify`);
        }
        if (stored.sha256.toLowerCase() !== file.sha256) {
            throw new core_errors/* RelpackError */.Hd('CHECKSUM_MISMATCH', `${file.name}: the registry stored different bytes than were sent`, {
                hint: `sent sha256 ${file.sha256}, the registry lists ${stored.sha256}. Delete the file and publish again.`,
            });
        }
    }
}

;// CONCATENATED MODULE: ./src/core/remove.ts

async function deletePackage(registry, options, reporter) {
    const { ref } = options;
    registry.validateRef(ref);
    for (const name of options.files)
        registry.validateFileName(name);
    const listed = await registry.listFiles(ref);
    if (listed.length === 0)
        throw versionNotFound(ref);
    const chosen = options.files.length === 0 ? listed : options.files.map((name) => findListedFile(registry, ref, listed, name));
    const results = chosen.map((file) => ({
        name: file.fileName,
        size: file.size ?? 0,
        sha256: file.sha256 ?? '',
        url: registry.fileUrl(ref, file.fileName),
        status: options.yes ? 'deleted' : 'planned',
        note: options.yes ? undefined : 'would be deleted (pass --yes to delete)',
    }));
    const wholeVersion = options.files.length === 0;
    if (options.yes) {
        if (wholeVersion)
            await registry.deleteVersion(ref);
        else
            await registry.deleteFiles(ref, chosen);
    }
    for (const result of results)
        reporter.done(result);
    return { ref, files: results, dryRun: !options.yes, wholeVersion };
}

;// CONCATENATED MODULE: ./src/http/redact.ts
/**
 * URLs as they may be shown: no user-info, and no value for query parameters that carry
 * credentials or signatures (GitLab's `job_token`, Gitea's `token`/`access_token`, presigned URLs).
 */
const SECRET_PARAMS = /^(job_token|private_token|token|access_token|signature|x-amz-signature|x-amz-credential|sig|se)$/i;
function redactUrl(input) {
    let url;
    try {
        url = new URL(String(input));
    }
    catch {
        return String(input).replace(/\/\/[^/@\s]*@/, '//');
    }
    url.username = '';
    url.password = '';
    for (const key of [...url.searchParams.keys()]) {
        if (SECRET_PARAMS.test(key))
            url.searchParams.set(key, 'REDACTED');
    }
    return url.toString();
}
/** Replaces every occurrence of each secret in `text` with ***. */
function maskSecrets(text, secrets) {
    let out = text;
    for (const secret of secrets) {
        if (secret.length >= 4)
            out = out.split(secret).join('***');
    }
    return out;
}

// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __webpack_require__(1692);
// EXTERNAL MODULE: ./node_modules/undici/lib/dispatcher/dispatcher.js
var dispatcher = __webpack_require__(883);
var dispatcher_default = /*#__PURE__*/__webpack_require__.n(dispatcher);
// EXTERNAL MODULE: ./node_modules/undici/lib/dispatcher/env-http-proxy-agent.js
var env_http_proxy_agent = __webpack_require__(3137);
var env_http_proxy_agent_default = /*#__PURE__*/__webpack_require__.n(env_http_proxy_agent);
// EXTERNAL MODULE: ./node_modules/undici/lib/api/index.js
var api = __webpack_require__(6615);
;// CONCATENATED MODULE: ./src/http/undici.ts



// What undici's index does once: request(), stream()… are mixed into every dispatcher.
Object.assign((dispatcher_default()).prototype, api);
const EnvHttpProxyAgent = (env_http_proxy_agent_default());

;// CONCATENATED MODULE: ./src/http/client.ts
/**
 * The one HTTP client. One undici dispatcher with keep-alive for the whole run (proxies from
 * HTTP_PROXY/HTTPS_PROXY/NO_PROXY), a custom CA from CI_SERVER_TLS_CA_FILE or NODE_EXTRA_CA_CERTS,
 * retries on transient failures, and redirects followed by hand so that credentials never reach
 * another origin (gitlab-api.md §2 "Object storage", gitea-api.md §2 "serve_direct").
 */






/** Headers that carry credentials in any registry relpack speaks to; stripped across origins. */
const CREDENTIAL_HEADERS = ['authorization', 'private-token', 'job-token', 'deploy-token', 'cookie'];
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
class HttpClient {
    dispatcher;
    credentials;
    credentialOrigin;
    userAgent;
    retryPolicy;
    log;
    constructor(options = {}) {
        const env = options.env ?? process.env;
        const ca = customCa(env);
        const tls = ca ? { ca } : undefined;
        this.dispatcher = new EnvHttpProxyAgent({
            httpProxy: env.HTTP_PROXY ?? env.http_proxy,
            httpsProxy: env.HTTPS_PROXY ?? env.https_proxy,
            noProxy: env.NO_PROXY ?? env.no_proxy,
            keepAliveTimeout: 30_000,
            keepAliveMaxTimeout: 600_000,
            connections: options.connections ?? null,
            ...(tls ? { connect: tls, requestTls: tls } : {}),
        });
        this.credentials = Object.fromEntries(Object.entries(options.credentials ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
        this.credentialOrigin = options.credentialOrigin;
        this.userAgent = options.userAgent ?? 'relpack';
        this.retryPolicy = options.retry ?? DEFAULT_RETRY_POLICY;
        this.log = options.log ?? (() => { });
    }
    /** The secret values this client holds, for masking in logs. */
    secrets() {
        return Object.values(this.credentials).flatMap((value) => {
            const basic = /^basic\s+(.+)$/i.exec(value);
            const decoded = basic ? Buffer.from(basic[1], 'base64').toString('utf8') : undefined;
            const token = /^(?:token|bearer)\s+(.+)$/i.exec(value)?.[1];
            return [value, token, basic?.[1], decoded, decoded?.split(':').slice(1).join(':')].filter((s) => typeof s === 'string' && s.length >= 4);
        });
    }
    async close() {
        await this.dispatcher.close();
    }
    /**
     * One request, retried on transient failures when `retry` allows. A final 429/5xx answer is
     * returned to the caller (who knows what it means); a final network error is thrown.
     */
    async request(req) {
        const retry = req.retry ?? (req.method === 'GET' || req.method === 'HEAD' || req.method === 'DELETE');
        if (!retry)
            return this.send(req);
        return this.retrying(req, async (attempt) => {
            const response = await this.send(req);
            if (!RETRYABLE_STATUS.has(response.status) || attempt >= this.retryPolicy.attempts)
                return response;
            const failure = retryableStatus(response);
            if ((failure.retryAfterMs ?? 0) > MAX_RETRY_AFTER_MS)
                return response;
            await response.drain();
            throw failure;
        });
    }
    /**
     * Runs `attempt` under this client's retry policy, each retry logged against `req`, the final
     * failure turned into a RelpackError naming it. For work that spans more than one request (a
     * body that breaks half-way, a listing page, an upload checked before it is sent again).
     */
    async retrying(req, attempt, beforeRetry) {
        try {
            return await withRetries(this.retryPolicy, attempt, { onRetry: (info) => this.logRetry(req, info), beforeRetry });
        }
        catch (error) {
            throw this.networkError(req, error);
        }
    }
    logRetry(req, info) {
        this.log(`retrying ${req.method} ${redactUrl(req.url)} in ${(info.delayMs / 1000).toFixed(1)}s (attempt ${info.attempt + 1} of ${this.retryPolicy.attempts}: ${info.reason})`);
    }
    networkError(req, error) {
        if (error instanceof RetryableFailure) {
            const status = error.status;
            return new core_errors/* RelpackError */.Hd(status ? 'HTTP' : 'NETWORK', `${req.method} ${redactUrl(req.url)} failed: ${error.message}${status ? '' : ` (${describeCause(error)})`}`, {
                request: { method: req.method, url: redactUrl(req.url), status },
                hint: status === 429
                    ? 'the registry is rate-limiting this client; retry later, or lower --concurrency'
                    : `gave up after the retries allowed (RELPACK_RETRIES=${this.retryPolicy.attempts}); the registry or the network is failing, try again later`,
                cause: error,
            });
        }
        if (error instanceof core_errors/* RelpackError */.Hd || !(error instanceof Error))
            return error;
        if (error.code === 'ENOENT' || error.code === 'EACCES')
            return error;
        return new core_errors/* RelpackError */.Hd('NETWORK', `${req.method} ${redactUrl(req.url)} failed: ${error.message}`, {
            request: { method: req.method, url: redactUrl(req.url) },
            hint: 'check that the URL is right and the server is reachable (proxy: HTTPS_PROXY/NO_PROXY; custom CA: NODE_EXTRA_CA_CERTS or CI_SERVER_TLS_CA_FILE)',
            cause: error,
        });
    }
    /** One attempt, following redirects; no retries. */
    async send(req) {
        let url = new URL(req.url);
        const method = req.method;
        const body = req.body;
        this.credentialOrigin ??= url.origin;
        const maxRedirects = req.maxRedirects ?? 5;
        for (let hop = 0;; hop++) {
            const sameOrigin = url.origin === this.credentialOrigin;
            const headers = { 'user-agent': this.userAgent, ...lowerKeys(req.headers ?? {}) };
            if (req.authenticate !== false && sameOrigin)
                Object.assign(headers, this.credentials);
            if (!sameOrigin)
                for (const name of CREDENTIAL_HEADERS)
                    delete headers[name];
            const payload = body?.();
            const response = await this.dispatcher.request({
                origin: url.origin,
                path: url.pathname + url.search,
                method,
                headers,
                body: payload,
            });
            const location = response.headers.location;
            // Only reads follow redirects (object storage answers a download with 302/303). A write that
            // is redirected is returned as it is and fails as unexpected: replaying a PUT or DELETE as a
            // GET, as browsers do for POST, would report a write that never happened.
            const followable = method === 'GET' || method === 'HEAD';
            if (followable && response.statusCode >= 300 && response.statusCode < 400 && response.statusCode !== 304 && location) {
                await response.body.dump();
                if (hop >= maxRedirects) {
                    throw new core_errors/* RelpackError */.Hd('HTTP', `too many redirects for ${req.method} ${redactUrl(req.url)}`, {
                        request: { method: req.method, url: redactUrl(url), status: response.statusCode },
                    });
                }
                url = new URL(String(location), url);
                continue;
            }
            return wrapResponse(response, url, url.origin !== this.credentialOrigin);
        }
    }
}
function retryableStatus(response) {
    return new RetryableFailure(`HTTP ${response.status}`, parseRetryAfter(response.headers['retry-after']), response.status);
}
function isRetryableStatus(status) {
    return RETRYABLE_STATUS.has(status);
}
/** A 429/5xx answer, drained, as the RetryableFailure a retry loop expects; any other answer as it is. */
async function throwIfRetryable(response) {
    if (!isRetryableStatus(response.status))
        return response;
    await response.drain();
    throw retryableStatus(response);
}
function wrapResponse(response, url, crossOrigin) {
    const headers = response.headers;
    return {
        status: response.statusCode,
        headers,
        url,
        crossOrigin,
        body: response.body,
        text: () => response.body.text(),
        json: () => response.body.json(),
        drain: async () => {
            try {
                await response.body.dump();
            }
            catch {
                // a body that breaks while being discarded changes nothing
            }
        },
        header: (name) => {
            const value = headers[name.toLowerCase()];
            return Array.isArray(value) ? value[0] : value;
        },
    };
}
function lowerKeys(headers) {
    return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
/**
 * Node adds NODE_EXTRA_CA_CERTS to its default store by itself; an explicit `ca` replaces that
 * store, so when GitLab's CI_SERVER_TLS_CA_FILE is set we rebuild it: roots + both files.
 */
function customCa(env) {
    const file = env.CI_SERVER_TLS_CA_FILE;
    if (!file)
        return undefined;
    const extra = env.NODE_EXTRA_CA_CERTS;
    try {
        return [...external_node_tls_.rootCertificates, (0,external_node_fs_.readFileSync)(file, 'utf8'), ...(extra ? [(0,external_node_fs_.readFileSync)(extra, 'utf8')] : [])];
    }
    catch (error) {
        throw new core_errors/* RelpackError */.Hd('INVALID_INPUT', `cannot read the CA file ${file}: ${error.message}`, {
            hint: 'CI_SERVER_TLS_CA_FILE must name a readable PEM file',
        });
    }
}
function describeCause(error) {
    const cause = error.cause;
    return cause ? (cause.code ?? cause.message ?? String(cause)) : 'no answer';
}

// EXTERNAL MODULE: ./src/registry/gitea-names.ts
var gitea_names = __webpack_require__(9768);
;// CONCATENATED MODULE: ./src/registry/manifest-index.ts
/**
 * When a registry will not list a version's files but still serves them (a hidden GitLab package,
 * gitlab-api.md §2 "hidden packages can be downloaded"; Gitea's v1 API closed to anonymous callers,
 * gitea-api.md §4), the version's SHA256SUMS is the index: it names every file with its SHA-256.
 */




/** Files named by the version's SHA256SUMS, or undefined when it has none. */
async function filesFromManifest(registry, ref) {
    let text;
    try {
        text = (await readSmallFile(registry, ref, DEFAULT_MANIFEST, MAX_MANIFEST_BYTES)).data.toString('utf8');
    }
    catch (error) {
        if (error instanceof core_errors/* RelpackError */.Hd && error.code === 'NOT_FOUND')
            return undefined;
        throw error;
    }
    const files = [{ fileName: DEFAULT_MANIFEST, sha256: sha256(text), size: Buffer.byteLength(text) }];
    for (const [fileName, digest] of parseManifest(text, DEFAULT_MANIFEST))
        files.push({ fileName, sha256: digest });
    return files;
}

;// CONCATENATED MODULE: ./src/registry/file-requests.ts

async function putFile(http, url, body, size) {
    const response = await http.send({
        method: 'PUT',
        url,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
        body,
    });
    return throwIfRetryable(response);
}
/** GET a file; 200/206 come back with the body unread, other answers with it to read. */
async function getFile(http, url, request) {
    const headers = {};
    if (request.offset) {
        headers.range = `bytes=${request.offset}-`;
        if (request.ifRange)
            headers['if-range'] = request.ifRange;
    }
    return throwIfRetryable(await http.request({ method: 'GET', url, headers, retry: request.retry }));
}

;// CONCATENATED MODULE: ./src/registry/messages.ts


/**
 * The human part of a registry's error body: GitLab's `{"message": …}` / Grape's `{"error": …}`,
 * Gitea's v1 `{"message": …}`, or the plain text of Gitea's package routes.
 */
function serverMessage(raw) {
    try {
        const parsed = JSON.parse(raw);
        const value = parsed.message ?? parsed.error;
        return typeof value === 'string' ? value : JSON.stringify(value ?? parsed);
    }
    catch {
        return raw.trim();
    }
}
/**
 * The error for an answer neither flavour gives a meaning to: a redirected write (writes are never
 * followed, see HttpClient.send), or any other status.
 */
function unexpectedAnswer(method, what, response, request) {
    if (response.status >= 300 && response.status < 400) {
        return new core_errors/* RelpackError */.Hd('HTTP', `${method}${what} was redirected (HTTP ${response.status}) and writes are not followed`, {
            request,
            hint: `check --url: it must be the instance's own address (https rather than http, with its path prefix if it has one); the server pointed to ${redactUrl(response.header('location') ?? '?')}`,
        });
    }
    return new core_errors/* RelpackError */.Hd('HTTP', `${method}${what} failed with HTTP ${response.status}`, { request });
}

;// CONCATENATED MODULE: ./src/registry/pagination.ts



/** Upper bound on pages, so a server that always answers "next" cannot loop us forever. */
const MAX_PAGES = 10_000;
function nextPageUrl(response, current) {
    const link = response.header('link');
    if (link) {
        for (const part of link.split(',')) {
            const match = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part);
            if (match)
                return new URL(match[1], current);
        }
    }
    const nextPage = response.header('x-next-page');
    if (nextPage && /^\d+$/.test(nextPage)) {
        const next = new URL(current);
        next.searchParams.set('page', nextPage);
        return next;
    }
    return undefined;
}
/**
 * GETs every page of a JSON-array listing. `emptyOn` statuses mean "nothing there" (e.g. 404 for a
 * package that has gone); any other non-200 answer becomes the error `fail` builds.
 */
async function fetchAllPages(http, firstUrl, fail, emptyOn = []) {
    const items = [];
    let url = new URL(firstUrl);
    for (let page = 0; url && page < MAX_PAGES; page++) {
        const pageUrl = url;
        // The page is fetched and parsed inside the retries: a body that breaks half-way through a
        // listing is asked for again, like any other transient failure.
        const result = await http.retrying({ method: 'GET', url: pageUrl }, async () => {
            const response = await throwIfRetryable(await http.request({ method: 'GET', url: pageUrl, retry: false }));
            if (emptyOn.includes(response.status)) {
                await response.drain();
                return 'empty';
            }
            if (response.status !== 200)
                return { kind: 'failed', response };
            try {
                return { kind: 'page', body: await response.json(), next: nextPageUrl(response, pageUrl) };
            }
            catch (error) {
                throw new RetryableFailure(`the listing ${redactUrl(pageUrl)} broke`, undefined, undefined, { cause: error });
            }
        });
        if (result === 'empty')
            return items;
        if (result.kind === 'failed')
            throw await fail(result.response);
        if (!Array.isArray(result.body))
            break;
        items.push(...result.body);
        const next = result.next;
        url = result.body.length > 0 && next && next.toString() !== pageUrl.toString() ? next : undefined;
    }
    return items;
}

;// CONCATENATED MODULE: ./src/registry/gitea.ts









const JOB_TOKEN_HINT = 'Gitea and Forgejo let the Actions job token (GITEA_TOKEN, FORGEJO_TOKEN, GITHUB_TOKEN) read packages but never publish them. ' +
    'Create an access token with the write:package scope for a user who may write the owner\'s packages, store it as a secret, and pass it as RELPACK_TOKEN (the action\'s token input).';
class GiteaRegistry {
    target;
    http;
    flavour = 'gitea';
    instance;
    owner;
    constructor(target, http) {
        this.target = target;
        this.http = http;
        this.instance = target.url.replace(/\/+$/, '');
        this.owner = encodeURIComponent(target.owner);
    }
    validateRef(ref) {
        (0,gitea_names/* validateGiteaRef */.s9)(ref);
    }
    validateFileName(fileName) {
        (0,gitea_names/* validateGiteaFileName */.qv)(fileName);
    }
    /** Gitea matches names case-insensitively (lower_name columns, gitea-api.md edge case 17). */
    sameFileName(a, b) {
        return a.toLowerCase() === b.toLowerCase();
    }
    fileUrl(ref, fileName) {
        return `${this.versionPath(ref)}/${encodeURIComponent((0,gitea_names/* encodeGiteaFileName */._T)(fileName))}`;
    }
    packageUrl(ref) {
        return `${this.instance}/${this.owner}/-/packages/generic/${encodeURIComponent(ref.name)}/${encodeURIComponent(ref.version)}`;
    }
    async listVersions(name) {
        // The per-package listing exists from Gitea 1.24; Forgejo and older Gitea only have the
        // owner-wide listing, where `q` is a substring match that must be filtered again.
        const direct = `${this.api()}/generic/${encodeURIComponent(name)}?limit=50`;
        const fail = (url) => (response) => this.failure('GET', url, response, {});
        let versions = await fetchAllPages(this.http, direct, fail(direct), [404]);
        if (versions.length === 0) {
            const search = `${this.api()}?type=generic&q=${encodeURIComponent(name)}&limit=50`;
            versions = (await fetchAllPages(this.http, search, fail(search))).filter((p) => p.name.toLowerCase() === name.toLowerCase());
        }
        return versions.map((p) => ({ version: p.version, id: p.id, createdAt: p.created_at })).reverse();
    }
    async listFiles(ref) {
        const url = `${this.api()}/generic/${encodeURIComponent(ref.name)}/${encodeURIComponent(ref.version)}/files`;
        const response = await this.http.request({ method: 'GET', url });
        if (response.status === 404) {
            await response.drain();
            return [];
        }
        if (response.status === 401 && this.target.anonymous) {
            await response.drain();
            return this.filesFromManifest(ref);
        }
        if (response.status !== 200)
            throw await this.failure('GET', url, response, {});
        const files = await response.json();
        return files
            .map((file) => ({ fileName: (0,gitea_names/* decodeGiteaFileName */.gg)(file.name), size: file.size, sha256: file.sha256?.toLowerCase(), id: file.id }))
            .sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
    }
    /** Gitea keeps one file per name: the rows are the files. */
    listRows(ref) {
        return this.listFiles(ref);
    }
    async upload(ref, fileName, body, size, _options) {
        const url = this.fileUrl(ref, fileName);
        const response = await putFile(this.http, url, body, size);
        if (response.status === 201) {
            await response.drain();
            // Gitea returns no body: the stored SHA-256 is checked from the files listing afterwards.
            return {};
        }
        throw await this.failure('PUT', url, response, { fileName, size });
    }
    async download(ref, fileName, request = {}) {
        const url = this.fileUrl(ref, fileName);
        const response = await getFile(this.http, url, request);
        if (response.status === 200 || response.status === 206)
            return response;
        throw await this.failure('GET', url, response, { fileName });
    }
    async deleteFiles(ref, files) {
        for (const file of files) {
            const url = this.fileUrl(ref, file.fileName);
            const response = await this.http.request({ method: 'DELETE', url });
            if (response.status !== 204)
                throw await this.failure('DELETE', url, response, { fileName: file.fileName });
            await response.drain();
        }
    }
    async deleteVersion(ref) {
        const url = this.versionPath(ref);
        const response = await this.http.request({ method: 'DELETE', url });
        if (response.status !== 204)
            throw await this.failure('DELETE', url, response, {});
        await response.drain();
    }
    /** Gitea keeps one file per name: there is never an older copy. */
    async removeOlderDuplicates() {
        return 'none';
    }
    api() {
        return `${this.instance}/api/v1/packages/${this.owner}`;
    }
    versionPath(ref) {
        return `${this.instance}/api/packages/${this.owner}/generic/${encodeURIComponent(ref.name)}/${encodeURIComponent(ref.version)}`;
    }
    /**
     * Gitea closes the v1 API to anonymous callers (401 "token is required") while public packages
     * stay downloadable: without a token the version's SHA256SUMS is the index, and HEAD adds the
     * sizes where the server supports it (Gitea ≥ 1.25).
     */
    async filesFromManifest(ref) {
        const files = await filesFromManifest(this, ref);
        if (!files) {
            throw new core_errors/* RelpackError */.Hd('UNAUTHORIZED', `cannot list ${ref.name} ${ref.version} without a token, and it has no ${DEFAULT_MANIFEST} to list it instead`, {
                hint: 'set RELPACK_TOKEN to a token with read:package (Gitea answers 401 to anonymous listing), or name the files to download',
            });
        }
        for (const file of files)
            file.size ??= await this.headSize(ref, file.fileName);
        return files;
    }
    async headSize(ref, fileName) {
        const response = await this.http.request({ method: 'HEAD', url: this.fileUrl(ref, fileName) });
        await response.drain();
        const length = response.header('content-length');
        return response.status === 200 && length && /^\d+$/.test(length) ? Number(length) : undefined;
    }
    async failure(method, url, response, context) {
        const message = serverMessage((await response.text().catch(() => '')).slice(0, 500));
        const request = { method, url: redactUrl(url), status: response.status, body: message || undefined };
        const what = context.fileName ? ` ${context.fileName}` : '';
        const writing = method === 'PUT' || method === 'DELETE';
        switch (response.status) {
            case 401:
                if (writing && this.target.jobToken) {
                    return new core_errors/* RelpackError */.Hd('UNAUTHORIZED', `${this.target.credential} cannot ${method === 'PUT' ? 'publish' : 'delete'} packages`, { request, hint: JOB_TOKEN_HINT });
                }
                // Gitea answers 401, never 403, both for bad credentials and for missing write access.
                return new core_errors/* RelpackError */.Hd('UNAUTHORIZED', `the registry refused ${method}${what} for ${this.target.credential}`, {
                    request,
                    hint: [
                        'Gitea answers 401 both when the token is wrong or expired and when its user may not write the owner\'s packages',
                        writing ? 'publishing needs a token with the write:package scope, of the owner, an organisation owner, or a member of a team with write access to Packages' : 'reading needs the read:package scope (Gitea refuses the package API to anonymous callers)',
                        'pass the token as RELPACK_TOKEN; the Actions job token can only read',
                    ].join('\n'),
                });
            case 403:
                if (/maximum allowed|quota/i.test(message))
                    return this.tooLarge(request, context);
                return new core_errors/* RelpackError */.Hd('FORBIDDEN', `the registry refused ${method}${what} for ${this.target.credential}`, {
                    request,
                    hint: 'the token may be limited to public resources, or lack the package scope for this owner',
                });
            case 413:
                return this.tooLarge(request, context);
            case 404:
                return new core_errors/* RelpackError */.Hd('NOT_FOUND', `not found:${what || ' ' + redactUrl(url)}`, {
                    request,
                    hint: `check the owner (${this.target.owner}), the package name, version and file name, and the URL (${this.instance})`,
                });
            case 409:
                return new core_errors/* RelpackError */.Hd('EXISTS', `${context.fileName ?? 'the file'} already exists in this version`, {
                    request,
                    hint: 'Gitea keeps one file per name (compared case-insensitively); another publish may have raced this one. Re-run with --if-exists skip or replace.',
                });
            case 400:
                return new core_errors/* RelpackError */.Hd('INVALID_INPUT', `the registry rejected ${method}${what}: ${message || 'bad request'}`, { request });
            default:
                return unexpectedAnswer(method, what, response, request);
        }
    }
    tooLarge(request, context) {
        return new core_errors/* RelpackError */.Hd('TOO_LARGE', `${context.fileName ?? 'the file'} is too large for this instance${context.size ? ` (${formatBytes(context.size)})` : ''}`, {
            request,
            hint: 'Gitea limits generic files with [packages] LIMIT_SIZE_GENERIC and owner totals with LIMIT_TOTAL_OWNER_SIZE; Forgejo also has [quota] (413). An administrator can raise them.',
        });
    }
}

// EXTERNAL MODULE: ./src/registry/gitlab-names.ts
var gitlab_names = __webpack_require__(9437);
;// CONCATENATED MODULE: ./src/registry/gitlab.ts








/** Strips a trailing `/api/v4` (and slashes) so both forms of the URL work. */
function gitlabInstanceUrl(url) {
    return url.replace(/\/+$/, '').replace(/\/api\/v4$/, '');
}
class GitlabRegistry {
    target;
    http;
    flavour = 'gitlab';
    instance;
    projectApi;
    constructor(target, http) {
        this.target = target;
        this.http = http;
        this.instance = gitlabInstanceUrl(target.url);
        this.projectApi = `${this.instance}/api/v4/projects/${encodeURIComponent(target.project)}`;
    }
    validateRef(ref) {
        (0,gitlab_names/* validateGitlabRef */.lM)(ref);
    }
    validateFileName(fileName) {
        (0,gitlab_names/* validateGitlabFileName */.tU)(fileName);
    }
    sameFileName(a, b) {
        return a === b;
    }
    fileUrl(ref, fileName) {
        return `${this.projectApi}/packages/generic/${encodeURIComponent(ref.name)}/${encodeURIComponent(ref.version)}/${(0,gitlab_names/* gitlabFilePath */.xV)(fileName)}`;
    }
    packageUrl(ref) {
        return `${this.projectApi}/packages/generic/${encodeURIComponent(ref.name)}/${encodeURIComponent(ref.version)}`;
    }
    async listVersions(name) {
        const packages = await this.findPackages(name);
        return packages.map((p) => ({ version: p.version, id: p.id, createdAt: p.created_at, status: p.status }));
    }
    async listFiles(ref) {
        const rows = await this.listRows(ref);
        if (rows.length === 0)
            return (await this.hiddenFiles(ref)) ?? [];
        const served = new Map();
        // GitLab serves the newest row of a file name (highest id, gitlab-api.md §2 "Lookup").
        for (const row of rows) {
            const current = served.get(row.fileName);
            if (!current || (row.id ?? 0) > (current.id ?? 0))
                served.set(row.fileName, row);
        }
        return [...served.values()].sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
    }
    async upload(ref, fileName, body, size, options) {
        const url = new URL(this.fileUrl(ref, fileName));
        url.searchParams.set('select', 'package_file');
        if (options.hidden)
            url.searchParams.set('status', 'hidden');
        const response = await putFile(this.http, url, body, size);
        if (response.status === 200) {
            const file = await response.json();
            return { sha256: file.file_sha256 ?? undefined, size: file.size, id: file.id, packageId: file.package_id };
        }
        if (response.status === 201) {
            await response.drain();
            return {};
        }
        throw await this.failure('PUT', url, response, { fileName, size });
    }
    async download(ref, fileName, request = {}) {
        const url = this.fileUrl(ref, fileName);
        const response = await getFile(this.http, url, request);
        if (response.status === 200 || response.status === 206)
            return response;
        throw await this.failure('GET', url, response, { fileName });
    }
    /** Deletes every row of each named file: deleting only the served one would bring an older copy back. */
    async deleteFiles(ref, files) {
        const rows = await this.listRows(ref);
        for (const file of files) {
            const matching = rows.filter((row) => row.fileName === file.fileName);
            if (matching.length === 0)
                throw new core_errors/* RelpackError */.Hd('NOT_FOUND', `${file.fileName} is not in ${ref.name} ${ref.version}`);
            for (const row of matching)
                await this.deleteOrFail(`${this.projectApi}/packages/${row.packageId}/package_files/${row.id}`);
        }
    }
    async deleteVersion(ref) {
        const packages = (await this.findPackages(ref.name)).filter((p) => p.version === ref.version);
        if (packages.length === 0) {
            throw new core_errors/* RelpackError */.Hd('NOT_FOUND', `package ${ref.name} ${ref.version} was not found in project ${this.target.project}`);
        }
        for (const pkg of packages)
            await this.deleteOrFail(`${this.projectApi}/packages/${pkg.id}`);
    }
    async removeOlderDuplicates(ref, fileName, keepId) {
        // Without the new row's id (a server that ignored select=package_file) every row would look
        // older: leave them all, GitLab serves the newest anyway.
        if (keepId === undefined)
            return 'none';
        const older = (await this.listRows(ref)).filter((row) => row.fileName === fileName && row.id !== keepId);
        if (older.length === 0)
            return 'none';
        for (const row of older) {
            const url = `${this.projectApi}/packages/${row.packageId}/package_files/${row.id}`;
            const response = await this.http.request({ method: 'DELETE', url });
            await response.drain();
            if (response.status === 403)
                return 'forbidden';
            if (response.status !== 204 && response.status !== 404)
                throw await this.failure('DELETE', url, response, {});
        }
        return 'removed';
    }
    /**
     * A hidden package is left out of the packages list and its package_files answer 404, but its
     * files download (gitlab-api.md §2, edge case 12): its SHA256SUMS tells what it holds.
     */
    async hiddenFiles(ref) {
        const hidden = (await this.findPackages(ref.name, 'hidden')).filter((p) => p.version === ref.version);
        return hidden.length > 0 ? filesFromManifest(this, ref) : undefined;
    }
    /** Every stored row of the version, duplicates included. */
    async listRows(ref) {
        const packages = (await this.findPackages(ref.name)).filter((p) => p.version === ref.version);
        const rows = [];
        for (const pkg of packages) {
            const url = `${this.projectApi}/packages/${pkg.id}/package_files?per_page=100&order_by=id&sort=asc`;
            // A package that vanished between the two calls (deleted, or hidden) has no files to show.
            const files = await fetchAllPages(this.http, url, (response) => this.failure('GET', url, response, {}), [404]);
            for (const file of files) {
                rows.push({
                    fileName: (0,gitlab_names/* decodeGitlabFileName */.xo)(file.file_name),
                    size: file.size,
                    sha256: file.file_sha256 ?? undefined,
                    id: file.id,
                    packageId: file.package_id ?? pkg.id,
                    createdAt: file.created_at,
                });
            }
        }
        return rows;
    }
    /**
     * Packages with exactly this name. `package_name` is a fuzzy substring match (gitlab-api.md §3),
     * so the answer is filtered again here.
     */
    async findPackages(name, status) {
        const url = `${this.projectApi}/packages?package_type=generic&package_name=${encodeURIComponent(name)}&per_page=100&order_by=created_at&sort=asc${status ? `&status=${status}` : ''}`;
        const packages = await fetchAllPages(this.http, url, (response) => this.failure('GET', url, response, {}));
        return packages.filter((p) => p.name === name);
    }
    async deleteOrFail(url) {
        const response = await this.http.request({ method: 'DELETE', url });
        if (response.status === 204) {
            await response.drain();
            return;
        }
        throw await this.failure('DELETE', url, response, {});
    }
    /** Turns a refusal into an error that says what to change (issue: "Errors say what to change"). */
    async failure(method, url, response, context) {
        const raw = (await response.text().catch(() => '')).slice(0, 500);
        const message = serverMessage(raw);
        const request = { method, url: redactUrl(url), status: response.status, body: message || undefined };
        const what = context.fileName ? ` ${context.fileName}` : '';
        switch (response.status) {
            case 401:
                return new core_errors/* RelpackError */.Hd('UNAUTHORIZED', `the registry did not accept the credentials (${this.target.credential})`, {
                    request,
                    hint: 'use one of: RELPACK_TOKEN with a personal, project or group access token that has the api scope (sent as PRIVATE-TOKEN); ' +
                        'RELPACK_TOKEN with a deploy token and RELPACK_TOKEN_TYPE=deploy (read_package_registry to download, write_package_registry to publish); ' +
                        'or CI_JOB_TOKEN inside a GitLab CI job. Check that the token has not expired.',
                });
            case 403:
                return new core_errors/* RelpackError */.Hd('FORBIDDEN', `the registry refused ${method}${what} for ${this.target.credential}`, {
                    request,
                    hint: [
                        method === 'DELETE'
                            ? 'deleting packages needs the Maintainer role (or a deploy token with write_package_registry)'
                            : 'publishing needs at least the Developer role in the project',
                        'a deploy token needs write_package_registry to publish; a token with only read_api or read_registry cannot write',
                        'the package registry may be disabled for the project, or a package protection rule may cover this name',
                    ].join('\n'),
                });
            case 404:
                return new core_errors/* RelpackError */.Hd('NOT_FOUND', `not found:${what || ' ' + redactUrl(url)}`, {
                    request,
                    hint: context.fileName
                        ? 'check the package name, version and file name (GitLab names are case-sensitive); private projects also answer 404 to tokens without access'
                        : `check the project (${this.target.project}) and the URL (${this.instance}); private projects answer 404 to tokens without access`,
                });
            case 400:
                if (/duplicate package is not allowed/i.test(message)) {
                    return new core_errors/* RelpackError */.Hd('DUPLICATE', `the project does not allow a second${what} in this version`, {
                        request,
                        hint: 'the project or group setting "Allow duplicates" for generic packages is off (Settings > Packages and registries), and no exception regex matches. ' +
                            'Publish a new version, delete the existing file first (relpack delete), or use --if-exists skip to leave identical files alone.',
                    });
                }
                if (/file is too large/i.test(message)) {
                    return new core_errors/* RelpackError */.Hd('TOO_LARGE', `${context.fileName ?? 'the file'} is too large for this instance${context.size ? ` (${formatBytes(context.size)})` : ''}`, {
                        request,
                        hint: 'GitLab limits generic package files to generic_packages_max_file_size, 5 GiB by default (5 GB on GitLab.com); an administrator can raise it in the plan limits',
                    });
                }
                return new core_errors/* RelpackError */.Hd('INVALID_INPUT', `the registry rejected ${method}${what}: ${message || 'bad request'}`, { request });
            default:
                return unexpectedAnswer(method, what, response, request);
        }
    }
}

;// CONCATENATED MODULE: ./src/options/connection.ts
/**
 * Where to connect and with which credential: each setting from a flag or input, else relpack's
 * environment variable, else the CI system's own. The CLI and the action both resolve through
 * here, so a default means the same in every shell.
 */





const TOKEN_TYPES = ['private', 'deploy', 'basic', 'job'];
/** The settings that decide the flavour without asking the server. */
function flavourFromEnvironment(input, env) {
    const explicit = input.registry ?? env.RELPACK_REGISTRY;
    if (explicit) {
        if (explicit !== 'gitlab' && explicit !== 'gitea' && explicit !== 'forgejo') {
            throw (0,core_errors/* usageError */.Wp)(`--registry must be gitlab or gitea, not ${JSON.stringify(explicit)}`, 'Forgejo uses the gitea flavour');
        }
        return { flavour: explicit === 'forgejo' ? 'gitea' : explicit, by: input.registry ? '--registry' : 'RELPACK_REGISTRY' };
    }
    if (env.GITLAB_CI === 'true' || env.CI_SERVER_URL || env.CI_JOB_TOKEN)
        return { flavour: 'gitlab', by: 'GitLab CI variables' };
    if (env.GITEA_ACTIONS === 'true' || env.FORGEJO_ACTIONS === 'true')
        return { flavour: 'gitea', by: env.FORGEJO_ACTIONS === 'true' ? 'FORGEJO_ACTIONS' : 'GITEA_ACTIONS' };
    const project = input.project ?? env.RELPACK_PROJECT;
    const owner = input.owner ?? env.RELPACK_OWNER;
    if (project && !owner)
        return { flavour: 'gitlab', by: '--project' };
    if (owner && !project)
        return { flavour: 'gitea', by: '--owner' };
    return { by: 'probe' };
}
function resolveConnection(input, env, flavour, detectedBy) {
    const url = baseUrl(input, env, flavour);
    const connection = flavour === 'gitlab' ? gitlabCredentials(input, env) : giteaCredentials(input, env);
    if (flavour === 'gitlab') {
        const project = input.project ?? env.RELPACK_PROJECT ?? env.CI_PROJECT_ID;
        if (!project)
            throw (0,core_errors/* usageError */.Wp)('no GitLab project given', 'pass --project (numeric id or group/project path) or set RELPACK_PROJECT; in GitLab CI it defaults to CI_PROJECT_ID');
        return { flavour, url, project, ...connection, detectedBy };
    }
    const owner = input.owner ?? env.RELPACK_OWNER ?? env.GITHUB_REPOSITORY_OWNER;
    if (!owner)
        throw (0,core_errors/* usageError */.Wp)('no Gitea owner given', 'pass --owner (the user or organisation that owns the packages) or set RELPACK_OWNER; in Gitea/Forgejo Actions it defaults to GITHUB_REPOSITORY_OWNER');
    return { flavour, url, owner, ...connection, detectedBy };
}
function baseUrl(input, env, flavour) {
    const raw = input.url ?? env.RELPACK_URL ?? (flavour === 'gitlab' ? env.CI_SERVER_URL : env.GITHUB_SERVER_URL);
    if (!raw) {
        throw (0,core_errors/* usageError */.Wp)('no registry URL given', flavour === 'gitlab' ? 'pass --url https://gitlab.example.com or set RELPACK_URL; in GitLab CI it defaults to CI_SERVER_URL' : 'pass --url https://gitea.example.com or set RELPACK_URL; in Gitea/Forgejo Actions it defaults to GITHUB_SERVER_URL');
    }
    let url;
    try {
        url = new URL(raw);
    }
    catch {
        throw (0,core_errors/* usageError */.Wp)(`--url ${JSON.stringify(raw)} is not a URL`, 'give the instance URL with its scheme, e.g. https://gitlab.example.com');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw (0,core_errors/* usageError */.Wp)(`--url must be http or https, not ${url.protocol}`);
    if (url.username || url.password) {
        throw (0,core_errors/* usageError */.Wp)('the URL contains credentials', 'put the token in RELPACK_TOKEN instead: URLs end up in logs');
    }
    if (url.search || url.hash)
        throw (0,core_errors/* usageError */.Wp)(`--url must not have a query or fragment: ${url.origin}${url.pathname}`);
    return (url.origin + url.pathname).replace(/\/+$/, '').replace(/\/api\/v4$/, '').replace(/\/api\/v1$/, '');
}
function gitlabCredentials(input, env) {
    const token = input.token ?? env.RELPACK_TOKEN;
    const type = (input.tokenType ?? env.RELPACK_TOKEN_TYPE ?? 'private').toLowerCase();
    if (!TOKEN_TYPES.includes(type)) {
        throw (0,core_errors/* usageError */.Wp)(`RELPACK_TOKEN_TYPE must be one of ${TOKEN_TYPES.join(', ')}, not ${JSON.stringify(type)}`);
    }
    if (token) {
        switch (type) {
            case 'deploy':
                return { credentials: { 'DEPLOY-TOKEN': token }, credentialLabel: 'a deploy token (RELPACK_TOKEN)', jobToken: false, secrets: [token] };
            case 'job':
                return { credentials: { 'JOB-TOKEN': token }, credentialLabel: 'a job token (RELPACK_TOKEN)', jobToken: true, secrets: [token] };
            case 'basic': {
                const [user, secret] = token.includes(':') ? [token.slice(0, token.indexOf(':')), token.slice(token.indexOf(':') + 1)] : [env.RELPACK_USERNAME ?? 'relpack', token];
                return {
                    credentials: { Authorization: `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}` },
                    credentialLabel: `Basic authentication as ${user} (RELPACK_TOKEN)`,
                    jobToken: false,
                    secrets: [token, secret],
                };
            }
            default:
                return { credentials: { 'PRIVATE-TOKEN': token }, credentialLabel: 'an access token (RELPACK_TOKEN)', jobToken: false, secrets: [token] };
        }
    }
    if (env.CI_JOB_TOKEN) {
        return { credentials: { 'JOB-TOKEN': env.CI_JOB_TOKEN }, credentialLabel: 'the CI job token (CI_JOB_TOKEN)', jobToken: true, secrets: [env.CI_JOB_TOKEN] };
    }
    return { credentials: {}, credentialLabel: 'no credentials', jobToken: false, secrets: [] };
}
function giteaCredentials(input, env) {
    const token = input.token ?? env.RELPACK_TOKEN;
    if (token) {
        return { credentials: { Authorization: `token ${token}` }, credentialLabel: 'an access token (RELPACK_TOKEN)', jobToken: false, secrets: [token] };
    }
    // Token precedence of the runners: Forgejo FORGEJO_TOKEN, then GITEA_TOKEN, then GITHUB_TOKEN (gitea-api.md §6).
    for (const name of ['FORGEJO_TOKEN', 'GITEA_TOKEN', 'GITHUB_TOKEN']) {
        const value = env[name];
        if (value)
            return { credentials: { Authorization: `token ${value}` }, credentialLabel: `the Actions job token (${name})`, jobToken: true, secrets: [value] };
    }
    return { credentials: {}, credentialLabel: 'no credentials', jobToken: false, secrets: [] };
}
/**
 * RELPACK_RETRIES (attempts in all, 1 = no retry) and RELPACK_RETRY_DELAY_MS (the first backoff)
 * tune retries for networks that need more patience, or tests that need less.
 */
function retryPolicyFromEnv(env) {
    const number = (name, min, max, fallback) => {
        const raw = env[name];
        if (raw === undefined || raw === '')
            return fallback;
        const n = Number(raw);
        if (!Number.isInteger(n) || n < min || n > max)
            throw (0,core_errors/* usageError */.Wp)(`${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw)}`);
        return n;
    };
    const attempts = number('RELPACK_RETRIES', 1, 20, DEFAULT_RETRY_POLICY.attempts);
    const baseDelayMs = number('RELPACK_RETRY_DELAY_MS', 1, 60_000, DEFAULT_RETRY_POLICY.baseDelayMs);
    return { attempts, baseDelayMs, maxDelayMs: Math.max(baseDelayMs, DEFAULT_RETRY_POLICY.maxDelayMs) };
}
/**
 * Settles the flavour (asking the server once, unauthenticated, when nothing else tells) and
 * builds the registry adapter with its HTTP client.
 */
async function connect(input, env, settings = {}) {
    let { flavour, by } = flavourFromEnvironment(input, env);
    if (!flavour) {
        const url = baseUrl(input, env, 'gitlab');
        flavour = await probeFlavour(url, settings);
        by = `probe of ${url}`;
    }
    const connection = resolveConnection(input, env, flavour, by);
    const http = new HttpClient({
        credentials: connection.credentials,
        credentialOrigin: new URL(connection.url).origin,
        log: settings.log,
        retry: settings.retry ?? retryPolicyFromEnv(env),
        env: settings.env ?? env,
        userAgent: settings.userAgent,
    });
    return { registry: createRegistry(connection, http), connection };
}
function createRegistry(connection, http) {
    if (connection.flavour === 'gitlab') {
        return new GitlabRegistry({ url: connection.url, project: connection.project, credential: connection.credentialLabel }, http);
    }
    return new GiteaRegistry({ url: connection.url, owner: connection.owner, credential: connection.credentialLabel, jobToken: connection.jobToken, anonymous: Object.keys(connection.credentials).length === 0 }, http);
}
/** Gitea and Forgejo answer GET /api/v1/version without credentials; GitLab does not have it. */
async function probeFlavour(url, settings) {
    const http = new HttpClient({ log: settings.log, retry: settings.retry, env: settings.env });
    try {
        const response = await http.request({ method: 'GET', url: `${url}/api/v1/version`, authenticate: false });
        if (response.status === 200) {
            const body = await response.json().catch(() => undefined);
            if (body && typeof body.version === 'string')
                return 'gitea';
        }
        else {
            await response.drain();
        }
        return 'gitlab';
    }
    finally {
        await http.close();
    }
}

// EXTERNAL MODULE: ./node_modules/semver/index.js
var semver = __webpack_require__(2088);
var semver_default = /*#__PURE__*/__webpack_require__.n(semver);
;// CONCATENATED MODULE: ./src/core/versioning.ts
/**
 * Semantic versions: bumps, Conventional Commits and range resolution. Plain data in, plain data
 * out; no I/O (git is read in commits.ts, the registry and the variables in release.ts).
 */


const BUMP_LEVELS = ['major', 'minor', 'patch', 'premajor', 'preminor', 'prepatch', 'prerelease', 'auto'];
/** Where the current version is read from. */
const VERSION_SOURCES = ['variable', 'tag', 'registry'];
/** The version before the first bump, when the variable does not exist yet (what `bump` starts from). */
const DEFAULT_INITIAL_VERSION = '0.0.0';
function parseBumpLevel(value) {
    if (BUMP_LEVELS.includes(value))
        return value;
    throw (0,core_errors/* inputError */.Xu)(`--bump must be one of ${BUMP_LEVELS.join(', ')}, not ${JSON.stringify(value)}`);
}
function parseVersionSource(value) {
    if (VERSION_SOURCES.includes(value))
        return value;
    throw (0,core_errors/* inputError */.Xu)(`--version-from must be one of ${VERSION_SOURCES.join(', ')}, not ${JSON.stringify(value)}`);
}
/**
 * A strict semantic version with an optional leading `v` removed (`v1.4.2` -> `1.4.2`), or
 * undefined. Build metadata is kept.
 */
function cleanVersion(value) {
    const text = value.trim().replace(/^v(?=\d)/i, '');
    const parsed = semver_default().parse(text);
    return parsed ? parsed.version + (parsed.build.length ? `+${parsed.build.join('.')}` : '') : undefined;
}
/** cleanVersion, or an INVALID_INPUT error that says where the value came from. */
function requireVersion(value, from) {
    const version = cleanVersion(value);
    if (!version) {
        throw (0,core_errors/* inputError */.Xu)(`${from} holds ${JSON.stringify(value)}, which is not a semantic version (MAJOR.MINOR.PATCH[-PRERELEASE])`, 'set it to a version such as 1.0.0');
    }
    return version;
}
const PRE_LEVELS = new Set(['premajor', 'preminor', 'prepatch', 'prerelease']);
/**
 * The next version. `preid` names the prerelease (`rc` -> `1.5.0-rc.0`); it only applies to the
 * pre* levels and prerelease. Build metadata of the current version is dropped.
 */
function bumpVersion(current, level, preid) {
    const version = requireVersion(current, 'the current version');
    if (preid !== undefined) {
        if (!PRE_LEVELS.has(level))
            throw (0,core_errors/* inputError */.Xu)(`--preid only applies to premajor, preminor, prepatch and prerelease, not ${level}`);
        if (!/^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/.test(preid) || /^\d+$/.test(preid)) {
            throw (0,core_errors/* inputError */.Xu)(`--preid ${JSON.stringify(preid)} is not a valid prerelease identifier`, 'use letters, digits and hyphens, e.g. rc, beta or alpha');
        }
    }
    const next = semver_default().inc(version, level, undefined, preid);
    if (!next)
        throw new core_errors/* RelpackError */.Hd('INVALID_INPUT', `cannot apply a ${level} bump to ${version}`);
    return next;
}
const HEADER = /^(?<type>[A-Za-z]+)(?:\((?<scope>[^()\r\n]*)\))?(?<bang>!)?:[ \t]/;
const BREAKING_FOOTER = /^BREAKING[ -]CHANGE:[ \t]/m;
const RANK = { patch: 1, minor: 2, major: 3 };
/** feat -> minor, fix -> patch, `!` after the type/scope or a BREAKING CHANGE footer -> major. */
function analyzeCommits(messages) {
    let level;
    const reasons = [];
    for (const message of messages) {
        const subject = message.trim().split(/\r?\n/, 1)[0] ?? '';
        const header = HEADER.exec(subject);
        let found;
        if ((header && header.groups.bang) || BREAKING_FOOTER.test(message))
            found = 'major';
        else if (header?.groups.type.toLowerCase() === 'feat')
            found = 'minor';
        else if (header?.groups.type.toLowerCase() === 'fix')
            found = 'patch';
        if (!found)
            continue;
        reasons.push(`${found}: ${subject}`);
        if (!level || RANK[found] > RANK[level])
            level = found;
    }
    return { level, reasons, commits: messages.length };
}
/**
 * How a `--version` value is read: `latest`, `latest-prerelease`, a semver range (`^1.4`,
 * `~1.4.2`, `>=1 <2`, `1.x`) or, for anything else (`1.4.2`, `nightly`), an exact version.
 */
function versionSpecKind(spec) {
    const text = spec.trim();
    if (text === 'latest' || text === 'latest-prerelease')
        return text;
    if (cleanVersion(text))
        return 'exact';
    if (text !== '' && semver_default().validRange(text) !== null)
        return 'range';
    return 'exact';
}
/** The registry's versions that are semantic versions, highest first by semver precedence. */
function sortBySemver(versions) {
    return versions
        .map((original) => ({ original, clean: cleanVersion(original) }))
        .filter((v) => v.clean !== undefined)
        .sort((a, b) => semver_default().rcompare(a.clean, b.clean) || (a.original < b.original ? -1 : a.original > b.original ? 1 : 0))
        .map((v) => v.original);
}
/** The highest semantic version among `versions` (prereleases only when asked), or undefined. */
function highestVersion(versions, options = {}) {
    return sortBySemver(versions).find((v) => options.includePrerelease || semver_default().prerelease(cleanVersion(v)) === null);
}
/**
 * Picks the version a spec means among the published ones (exact names are returned as given
 * when they are published); undefined when nothing matches. Versions that are not semver are
 * ignored by ranges and `latest`. Prereleases only match `latest-prerelease` or a range that names
 * a prerelease of the same MAJOR.MINOR.PATCH (`^1.5.0-rc.0`), as npm does.
 */
function matchVersion(versions, spec) {
    const kind = versionSpecKind(spec);
    const text = spec.trim();
    if (kind === 'latest')
        return highestVersion(versions);
    if (kind === 'latest-prerelease')
        return highestVersion(versions, { includePrerelease: true });
    if (kind === 'exact') {
        if (versions.includes(text))
            return text;
        const clean = cleanVersion(text);
        return clean ? versions.find((v) => cleanVersion(v) === clean) : undefined;
    }
    return sortBySemver(versions).find((v) => semver_default().satisfies(cleanVersion(v), text));
}

;// CONCATENATED MODULE: ./src/registry/variables/types.ts
/**
 * Where a package's version is kept between pipelines: a CI variable of the project or
 * repository. One small interface per platform (GitLab project CI/CD variables, Gitea/Forgejo
 * repository Actions variables, GitHub repository variables); core reads and writes only through it.
 */


/** The token each platform needs to read and write its variables (peers.md §2.5, gitea-api.md §5, §7). */
const VARIABLE_TOKEN_NEEDED = {
    gitlab: 'a personal, project or group access token with the api scope and the Maintainer role in the project (CI_JOB_TOKEN cannot reach the CI/CD variables API)',
    gitea: "an access token of the repository's owner (an organisation owner for an organisation's repository) with the write:repository scope (the Actions job token GITEA_TOKEN/GITHUB_TOKEN is never the owner)",
    github: 'a fine-grained personal access token or GitHub App token with the "Variables" repository permission set to write, or a classic token with the repo scope (GITHUB_TOKEN cannot write variables)',
};
/**
 * Writes `next` only if the variable still holds `expected` (undefined: still does not exist).
 *
 * No platform offers an atomic compare-and-set on variables, so this is re-read-then-write: the
 * read happens immediately before the write, and the window between the two (one round trip) is
 * the residual race, documented in the README. Creating is safe: a second create fails (409/400).
 */
async function compareAndSet(store, name, expected, next) {
    const current = await store.read(name);
    if (current === undefined) {
        if (expected !== undefined)
            return { outcome: 'changed' };
        if ((await store.create(name, next)) === 'exists')
            return { outcome: 'changed', actual: await store.read(name) };
        return { outcome: 'created' };
    }
    if (expected === undefined || !sameVersion(current.value, expected))
        return { outcome: 'changed', actual: current };
    await store.update(current, next);
    return { outcome: 'updated', previous: current };
}
/** `v1.4.2` and `1.4.2` are the same version: `version show` prints the cleaned form. */
function sameVersion(stored, expected) {
    if (stored === expected)
        return true;
    const a = cleanVersion(stored);
    return a !== undefined && a === cleanVersion(expected);
}
/** The message of an error answer (GitLab `message`, Gitea `message`, GitHub `message`), short. */
async function bodyMessage(response) {
    return serverMessage((await response.text().catch(() => '')).slice(0, 500));
}

;// CONCATENATED MODULE: ./src/core/release.ts







// --- reading -----------------------------------------------------------------------------------
/** The current version and, when a variable is named, what the variable holds. */
async function showVersion(registry, store, options) {
    const initialVersion = requireVersion(options.initialVersion ?? DEFAULT_INITIAL_VERSION, '--initial-version');
    let variable;
    if (options.variable) {
        if (!store)
            throw (0,core_errors/* usageError */.Wp)(`reading ${options.variable} needs a version store`, 'pass --version-store gitlab|gitea|github');
        store.validateName(options.variable);
        const read = await store.read(options.variable);
        variable = { name: read?.name ?? options.variable, exists: read !== undefined, value: read?.value, store: store.kind };
    }
    switch (options.from) {
        case 'variable': {
            if (!variable)
                throw (0,core_errors/* usageError */.Wp)('--version-from variable needs --version-variable NAME');
            if (variable.value === undefined)
                return { version: initialVersion, source: 'variable', from: `${variable.name} (not set yet)`, variable, initial: true };
            return { version: requireVersion(variable.value, store.describe(variable.name)), source: 'variable', from: variable.name, variable, initial: false };
        }
        case 'tag': {
            if (!options.tag) {
                throw (0,core_errors/* usageError */.Wp)('--version-from tag, but this is not a tag pipeline', 'the tag is read from CI_COMMIT_TAG (GitLab) or GITHUB_REF_NAME when GITHUB_REF_TYPE is tag');
            }
            return { version: requireVersion(options.tag, `the tag ${options.tag}`), source: 'tag', from: `tag ${options.tag}`, variable, initial: false };
        }
        case 'registry': {
            if (!registry)
                throw (0,core_errors/* usageError */.Wp)('--version-from registry needs a registry connection');
            const published = await publishedVersions(registry, options.name);
            const highest = highestVersion(published, { includePrerelease: true });
            if (!highest)
                return { version: initialVersion, source: 'registry', from: `the registry (no semantic version of ${options.name} yet)`, variable, initial: true };
            return { version: cleanVersion(highest), source: 'registry', from: `the registry (highest of ${published.length} published)`, variable, initial: false };
        }
    }
}
/** The versions of `name` the registry lists as published (failed and pending-deletion ones left out). */
async function publishedVersions(registry, name) {
    const versions = await registry.listVersions(name);
    return versions.filter((v) => !v.status || v.status === 'default' || v.status === 'hidden').map((v) => v.version);
}
/** The version the flow would publish: the current one, bumped. Reads git for `auto`. */
async function nextVersion(registry, store, options, reporter, current) {
    current ??= await showVersion(registry, store, options);
    const previousVersion = current.version;
    if (!options.bump) {
        if (current.source !== 'tag')
            throw (0,core_errors/* usageError */.Wp)(`publishing the version read from ${current.from} again needs a bump`, 'pass --bump patch|minor|major|…|auto');
        return { current, previousVersion, version: current.version, reasons: [] };
    }
    let level;
    const reasons = [];
    if (options.bump === 'auto') {
        if (options.preid !== undefined)
            throw (0,core_errors/* inputError */.Xu)('--preid does not apply to --bump auto', 'auto picks major, minor or patch from the commits');
        // Loaded here: git (through @actions/exec) is needed only to bump from commits.
        const { commitsSince } = await __webpack_require__.e(/* import() */ 551).then(__webpack_require__.bind(__webpack_require__, 9551));
        const range = await commitsSince(current.initial ? undefined : current.version, options.cwd);
        if (!range.tag && !current.initial)
            reporter.warn(`no tag v${current.version} or ${current.version} in the repository: every commit up to HEAD counts`);
        if (range.shallow)
            reporter.warn('the clone is shallow: older commits are missing (fetch with fetch-depth: 0 / GIT_DEPTH: 0)');
        const analysis = analyzeCommits(range.messages);
        reasons.push(...analysis.reasons);
        const since = range.tag ? `since ${range.tag}` : 'in the history';
        if (analysis.level) {
            level = analysis.level;
            reporter.info(`--bump auto: ${level} (${analysis.commits} commit(s) ${since}; ${analysis.reasons.length} feat/fix/breaking)`);
        }
        else {
            level = 'patch';
            reporter.info(`--bump auto: patch (${analysis.commits} commit(s) ${since}, none a feat, fix or breaking change)`);
        }
    }
    else {
        level = options.bump;
    }
    return { current, previousVersion, version: bumpVersion(previousVersion, level, options.preid), level, reasons };
}
// --- the flow ----------------------------------------------------------------------------------
/**
 * read -> next version -> (variable re-read) -> publish with --if-exists fail -> verify the
 * registry holds exactly the files sent, by SHA-256 -> re-read the variable -> write it only if it
 * still holds what was read. Fails, writing nothing, when another pipeline bumped it first; a
 * failed publish or verification leaves the variable as it was. With `dryRun` nothing is written.
 */
async function publishNextVersion(registry, store, options, reporter) {
    registry.validateRef({ name: options.name, version: '0.0.0' });
    if (options.variable && !store)
        throw (0,core_errors/* usageError */.Wp)(`writing ${options.variable} needs a version store`, 'pass --version-store gitlab|gitea|github');
    const current = await showVersion(registry, store, options);
    reporter.info(`current version ${current.version} from ${current.from}${current.variable && current.source !== 'variable' ? `; ${current.variable.name} holds ${current.variable.value ?? 'nothing yet'}` : ''}`);
    await options.hooks?.afterRead?.(current);
    const next = await nextVersion(registry, store, options, reporter, current);
    const ref = { name: options.name, version: next.version };
    registry.validateRef(ref);
    reporter.info(`next version ${next.version}${next.level ? ` (${next.level} bump of ${next.previousVersion})` : ''}`);
    const variable = current.variable;
    const race = (actual, published) => raceError(store, variable.name, variable.value, actual?.value, ref, published);
    // Cheap early check: a pipeline that already wrote the variable means this bump is stale; better
    // to stop before uploading into a version that pipeline may have published.
    if (variable && !options.dryRun) {
        const now = await store.read(variable.name);
        if (now?.value !== variable.value)
            throw race(now, 'none');
    }
    // A bumped version must be new: adding files to an existing one would change a release (and
    // --if-exists fail only catches names that collide).
    const existing = await registry.listFiles(ref);
    if (existing.length > 0) {
        const now = variable ? await store.read(variable.name) : undefined;
        if (variable && now?.value !== variable.value)
            throw race(now, 'none');
        throw new core_errors/* RelpackError */.Hd('EXISTS', `${ref.name} ${ref.version} is already published (${existing.length} file(s)); a bumped version must be new. Nothing was uploaded.`, {
            hint: `${variable ? `${variable.name} is behind the registry: set it to the latest published version` : 'the version source is behind the registry'}, or take the current version from the registry with --version-from registry`,
        });
    }
    let published;
    try {
        published = await publishFiles(registry, { ...options, ref, ifExists: 'fail' }, reporter);
    }
    catch (error) {
        // The version already exists, or another writer took a file name mid-publish (Gitea's 409,
        // GitLab's duplicate refusal): if the variable moved meanwhile, that is the race to report.
        if (variable && error instanceof core_errors/* RelpackError */.Hd && (error.code === 'EXISTS' || error.code === 'CONFLICT' || error.code === 'DUPLICATE')) {
            const now = await store.read(variable.name);
            if (now?.value !== variable.value)
                throw race(now, error.code === 'EXISTS' ? 'none' : 'partial');
        }
        if (variable && error instanceof core_errors/* RelpackError */.Hd && error.code === 'EXISTS') {
            throw new core_errors/* RelpackError */.Hd('EXISTS', `${ref.name} ${ref.version} is already published, but ${variable.name} holds ${variable.value ?? 'nothing'}`, {
                hint: `a bumped version must be new: set ${variable.name} to the highest published version (relpack version show --name ${ref.name} --version-from registry), then publish again`,
                cause: error,
            });
        }
        throw error;
    }
    const result = (outcome) => ({
        ...published,
        version: next.version,
        previousVersion: next.previousVersion,
        level: next.level,
        ...(variable && outcome ? { variable: { name: variable.name, store: store.kind, outcome, expected: variable.value } } : {}),
    });
    if (options.dryRun) {
        if (variable)
            reporter.info(`would write ${variable.name}=${next.version} after verifying the publish, if it still holds ${variable.value ?? 'nothing (it would be created)'}`);
        return result(variable ? 'planned' : undefined);
    }
    try {
        await verifyPublished(registry, ref, published.files);
    }
    catch (error) {
        if (variable && error instanceof core_errors/* RelpackError */.Hd) {
            const now = await store.read(variable.name);
            if (now?.value !== variable.value)
                throw race(now, 'unverified');
        }
        throw error;
    }
    reporter.info(`verified: the registry holds the ${published.files.length} file(s) of ${ref.name} ${ref.version} with the SHA-256 that was sent`);
    if (!variable)
        return result();
    await options.hooks?.beforeCommit?.();
    const written = await compareAndSet(store, variable.name, variable.value, next.version);
    if (written.outcome === 'changed')
        throw race(written.actual, 'verified');
    reporter.info(`${written.outcome} ${store.describe(variable.name)}: ${variable.value ?? '(new)'} -> ${next.version}`);
    return result(written.outcome);
}
/**
 * The last step on its own: checks that `version` is published and self-consistent (every file
 * listed with a SHA-256, matching SHA256SUMS when there is one), then writes the variable if it
 * still holds `expected`.
 */
async function commitVersion(registry, store, options, reporter) {
    const ref = { name: options.name, version: options.version };
    registry.validateRef(ref);
    store.validateName(options.variable);
    requireVersion(options.version, '--version');
    const files = await verifyPublished(registry, ref);
    reporter.info(`verified: ${ref.name} ${ref.version} is published, ${files.length} file(s) with SHA-256`);
    const base = { name: options.name, version: options.version, previousVersion: options.expected, files };
    if (options.dryRun) {
        reporter.info(`would write ${options.variable}=${options.version} if it still holds ${options.expected ?? 'nothing (it would be created)'}`);
        return { ...base, variable: { name: options.variable, store: store.kind, outcome: 'planned', expected: options.expected } };
    }
    let written = await compareAndSet(store, options.variable, options.expected, options.version);
    if (written.outcome === 'changed' && written.actual === undefined && options.expected !== undefined && options.expected === cleanVersion(options.initialVersion ?? DEFAULT_INITIAL_VERSION)) {
        written = await compareAndSet(store, options.variable, undefined, options.version);
    }
    if (written.outcome === 'changed')
        throw raceError(store, options.variable, options.expected, written.actual?.value, ref, 'verified');
    reporter.info(`${written.outcome} ${store.describe(options.variable)}: ${options.expected ?? '(new)'} -> ${options.version}`);
    return { ...base, variable: { name: written.previous?.name ?? options.variable, store: store.kind, outcome: written.outcome, expected: options.expected } };
}
/**
 * What the registry holds for `ref`, checked. With `sent`: exactly those files, each with the
 * SHA-256 that was sent (a file nobody sent means another run published into the same version).
 * Without: every file has a SHA-256, and SHA256SUMS, when present, agrees with the listing.
 */
async function verifyPublished(registry, ref, sent) {
    const listed = await registry.listFiles(ref);
    if (listed.length === 0) {
        throw new core_errors/* RelpackError */.Hd('NOT_FOUND', `${ref.name} ${ref.version} is not published (the registry lists no files)`, {
            hint: `publish it first; list what exists with: relpack list --name ${ref.name}`,
        });
    }
    const find = (name) => listed.find((file) => registry.sameFileName(file.fileName, name));
    if (sent) {
        for (const file of sent) {
            const stored = find(file.name);
            if (!stored?.sha256 || stored.sha256.toLowerCase() !== file.sha256.toLowerCase()) {
                throw new core_errors/* RelpackError */.Hd('CHECKSUM_MISMATCH', `${file.name}: the registry lists ${stored ? `sha256 ${stored.sha256 ?? 'none'}` : 'no such file'}, but sha256 ${file.sha256} was published`, {
                    hint: `${ref.name} ${ref.version} changed after this publish (another run publishing the same version?); the version variable was not written`,
                });
            }
        }
        const extra = listed.filter((file) => !sent.some((s) => registry.sameFileName(s.name, file.fileName)));
        if (extra.length > 0) {
            throw new core_errors/* RelpackError */.Hd('CONFLICT', `${ref.name} ${ref.version} holds file(s) this run did not publish: ${extra.map((f) => f.fileName).join(', ')}`, {
                hint: 'another run published into the same version at the same time; the version variable was not written',
            });
        }
        return listed;
    }
    const unhashed = listed.filter((file) => !file.sha256);
    if (unhashed.length > 0) {
        throw new core_errors/* RelpackError */.Hd('CHECKSUM_MISMATCH', `${ref.name} ${ref.version}: the registry lists no SHA-256 for ${unhashed.map((f) => f.fileName).join(', ')}`);
    }
    const manifestFile = find(DEFAULT_MANIFEST);
    if (manifestFile) {
        const { data } = await readSmallFile(registry, ref, manifestFile.fileName, MAX_MANIFEST_BYTES);
        if (sha256(data) !== manifestFile.sha256.toLowerCase()) {
            throw new core_errors/* RelpackError */.Hd('CHECKSUM_MISMATCH', `${manifestFile.fileName} of ${ref.name} ${ref.version}: the bytes served do not match the registry's SHA-256`);
        }
        for (const [name, digest] of parseManifest(data.toString('utf8'), manifestFile.fileName)) {
            const stored = find(name);
            if (!stored || stored.sha256.toLowerCase() !== digest) {
                throw new core_errors/* RelpackError */.Hd('CHECKSUM_MISMATCH', `${name}: ${manifestFile.fileName} says sha256 ${digest}, the registry lists ${stored ? stored.sha256 : 'no such file'}`, {
                    hint: `${ref.name} ${ref.version} was changed after it was published; the version variable was not written`,
                });
            }
        }
    }
    return listed;
}
function raceError(store, name, expected, actual, ref, published) {
    const was = expected === undefined ? 'did not exist' : `held ${expected}`;
    const now = actual === undefined ? 'does not exist' : `holds ${actual}`;
    const again = `run the pipeline again to bump from ${actual ?? 'the start'}`;
    const remove = `relpack delete --name ${ref.name} --version ${ref.version} --yes`;
    const hint = {
        none: `nothing was published; ${again}`,
        partial: `some files of ${ref.name} ${ref.version} may have been uploaded before the other pipeline's; ${again}`,
        unverified: `${ref.name} ${ref.version} does not hold exactly what this run sent (the other pipeline published into it too); ${again}`,
        verified: `${ref.name} ${ref.version} was published and verified but is not recorded in ${store.describe(name)}; ${again}, and delete ${ref.version} if it should not stay (${remove})`,
    }[published];
    return new core_errors/* RelpackError */.Hd('CONFLICT', `another pipeline bumped ${name} first: it ${was} when this run read it and now ${now}; ${name} was not changed`, { hint });
}
/**
 * `1.4.2` (as given), `^1.4`, `~1.4.2`, `>=1 <2`, `latest` or `latest-prerelease`, resolved by
 * semver precedence among the published versions; versions that are not semver are ignored. When
 * nothing matches, the error lists what exists.
 */
async function resolveVersion(registry, name, spec) {
    if (versionSpecKind(spec) === 'exact')
        return { version: spec, spec, resolved: false };
    registry.validateRef({ name, version: '0.0.0' });
    const published = await publishedVersions(registry, name);
    // A version published under exactly this text wins: `1` or `2024` are ranges to semver but
    // ordinary version names to GitLab and Gitea.
    if (published.includes(spec))
        return { version: spec, spec, resolved: false };
    const version = matchVersion(published, spec);
    if (version)
        return { version, spec, resolved: true };
    const semverOnes = sortBySemver(published);
    const others = published.filter((v) => !semverOnes.includes(v));
    const shown = semverOnes.slice(0, 30).join(', ') + (semverOnes.length > 30 ? ', …' : '');
    throw new core_errors/* RelpackError */.Hd('NOT_FOUND', `no published version of ${name} matches ${JSON.stringify(spec)}`, {
        hint: published.length === 0
            ? `${name} has no published versions`
            : `published semantic versions, highest first: ${shown || 'none'}` + (others.length ? `\nnot semantic versions (ignored for ranges): ${others.slice(0, 10).join(', ')}` : '') +
                (spec === 'latest' && semverOnes.length ? '\nonly prereleases are published: use latest-prerelease' : ''),
    });
}

;// CONCATENATED MODULE: ./src/registry/variables/gitea.ts
/**
 * Gitea/Forgejo repository Actions variables (gitea-api.md §5; Gitea ≥1.22, Forgejo ≥v8). Only
 * the repository owner (an organisation owner, or a site admin) may read or write them: the
 * Actions job token gets 403 even for reads.
 */



class GiteaVariableStore {
    target;
    http;
    kind = 'gitea';
    base;
    constructor(target, http) {
        this.target = target;
        this.http = http;
        const [owner, repo] = target.repository.split('/');
        this.base = `${target.url.replace(/\/+$/, '').replace(/\/api\/v1$/, '')}/api/v1/repos/${encodeURIComponent(owner ?? '')}/${encodeURIComponent(repo ?? '')}/actions/variables`;
    }
    describe(name) {
        return `Actions variable ${name.toUpperCase()} of repository ${this.target.repository}`;
    }
    validateName(name) {
        const up = name.toUpperCase();
        if (!/^[A-Z_][A-Z0-9_]*$/.test(up) || up.startsWith('GITEA_') || up.startsWith('GITHUB_') || up.startsWith('FORGEJO_') || up === 'CI') {
            throw (0,core_errors/* inputError */.Xu)(`invalid variable name ${JSON.stringify(name)}: Gitea/Forgejo variable names have letters, digits and "_", do not start with a digit, and do not start with GITEA_, GITHUB_ or FORGEJO_`);
        }
    }
    async read(name) {
        const url = `${this.base}/${encodeURIComponent(name.toUpperCase())}`;
        const response = await this.http.request({ method: 'GET', url });
        if (response.status === 200) {
            const v = await response.json();
            return { name: v.name, value: v.data, flags: { description: v.description } };
        }
        const message = await bodyMessage(response);
        if (response.status === 404 && /variable not found/i.test(message))
            return undefined;
        throw this.failure('GET', url, response.status, message, name);
    }
    async create(name, value) {
        const url = `${this.base}/${encodeURIComponent(name.toUpperCase())}`;
        const body = JSON.stringify({ value, description: 'package version, bumped by relpack' });
        const response = await this.http.request({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body: () => body });
        // 201 in Gitea ≥1.25, 204 in older Gitea and in Forgejo (gitea-api.md §5).
        if (response.status === 201 || response.status === 204) {
            await response.drain();
            return 'created';
        }
        const message = await bodyMessage(response);
        if (response.status === 409)
            return 'exists';
        throw this.failure('POST', url, response.status, message, name);
    }
    async update(current, value) {
        const url = `${this.base}/${encodeURIComponent(current.name)}`;
        // Gitea ≥1.24 clears a description the update leaves out: send back the one that was read.
        const body = JSON.stringify({ value, ...(typeof current.flags.description === 'string' ? { description: current.flags.description } : {}) });
        const response = await this.http.request({ method: 'PUT', url, headers: { 'content-type': 'application/json' }, body: () => body });
        if (response.status === 204 || response.status === 200) {
            await response.drain();
            return;
        }
        throw this.failure('PUT', url, response.status, await bodyMessage(response), current.name);
    }
    failure(method, url, status, message, name) {
        const request = { method, url: redactUrl(url), status, body: message || undefined };
        switch (status) {
            case 401:
                return new core_errors/* RelpackError */.Hd('UNAUTHORIZED', `the Gitea/Forgejo variables API did not accept the credentials (${this.target.credential})`, {
                    request,
                    hint: `reading and writing ${name} needs ${VARIABLE_TOKEN_NEEDED.gitea}; put it in RELPACK_VARIABLES_TOKEN`,
                });
            case 403:
                return new core_errors/* RelpackError */.Hd('FORBIDDEN', `Gitea/Forgejo refused ${method} on ${this.describe(name)} for ${this.target.credential}`, {
                    request,
                    hint: `Actions variables are the repository owner's: use ${VARIABLE_TOKEN_NEEDED.gitea}`,
                });
            case 404:
                return new core_errors/* RelpackError */.Hd('NOT_FOUND', `repository ${this.target.repository} was not found (or its Actions are disabled)`, {
                    request,
                    hint: 'check GITHUB_REPOSITORY (owner/repo) and the URL; the Actions variables API needs Gitea 1.22 or Forgejo 8 or later',
                });
            default:
                return new core_errors/* RelpackError */.Hd('HTTP', `${method} ${this.describe(name)} failed with HTTP ${status}`, { request });
        }
    }
}

;// CONCATENATED MODULE: ./src/registry/variables/github.ts
/**
 * GitHub repository variables (REST, gitea-api.md §7): the name goes in the body on create (201),
 * updates are PATCH (204). GITHUB_TOKEN has no variables permission at all (403 "Resource not
 * accessible by integration").
 */



const HEADERS = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
class GithubVariableStore {
    target;
    http;
    kind = 'github';
    base;
    constructor(target, http) {
        this.target = target;
        this.http = http;
        const [owner, repo] = target.repository.split('/');
        this.base = `${target.apiUrl.replace(/\/+$/, '')}/repos/${encodeURIComponent(owner ?? '')}/${encodeURIComponent(repo ?? '')}/actions/variables`;
    }
    describe(name) {
        return `GitHub variable ${name.toUpperCase()} of repository ${this.target.repository}`;
    }
    validateName(name) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || name.toUpperCase().startsWith('GITHUB_')) {
            throw (0,core_errors/* inputError */.Xu)(`invalid variable name ${JSON.stringify(name)}: GitHub variable names have letters, digits and "_", do not start with a digit or GITHUB_`);
        }
    }
    async read(name) {
        const url = `${this.base}/${encodeURIComponent(name.toUpperCase())}`;
        const response = await this.http.request({ method: 'GET', url, headers: HEADERS });
        if (response.status === 200) {
            const v = await response.json();
            return { name: v.name, value: v.value, flags: {} };
        }
        const message = await bodyMessage(response);
        // A repository the token cannot see is also 404; tell them apart by asking for the collection.
        if (response.status === 404 && (await this.repositoryVisible()))
            return undefined;
        throw this.failure('GET', url, response.status, message, name);
    }
    async create(name, value) {
        const body = JSON.stringify({ name: name.toUpperCase(), value });
        const response = await this.http.request({ method: 'POST', url: this.base, headers: { ...HEADERS, 'content-type': 'application/json' }, body: () => body });
        if (response.status === 201) {
            await response.drain();
            return 'created';
        }
        const message = await bodyMessage(response);
        if (response.status === 409 || (response.status === 422 && /already exists/i.test(message)))
            return 'exists';
        throw this.failure('POST', this.base, response.status, message, name);
    }
    async update(current, value) {
        const url = `${this.base}/${encodeURIComponent(current.name)}`;
        const body = JSON.stringify({ value });
        const response = await this.http.request({ method: 'PATCH', url, headers: { ...HEADERS, 'content-type': 'application/json' }, body: () => body });
        if (response.status === 204 || response.status === 200) {
            await response.drain();
            return;
        }
        throw this.failure('PATCH', url, response.status, await bodyMessage(response), current.name);
    }
    async repositoryVisible() {
        const response = await this.http.request({ method: 'GET', url: `${this.base}?per_page=1`, headers: HEADERS });
        await response.drain();
        return response.status === 200;
    }
    failure(method, url, status, message, name) {
        const request = { method, url: redactUrl(url), status, body: message || undefined };
        switch (status) {
            case 401:
                return new core_errors/* RelpackError */.Hd('UNAUTHORIZED', `the GitHub variables API did not accept the credentials (${this.target.credential})`, {
                    request,
                    hint: `reading and writing ${name} needs ${VARIABLE_TOKEN_NEEDED.github}; put it in RELPACK_VARIABLES_TOKEN`,
                });
            case 403:
                return new core_errors/* RelpackError */.Hd('FORBIDDEN', `GitHub refused ${method} on ${this.describe(name)} for ${this.target.credential}`, {
                    request,
                    hint: `use ${VARIABLE_TOKEN_NEEDED.github}`,
                });
            case 404:
                return new core_errors/* RelpackError */.Hd('NOT_FOUND', `GitHub repository ${this.target.repository} was not found at ${this.target.apiUrl}`, {
                    request,
                    hint: 'check GITHUB_REPOSITORY (owner/repo) and GITHUB_API_URL; private repositories answer 404 to tokens without access',
                });
            default:
                return new core_errors/* RelpackError */.Hd('HTTP', `${method} ${this.describe(name)} failed with HTTP ${status}`, { request });
        }
    }
}

;// CONCATENATED MODULE: ./src/registry/variables/gitlab.ts
/**
 * GitLab project CI/CD variables (gitlab-api.md §4). Reads and writes need the Maintainer role
 * and a token that is not CI_JOB_TOKEN (the API ignores JOB-TOKEN: 401).
 */



class GitlabVariableStore {
    target;
    http;
    kind = 'gitlab';
    base;
    constructor(target, http) {
        this.target = target;
        this.http = http;
        this.base = `${target.url.replace(/\/+$/, '').replace(/\/api\/v4$/, '')}/api/v4/projects/${encodeURIComponent(target.project)}/variables`;
    }
    describe(name) {
        return `GitLab CI/CD variable ${name} of project ${this.target.project}`;
    }
    validateName(name) {
        // Ci::HasVariable: \A[a-zA-Z0-9_]+\z, at most 255 characters (gitlab-api.md §4).
        if (!/^[A-Za-z0-9_]{1,255}$/.test(name)) {
            throw (0,core_errors/* inputError */.Xu)(`invalid variable name ${JSON.stringify(name)}: GitLab variable keys have letters, digits and "_" only (at most 255)`);
        }
    }
    async read(name) {
        const url = `${this.base}/${encodeURIComponent(name)}`;
        const response = await this.http.request({ method: 'GET', url });
        if (response.status === 404) {
            const message = await bodyMessage(response);
            if (/variable not found/i.test(message))
                return undefined;
            throw this.failure('GET', url, response.status, message, name);
        }
        if (response.status !== 200)
            throw this.failure('GET', url, response.status, await bodyMessage(response), name);
        const v = await response.json();
        if (v.value === null || v.hidden) {
            throw new core_errors/* RelpackError */.Hd('INVALID_INPUT', `${this.describe(name)} is masked and hidden: its value cannot be read through the API`, {
                hint: 'keep the version in a variable that is not hidden (masking is not needed: a version is not a secret)',
            });
        }
        return {
            name: v.key,
            value: v.value,
            flags: {
                protected: v.protected,
                masked: v.masked,
                hidden: v.hidden,
                raw: v.raw,
                environmentScope: v.environment_scope,
                variableType: v.variable_type,
                description: v.description,
            },
        };
    }
    async create(name, value) {
        // raw: the value is taken literally (no $VAR expansion); not protected, so every branch can read it.
        const body = JSON.stringify({ key: name, value, raw: true, description: 'package version, bumped by relpack' });
        const response = await this.http.request({ method: 'POST', url: this.base, headers: { 'content-type': 'application/json' }, body: () => body });
        if (response.status === 201) {
            await response.drain();
            return 'created';
        }
        const message = await bodyMessage(response);
        if (response.status === 400 && /has already been taken/.test(message))
            return 'exists';
        throw this.failure('POST', this.base, response.status, message, name);
    }
    async update(current, value) {
        // Only the value is sent: GitLab keeps protected/masked/raw/type/description as they are, and
        // the scope filter makes sure the variable that was read is the one updated.
        const url = new URL(`${this.base}/${encodeURIComponent(current.name)}`);
        if (current.flags.environmentScope !== undefined)
            url.searchParams.set('filter[environment_scope]', current.flags.environmentScope);
        const body = JSON.stringify({ value });
        const response = await this.http.request({ method: 'PUT', url, headers: { 'content-type': 'application/json' }, body: () => body });
        if (response.status === 200)
            return response.drain();
        const message = await bodyMessage(response);
        if (response.status === 400 && /value/.test(message) && current.flags.masked) {
            throw new core_errors/* RelpackError */.Hd('INVALID_INPUT', `GitLab refused ${JSON.stringify(value)} for the masked variable ${current.name}: a masked value needs at least 8 characters from the Base64 alphabet`, {
                request: { method: 'PUT', url: redactUrl(url), status: 400, body: message },
                hint: `unmask ${current.name} (a version is not a secret)`,
            });
        }
        throw this.failure('PUT', url, response.status, message, current.name);
    }
    failure(method, url, status, message, name) {
        const request = { method, url: redactUrl(url), status, body: message || undefined };
        switch (status) {
            case 401:
                return new core_errors/* RelpackError */.Hd('UNAUTHORIZED', `the GitLab variables API did not accept the credentials (${this.target.credential})`, {
                    request,
                    hint: `reading and writing ${name} needs ${VARIABLE_TOKEN_NEEDED.gitlab}; put it in RELPACK_VARIABLES_TOKEN`,
                });
            case 403:
                return new core_errors/* RelpackError */.Hd('FORBIDDEN', `GitLab refused ${method} on ${this.describe(name)} for ${this.target.credential}`, {
                    request,
                    hint: `the CI/CD variables API needs the Maintainer role and the api scope: use ${VARIABLE_TOKEN_NEEDED.gitlab}`,
                });
            case 404:
                return new core_errors/* RelpackError */.Hd('NOT_FOUND', `GitLab project ${this.target.project} was not found`, {
                    request,
                    hint: 'check the project and the URL; private projects answer 404 to tokens without access',
                });
            case 409:
                return new core_errors/* RelpackError */.Hd('CONFLICT', `${this.describe(name)} exists in several environment scopes`, {
                    request,
                    hint: `keep one ${name} (environment scope *) for the package version`,
                });
            default:
                return new core_errors/* RelpackError */.Hd('HTTP', `${method} ${this.describe(name)} failed with HTTP ${status}`, { request });
        }
    }
}

;// CONCATENATED MODULE: ./src/options/version-store.ts
/**
 * Which variable holds the package version, and with which token: from `--version-store` (or the
 * action's input), else the CI system relpack runs in, else the package registry's platform. The
 * CLI and the action both resolve through here.
 *
 * Token: RELPACK_VARIABLES_TOKEN, else RELPACK_TOKEN. The CI job's own token (CI_JOB_TOKEN,
 * GITHUB_TOKEN, GITEA_TOKEN, FORGEJO_TOKEN) can read and write variables on no platform, so when it
 * is all there is, resolving fails (exit 2) before anything is published, naming the token needed.
 */







const VERSION_STORE_KINDS = ['gitlab', 'gitea', 'github'];
/** The store's platform from the input and the environment (no request). */
function versionStoreKind(input, env) {
    const explicit = input.store ?? env.RELPACK_VERSION_STORE;
    if (explicit) {
        const kind = explicit === 'forgejo' ? 'gitea' : explicit;
        if (!VERSION_STORE_KINDS.includes(kind)) {
            throw (0,core_errors/* usageError */.Wp)(`--version-store must be gitlab, gitea or github, not ${JSON.stringify(explicit)}`, 'Forgejo uses gitea');
        }
        return { kind: kind, by: input.store ? '--version-store' : 'RELPACK_VERSION_STORE' };
    }
    if (env.CI_PROJECT_ID && (env.CI_API_V4_URL || env.CI_SERVER_URL))
        return { kind: 'gitlab', by: 'GitLab CI variables' };
    // Gitea and Forgejo runners set GITHUB_ACTIONS=true as well: look for them first.
    if (env.GITEA_ACTIONS === 'true' || env.FORGEJO_ACTIONS === 'true')
        return { kind: 'gitea', by: env.FORGEJO_ACTIONS === 'true' ? 'FORGEJO_ACTIONS' : 'GITEA_ACTIONS' };
    if (env.GITHUB_ACTIONS === 'true')
        return { kind: 'github', by: 'GITHUB_ACTIONS' };
    if (input.connection)
        return { kind: input.connection.flavour, by: `the ${input.connection.flavour} registry` };
    throw (0,core_errors/* usageError */.Wp)('cannot tell where the version variable is kept', 'pass --version-store gitlab|gitea|github (or set RELPACK_VERSION_STORE)');
}
/** The job tokens of each platform, which cannot reach its variables API. */
const JOB_TOKENS = {
    gitlab: ['CI_JOB_TOKEN'],
    gitea: ['FORGEJO_TOKEN', 'GITEA_TOKEN', 'GITHUB_TOKEN'],
    github: ['GITHUB_TOKEN'],
};
const ALL_JOB_TOKENS = ['CI_JOB_TOKEN', 'FORGEJO_TOKEN', 'GITEA_TOKEN', 'GITHUB_TOKEN'];
function variablesToken(kind, input, env, what, storeOrigin) {
    const needed = `need ${VARIABLE_TOKEN_NEEDED[kind]}`;
    const fix = 'put that token in RELPACK_VARIABLES_TOKEN (a masked CI/CD variable or a secret); the package itself can still be published with the job token';
    // A job token passed on under another name (e.g. an action's `token: ${{ github.token }}`) is still a job token.
    const notJobToken = (token, label) => {
        const same = ALL_JOB_TOKENS.find((name) => env[name] === token);
        if (same)
            throw (0,core_errors/* usageError */.Wp)(`${label} holds the CI job token (${same}), which cannot read or write ${what}: they ${needed}. Nothing was published.`, fix);
        return { token, label };
    };
    if (env.RELPACK_VARIABLES_TOKEN)
        return notJobToken(env.RELPACK_VARIABLES_TOKEN, 'RELPACK_VARIABLES_TOKEN');
    const type = (env.RELPACK_TOKEN_TYPE ?? 'private').toLowerCase();
    if (env.RELPACK_TOKEN && type !== 'job' && type !== 'deploy') {
        // RELPACK_TOKEN belongs to the package registry's origin; it is never sent anywhere else
        // (GitHub Actions publishing to GitLab keeps its version variable at api.github.com).
        const packageOrigin = originOf(input.connection?.url ?? env.RELPACK_URL);
        if (packageOrigin && packageOrigin !== storeOrigin) {
            throw (0,core_errors/* usageError */.Wp)(`RELPACK_TOKEN is the token for the packages at ${packageOrigin}, but the version variable is at ${storeOrigin}: a token is never sent to another origin. Nothing was published.`, `set RELPACK_VARIABLES_TOKEN to a token for ${storeOrigin} that can ${needed.replace(/^need /, 'use ')}`);
        }
        const token = type === 'basic' && env.RELPACK_TOKEN.includes(':') ? env.RELPACK_TOKEN.slice(env.RELPACK_TOKEN.indexOf(':') + 1) : env.RELPACK_TOKEN;
        return notJobToken(token, 'RELPACK_TOKEN');
    }
    if (env.RELPACK_TOKEN && type === 'deploy') {
        throw (0,core_errors/* usageError */.Wp)(`RELPACK_TOKEN is a deploy token, which cannot read or write ${what}: they ${needed}. Nothing was published.`, fix);
    }
    const job = (env.RELPACK_TOKEN && type === 'job' ? ['RELPACK_TOKEN'] : []).concat(JOB_TOKENS[kind].filter((name) => env[name]));
    if (job.length > 0 || input.connection?.jobToken) {
        const which = job[0] ?? input.connection.credentialLabel;
        throw (0,core_errors/* usageError */.Wp)(`the only token here is the CI job token (${which}), which cannot read or write ${what}: they ${needed}. Nothing was published.`, fix);
    }
    throw (0,core_errors/* usageError */.Wp)(`no token was given for ${what}: they ${needed}`, 'set RELPACK_VARIABLES_TOKEN (or RELPACK_TOKEN when one token does both)');
}
function originOf(raw) {
    try {
        return raw ? new URL(raw).origin : undefined;
    }
    catch {
        return undefined;
    }
}
function urlOf(raw, setting) {
    try {
        const url = new URL(raw);
        if (url.protocol !== 'http:' && url.protocol !== 'https:')
            throw new Error('not http');
        if (url.username || url.password)
            throw (0,core_errors/* usageError */.Wp)(`${setting} contains credentials`, 'put the token in RELPACK_VARIABLES_TOKEN instead: URLs end up in logs');
        return url;
    }
    catch (error) {
        if (error instanceof core_errors/* RelpackError */.Hd)
            throw error;
        throw (0,core_errors/* usageError */.Wp)(`${setting} ${JSON.stringify(raw)} is not an http(s) URL`);
    }
}
function repository(env) {
    const repo = env.RELPACK_REPOSITORY ?? env.GITHUB_REPOSITORY;
    if (!repo || !/^[^/\s]+\/[^/\s]+$/.test(repo)) {
        throw (0,core_errors/* usageError */.Wp)(repo ? `GITHUB_REPOSITORY must be owner/repo, not ${JSON.stringify(repo)}` : 'no repository given for the version variable', 'set RELPACK_REPOSITORY=owner/repo; in Actions it defaults to GITHUB_REPOSITORY');
    }
    return repo;
}
/** Builds the store and its HTTP client (credentials only ever sent to the store's own origin). */
function resolveVersionStore(input, env, settings = {}) {
    const { kind, by } = versionStoreKind(input, env);
    const same = input.connection?.flavour === kind ? input.connection : undefined;
    let apiUrl;
    let location;
    let build;
    let credentials;
    if (kind === 'gitlab') {
        const raw = same?.url ?? env.CI_API_V4_URL ?? env.CI_SERVER_URL ?? env.RELPACK_URL;
        const project = same?.project ?? env.RELPACK_PROJECT ?? env.CI_PROJECT_ID;
        if (!raw)
            throw (0,core_errors/* usageError */.Wp)('no GitLab URL for the version variable', 'pass --url or set RELPACK_URL; in GitLab CI it defaults to CI_API_V4_URL');
        if (!project)
            throw (0,core_errors/* usageError */.Wp)('no GitLab project for the version variable', 'pass --project or set RELPACK_PROJECT; in GitLab CI it defaults to CI_PROJECT_ID');
        apiUrl = urlOf(raw, 'the GitLab URL');
        const url = raw.replace(/\/+$/, '').replace(/\/api\/v4$/, '');
        location = `project ${project} at ${url}`;
        build = (http, credential) => new GitlabVariableStore({ url, project, credential }, http);
        credentials = (token) => ({ 'PRIVATE-TOKEN': token });
    }
    else if (kind === 'gitea') {
        const raw = same?.url ?? env.GITHUB_SERVER_URL ?? env.RELPACK_URL;
        if (!raw)
            throw (0,core_errors/* usageError */.Wp)('no Gitea/Forgejo URL for the version variable', 'pass --url or set RELPACK_URL; in Gitea/Forgejo Actions it defaults to GITHUB_SERVER_URL');
        const repo = repository(env);
        apiUrl = urlOf(raw, 'the Gitea URL');
        const url = raw.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
        location = `repository ${repo} at ${url}`;
        build = (http, credential) => new GiteaVariableStore({ url, repository: repo, credential }, http);
        credentials = (token) => ({ Authorization: `token ${token}` });
    }
    else {
        const raw = env.GITHUB_API_URL ?? 'https://api.github.com';
        const repo = repository(env);
        apiUrl = urlOf(raw, 'GITHUB_API_URL');
        location = `repository ${repo} at ${raw.replace(/\/+$/, '')}`;
        build = (http, credential) => new GithubVariableStore({ apiUrl: raw, repository: repo, credential }, http);
        credentials = (token) => ({ Authorization: `Bearer ${token}` });
    }
    const what = kind === 'gitlab' ? 'GitLab CI/CD variables' : kind === 'gitea' ? 'Gitea/Forgejo Actions variables' : 'GitHub repository variables';
    const { token, label } = variablesToken(kind, input, env, what, apiUrl.origin);
    const http = new HttpClient({
        credentials: credentials(token),
        credentialOrigin: apiUrl.origin,
        log: settings.log,
        retry: settings.retry ?? retryPolicyFromEnv(env),
        env: settings.env ?? env,
        userAgent: settings.userAgent,
    });
    return { store: build(http, `the token in ${label}`), kind, location, detectedBy: by, credentialLabel: label, secrets: [token, ...http.secrets()] };
}
/**
 * The tag a pipeline runs for: CI_COMMIT_TAG (GitLab), else GITHUB_REF_NAME when GITHUB_REF_TYPE
 * is `tag` (GitHub, Gitea and Forgejo Actions); undefined in a branch pipeline.
 */
function pipelineTag(env) {
    if (env.CI_COMMIT_TAG)
        return env.CI_COMMIT_TAG;
    if (env.GITHUB_REF_NAME && (env.GITHUB_REF_TYPE === 'tag' || (!env.GITHUB_REF_TYPE && env.GITHUB_REF?.startsWith('refs/tags/'))))
        return env.GITHUB_REF_NAME;
    return undefined;
}

;// CONCATENATED MODULE: ./src/cli.ts
/**
 * The relpack command line: argv + environment -> typed options -> core -> printed result and exit
 * status (0 success, 1 the operation failed, 2 bad usage or invalid input).
 *
 * Progress goes to stderr, the result to stdout (a summary, or JSON with --json). Everything
 * printed passes through the secret mask first.
 */














const DEFAULT_CONCURRENCY = 8;
const CONNECTION_OPTIONS = {
    url: { type: 'string' },
    project: { type: 'string' },
    owner: { type: 'string' },
    registry: { type: 'string' },
    json: { type: 'boolean', default: false },
    quiet: { type: 'boolean', short: 'q', default: false },
    help: { type: 'boolean', short: 'h', default: false },
};
const USAGE = `relpack ${package_0/* version */.rE}: publish, verify and fetch release binaries in GitLab and Gitea/Forgejo generic package registries

Usage:
  relpack publish <file|dir|glob>... --name NAME --version VERSION
          [--if-exists skip|fail|replace] [--concurrency N] [--checksums SHA256SUMS|none]
          [--hidden] [--dry-run] [--json]
  relpack download [FILE...] --name NAME --version VERSION --out DIR
          [--concurrency N] [--no-verify] [--json]
  relpack list --name NAME [--version VERSION] [--json]
  relpack delete --name NAME --version VERSION [FILE...] [--yes] [--json]
  relpack publish <file|dir|glob>... --name NAME --bump LEVEL [--preid ID]
          [--version-variable VAR] [--version-from variable|tag|registry]
          [--version-store gitlab|gitea|github] [--initial-version 0.0.0] [--dry-run] [--json]
  relpack version show|next|commit --name NAME [--version-variable VAR] [--version-from …]
          [--bump LEVEL] [--preid ID] [--version VERSION --previous-version VERSION|none]
  (LEVEL: major, minor, patch, premajor, preminor, prepatch, prerelease, auto;
   download --version also takes ^1.4, ~1.4.2, latest, latest-prerelease;
   variables token: RELPACK_VARIABLES_TOKEN, else RELPACK_TOKEN)
  relpack serve [--config FILE] [--host 127.0.0.1] [--port N] [--data-dir DIR]

Connection (flag, else environment, else CI default):
  --url URL          RELPACK_URL, else CI_SERVER_URL (GitLab) / GITHUB_SERVER_URL (Gitea)
  --project ID|PATH  RELPACK_PROJECT, else CI_PROJECT_ID                      (GitLab)
  --owner OWNER      RELPACK_OWNER, else GITHUB_REPOSITORY_OWNER             (Gitea)
  --registry gitlab|gitea   RELPACK_REGISTRY, else detected
  token              RELPACK_TOKEN (RELPACK_TOKEN_TYPE=private|deploy|basic), else CI_JOB_TOKEN

Exit status: 0 success, 1 the operation failed, 2 bad usage or invalid input.
`;
async function main(argv, io) {
    const secrets = [];
    const mask = (text) => maskSecrets(text, secrets);
    const out = (text) => io.stdout(mask(text));
    const err = (text) => io.stderr(mask(text));
    for (const name of ['RELPACK_TOKEN', 'RELPACK_VARIABLES_TOKEN', 'CI_JOB_TOKEN', 'GITEA_TOKEN', 'FORGEJO_TOKEN', 'GITHUB_TOKEN']) {
        const value = io.env[name];
        if (value)
            secrets.push(value);
    }
    const [command, ...rest] = argv;
    try {
        switch (command) {
            case undefined:
            case 'help':
            case '--help':
            case '-h':
                out(USAGE);
                return command === undefined ? 2 : 0;
            case '--version':
            case '-V':
                out(`${package_0/* version */.rE}\n`);
                return 0;
            case 'publish':
                return await publishCommand(rest, io, out, err, secrets);
            case 'download':
                return await downloadCommand(rest, io, out, err, secrets);
            case 'list':
                return await listCommand(rest, io, out, err, secrets);
            case 'delete':
                return await deleteCommand(rest, io, out, err, secrets);
            case 'version':
                return await versionCommand(rest, io, out, err, secrets);
            case 'serve': {
                const { runServe } = await Promise.all(/* import() */[__webpack_require__.e(815), __webpack_require__.e(838)]).then(__webpack_require__.bind(__webpack_require__, 4838));
                return await runServe(rest);
            }
            default:
                throw (0,core_errors/* usageError */.Wp)(`unknown command ${JSON.stringify(command)}`, 'run relpack --help for the commands');
        }
    }
    catch (error) {
        const errors = Array.isArray(error.errors) ? error.errors : [error];
        for (const e of errors)
            err(`relpack: error: ${e instanceof core_errors/* RelpackError */.Hd ? e.describe() : (e.stack ?? String(e))}\n`);
        // With --json, a failure is machine-readable too: scripts read stdout, people read stderr.
        if (rest.includes('--json')) {
            const described = errors.map((e) => e instanceof core_errors/* RelpackError */.Hd ? { code: e.code, message: e.message, hint: e.hint, request: e.request } : { code: 'INTERNAL', message: e.message ?? String(e) });
            out(JSON.stringify({ command, ok: false, errors: described }, null, 2) + '\n');
        }
        return Math.max(...errors.map((e) => (e instanceof core_errors/* RelpackError */.Hd ? e.exitCode : 1)));
    }
}
function parse(args, options, command) {
    try {
        return (0,external_node_util_.parseArgs)({ args, options: { ...CONNECTION_OPTIONS, ...options }, allowPositionals: true, strict: true });
    }
    catch (error) {
        throw (0,core_errors/* usageError */.Wp)(`${command}: ${error.message}`, `run relpack --help for the options of ${command}`);
    }
}
function required(value, flag, command) {
    if (value === undefined || value === '')
        throw (0,core_errors/* usageError */.Wp)(`${command} needs ${flag}`);
    return value;
}
function concurrency(value) {
    if (value === undefined)
        return DEFAULT_CONCURRENCY;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 64)
        throw (0,core_errors/* usageError */.Wp)(`--concurrency must be a whole number from 1 to 64, not ${JSON.stringify(value)}`);
    return n;
}
function connectionInput(values) {
    return { url: values.url, project: values.project, owner: values.owner, registry: values.registry };
}
async function cli_open(values, io, err, secrets) {
    const log = (line) => {
        if (!values.quiet)
            err(`${line}\n`);
    };
    const { registry, connection } = await connect(connectionInput(values), io.env, { log, userAgent: `relpack/${package_0/* version */.rE}` });
    secrets.push(...connection.secrets, ...registry.http.secrets());
    log(`${connection.flavour} registry at ${redactUrl(connection.url).replace(/\/$/, '')} (${connection.detectedBy}), ${connection.flavour === 'gitlab' ? `project ${connection.project}` : `owner ${connection.owner}`}, using ${connection.credentialLabel}`);
    return { registry, connection };
}
function cliReporter(err, quiet) {
    const line = (text) => {
        if (!quiet)
            err(`${text}\n`);
    };
    return {
        info: line,
        warn: (message) => err(`warning: ${message}\n`),
        start: (verb, name, size) => line(`${verb} ${name} (${formatBytes(size)})`),
        progress: (_name, text) => line(`  ${text}`),
        done: (result) => line(describeResult(result)),
    };
}
function describeResult(result) {
    const sha = result.sha256 ? ` sha256:${result.sha256.slice(0, 12)}` : '';
    const note = result.note ? ` (${result.note})` : '';
    return `${result.status.padEnd(10)} ${result.name} ${formatBytes(result.size)}${sha}${note}`;
}
async function publishCommand(args, io, out, err, secrets) {
    const { values, positionals } = parse(args, {
        name: { type: 'string' },
        version: { type: 'string' },
        'if-exists': { type: 'string', default: 'skip' },
        concurrency: { type: 'string' },
        checksums: { type: 'string', default: DEFAULT_MANIFEST },
        hidden: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        ...VERSION_OPTIONS,
    }, 'publish');
    if (values.help)
        return out(USAGE), 0;
    if (values.bump !== undefined || values['version-variable'] !== undefined || values['version-from'] !== undefined) {
        return await releaseCommand(values, positionals, io, out, err, secrets);
    }
    const ifExists = values['if-exists'];
    if (!['skip', 'fail', 'replace'].includes(ifExists))
        throw (0,core_errors/* usageError */.Wp)(`--if-exists must be skip, fail or replace, not ${JSON.stringify(ifExists)}`);
    if (positionals.length === 0)
        throw (0,core_errors/* usageError */.Wp)('publish needs at least one file, directory or glob');
    const checksums = values.checksums === 'none' ? null : values.checksums;
    const ref = { name: required(values.name, '--name', 'publish'), version: required(values.version, '--version', 'publish') };
    const parallel = concurrency(values.concurrency);
    const { registry } = await cli_open(values, io, err, secrets);
    try {
        const result = await publishFiles(registry, { ref, inputs: positionals, cwd: io.cwd, ifExists: ifExists, concurrency: parallel, checksums, hidden: values.hidden, dryRun: values['dry-run'] }, cliReporter(err, values.quiet));
        if (values.json)
            out(JSON.stringify({ command: 'publish', ...result }, null, 2) + '\n');
        else
            out(`${result.dryRun ? 'dry run: ' : ''}published ${ref.name} ${ref.version}: ${result.uploaded} uploaded, ${result.skipped} skipped\n${result.packageUrl}\n`);
        return 0;
    }
    finally {
        await registry.http.close();
    }
}
async function downloadCommand(args, io, out, err, secrets) {
    const { values, positionals } = parse(args, {
        name: { type: 'string' },
        version: { type: 'string' },
        out: { type: 'string' },
        concurrency: { type: 'string' },
        'no-verify': { type: 'boolean', default: false },
        checksums: { type: 'string', default: DEFAULT_MANIFEST },
    }, 'download');
    if (values.help)
        return out(USAGE), 0;
    const ref = { name: required(values.name, '--name', 'download'), version: required(values.version, '--version', 'download') };
    const outDir = required(values.out, '--out', 'download');
    const parallel = concurrency(values.concurrency);
    const { registry } = await cli_open(values, io, err, secrets);
    try {
        const resolved = await resolveVersion(registry, ref.name, ref.version);
        if (resolved.resolved && !values.quiet)
            err(`--version ${resolved.spec} resolved to ${resolved.version}\n`);
        ref.version = resolved.version;
        const result = await downloadPackage(registry, { ref, files: positionals, outDir: resolvePath(io.cwd, outDir), concurrency: parallel, verify: !values['no-verify'], checksums: values.checksums }, cliReporter(err, values.quiet));
        if (values.json)
            out(JSON.stringify({ command: 'download', ...result }, null, 2) + '\n');
        else
            out(`downloaded ${ref.name} ${ref.version} to ${result.outDir}: ${result.downloaded} downloaded, ${result.skipped} already present${values['no-verify'] ? ' (not verified)' : ', all verified'}\n`);
        return 0;
    }
    finally {
        await registry.http.close();
    }
}
async function listCommand(args, io, out, err, secrets) {
    const { values } = parse(args, { name: { type: 'string' }, version: { type: 'string' } }, 'list');
    if (values.help)
        return out(USAGE), 0;
    const name = required(values.name, '--name', 'list');
    const { registry } = await cli_open(values, io, err, secrets);
    try {
        const result = await listPackage(registry, { name, version: values.version });
        if (values.json)
            out(JSON.stringify({ command: 'list', ...result }, null, 2) + '\n');
        else if (result.versions)
            out(result.versions.length ? result.versions.map((v) => `${v.version}\t${v.createdAt ?? ''}`).join('\n') + '\n' : `no versions of ${name}\n`);
        else
            out(result.files.map((f) => `${f.sha256 ?? '-'}\t${f.size ?? '-'}\t${f.fileName}`).join('\n') + '\n');
        return 0;
    }
    finally {
        await registry.http.close();
    }
}
async function deleteCommand(args, io, out, err, secrets) {
    const { values, positionals } = parse(args, { name: { type: 'string' }, version: { type: 'string' }, yes: { type: 'boolean', default: false } }, 'delete');
    if (values.help)
        return out(USAGE), 0;
    const ref = { name: required(values.name, '--name', 'delete'), version: required(values.version, '--version', 'delete') };
    const { registry } = await cli_open(values, io, err, secrets);
    try {
        const result = await deletePackage(registry, { ref, files: positionals, yes: values.yes }, cliReporter(err, values.quiet));
        if (values.json)
            out(JSON.stringify({ command: 'delete', ...result }, null, 2) + '\n');
        else if (result.dryRun)
            out(`would delete ${result.wholeVersion ? `${ref.name} ${ref.version} and its` : ''} ${result.files.length} file(s); nothing was deleted: pass --yes to delete\n`);
        else
            out(`deleted ${result.wholeVersion ? `${ref.name} ${ref.version} (${result.files.length} files)` : `${result.files.length} file(s) from ${ref.name} ${ref.version}`}\n`);
        return 0;
    }
    finally {
        await registry.http.close();
    }
}
function resolvePath(cwd, path) {
    return path.startsWith('/') ? path : `${cwd}/${path}`;
}
// --- versions: `publish --bump …` and `relpack version show|next|commit` -------------------------
const VERSION_OPTIONS = {
    bump: { type: 'string' },
    preid: { type: 'string' },
    'version-variable': { type: 'string' },
    'version-store': { type: 'string' },
    'version-from': { type: 'string' },
    'initial-version': { type: 'string' },
};
function versionOptions(values, io, command) {
    const variable = values['version-variable'];
    const from = values['version-from'] !== undefined ? parseVersionSource(values['version-from']) : variable ? 'variable' : 'registry';
    return {
        name: required(values.name, '--name', command),
        from,
        variable,
        tag: pipelineTag(io.env),
        initialVersion: values['initial-version'] ?? DEFAULT_INITIAL_VERSION,
        cwd: io.cwd,
    };
}
/** The variable store, when a variable is named; fails (exit 2) before any write when only a job token is there. */
function openStore(values, connection, io, err, secrets) {
    if (!values['version-variable'])
        return undefined;
    const log = (line) => {
        if (!values.quiet)
            err(`${line}\n`);
    };
    const resolved = resolveVersionStore({ store: values['version-store'], connection }, io.env, { log, userAgent: `relpack/${package_0/* version */.rE}` });
    secrets.push(...resolved.secrets);
    log(`version variable ${values['version-variable']}: ${resolved.kind} ${resolved.location} (${resolved.detectedBy}), using ${resolved.credentialLabel}`);
    return resolved;
}
async function releaseCommand(values, positionals, io, out, err, secrets) {
    if (values.version !== undefined) {
        throw (0,core_errors/* usageError */.Wp)('--version cannot be combined with --bump, --version-variable or --version-from', 'the version is computed: drop --version, or drop the versioning flags to publish a fixed version');
    }
    if (values['if-exists'] !== undefined && values['if-exists'] !== 'skip' && values['if-exists'] !== 'fail') {
        throw (0,core_errors/* usageError */.Wp)(`--if-exists ${values['if-exists']} does not apply to a bumped version`, 'a bumped version is always new: its files are published with --if-exists fail');
    }
    if (positionals.length === 0)
        throw (0,core_errors/* usageError */.Wp)('publish needs at least one file, directory or glob');
    const options = versionOptions(values, io, 'publish');
    const bump = values.bump !== undefined ? parseBumpLevel(values.bump) : undefined;
    const checksums = values.checksums === 'none' ? null : values.checksums;
    const parallel = concurrency(values.concurrency);
    const { registry, connection } = await cli_open(values, io, err, secrets);
    let store;
    try {
        store = openStore(values, connection, io, err, secrets);
        const result = await publishNextVersion(registry, store?.store, { ...options, bump, preid: values.preid, inputs: positionals, concurrency: parallel, checksums, hidden: values.hidden, dryRun: values['dry-run'] }, cliReporter(err, values.quiet));
        if (values.json)
            out(JSON.stringify({ command: 'publish', ...result }, null, 2) + '\n');
        else {
            const variable = result.variable
                ? result.variable.outcome === 'planned'
                    ? `\n${result.variable.name} would be set to ${result.version}`
                    : `\n${result.variable.name} ${result.variable.outcome}: ${result.variable.expected ?? '(new)'} -> ${result.version}`
                : '';
            out(`${result.dryRun ? 'dry run: ' : ''}published ${result.ref.name} ${result.version} (previous ${result.previousVersion}): ${result.uploaded} uploaded, ${result.skipped} skipped${variable}\n${result.packageUrl}\n`);
        }
        return 0;
    }
    finally {
        await registry.http.close();
        await store?.store.http.close();
    }
}
async function versionCommand(args, io, out, err, secrets) {
    const [step, ...rest] = args;
    if (step !== 'show' && step !== 'next' && step !== 'commit') {
        if (step === '--help' || step === '-h')
            return out(USAGE), 0;
        throw (0,core_errors/* usageError */.Wp)(`relpack version needs show, next or commit, not ${JSON.stringify(step ?? '')}`, 'run relpack --help');
    }
    const command = `version ${step}`;
    const { values } = parse(rest, { name: { type: 'string' }, version: { type: 'string' }, 'previous-version': { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, ...VERSION_OPTIONS }, command);
    if (values.help)
        return out(USAGE), 0;
    const options = versionOptions(values, io, command);
    if (step === 'commit') {
        if (!values['version-variable'])
            throw (0,core_errors/* usageError */.Wp)('version commit needs --version-variable NAME');
        required(values.version, '--version', command);
        if (values['previous-version'] === undefined) {
            throw (0,core_errors/* usageError */.Wp)('version commit needs --previous-version (what `relpack version show` printed, or none)', 'it is what makes the write safe: the variable is only written if it still holds that value');
        }
    }
    else if (values.version !== undefined || values['previous-version'] !== undefined) {
        throw (0,core_errors/* usageError */.Wp)(`--version and --previous-version are for version commit, not ${command}`);
    }
    const bump = values.bump !== undefined ? parseBumpLevel(values.bump) : undefined;
    if (step === 'next' && !bump && options.from !== 'tag')
        throw (0,core_errors/* usageError */.Wp)('version next needs --bump LEVEL');
    const { registry, connection } = await cli_open(values, io, err, secrets);
    let store;
    const reporter = cliReporter(err, values.quiet);
    try {
        store = openStore(values, connection, io, err, secrets);
        if (step === 'show') {
            const current = await showVersion(registry, store?.store, options);
            if (values.json)
                out(JSON.stringify({ command, name: options.name, ...current }, null, 2) + '\n');
            else
                out(`${current.version}\n`);
            return 0;
        }
        if (step === 'next') {
            const next = await nextVersion(registry, store?.store, { ...options, bump, preid: values.preid }, reporter);
            if (values.json)
                out(JSON.stringify({ command, name: options.name, version: next.version, previousVersion: next.previousVersion, level: next.level, reasons: next.reasons, from: next.current.from, variable: next.current.variable }, null, 2) + '\n');
            else
                out(`${next.version}\n`);
            return 0;
        }
        const previous = values['previous-version'];
        const result = await commitVersion(registry, store.store, {
            name: options.name,
            variable: values['version-variable'],
            version: values.version,
            expected: previous === 'none' || previous === '' ? undefined : previous,
            initialVersion: options.initialVersion,
            dryRun: values['dry-run'],
        }, reporter);
        if (values.json)
            out(JSON.stringify({ command, ...result }, null, 2) + '\n');
        else
            out(`${result.variable.outcome === 'planned' ? 'dry run: would set' : `${result.variable.outcome}:`} ${result.variable.name} ${result.previousVersion ?? '(new)'} -> ${result.version}\n`);
        return 0;
    }
    finally {
        await registry.http.close();
        await store?.store.http.close();
    }
}


/***/ }),

/***/ 4296:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Hd: () => (/* binding */ RelpackError),
/* harmony export */   Wp: () => (/* binding */ usageError),
/* harmony export */   Xu: () => (/* binding */ inputError)
/* harmony export */ });
class RelpackError extends Error {
    code;
    hint;
    request;
    constructor(code, message, options = {}) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.name = 'RelpackError';
        this.code = code;
        this.hint = options.hint;
        this.request = options.request;
    }
    get exitCode() {
        return this.code === 'USAGE' || this.code === 'INVALID_INPUT' || this.code === 'UNSAFE_PATH' || this.code === 'NO_MATCH' ? 2 : 1;
    }
    /** The full multi-line text shown to a user. */
    describe() {
        const lines = [this.message];
        if (this.request) {
            const status = this.request.status ? ` -> ${this.request.status}` : '';
            lines.push(`  request: ${this.request.method} ${this.request.url}${status}`);
            if (this.request.body)
                lines.push(`  server said: ${this.request.body}`);
        }
        if (this.hint)
            lines.push(...this.hint.split('\n').map((line) => `  hint: ${line}`));
        return lines.join('\n');
    }
}
function usageError(message, hint) {
    return new RelpackError('USAGE', message, { hint });
}
function inputError(message, hint) {
    return new RelpackError('INVALID_INPUT', message, { hint });
}


/***/ }),

/***/ 9768:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   QY: () => (/* binding */ GITEA_FILE_NAME),
/* harmony export */   _T: () => (/* binding */ encodeGiteaFileName),
/* harmony export */   gb: () => (/* binding */ GITEA_PACKAGE_NAME),
/* harmony export */   gg: () => (/* binding */ decodeGiteaFileName),
/* harmony export */   qv: () => (/* binding */ validateGiteaFileName),
/* harmony export */   s9: () => (/* binding */ validateGiteaRef)
/* harmony export */ });
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4296);
/**
 * Gitea's and Forgejo's rules for generic packages (gitea-api.md §1 "Checks"), and relpack's
 * reversible encoding of sub-paths: Gitea forbids `/` in file names, so `dir/sub/f.txt` is stored
 * as `dir%2Fsub%2Ff.txt`, with a literal `%` written `%25` where it would otherwise read as an
 * escape, so that decoding is exact. That is the form GitLab gives path files, and `%` is allowed
 * by the file-name rule (Gitea ≥ 1.22).
 */

/** `\A[-_+.\w]+\z` with `\w` = ASCII word characters. */
const GITEA_PACKAGE_NAME = /^[-_+.A-Za-z0-9]+$/;
/** `\A[-_+=:;.()\[\]{}~!@#$%^& \w]+\z`: spaces allowed inside, not at either end. */
const GITEA_FILE_NAME = /^[-_+=:;.()[\]{}~!@#$%^& A-Za-z0-9]+$/;
/** name, version and file name are VARCHAR(255) columns. */
const MAX_LENGTH = 255;
/**
 * `/` becomes `%2F`; a `%` is written `%25` only where the decoder would otherwise read it as one
 * of those two escapes (before `25` or `2F`), so names other tools stored with a `%` in them
 * (`100%.txt`) mean the same to relpack.
 */
function encodeGiteaFileName(path) {
    return path.replace(/%(?=25|2F)/gi, '%25').replace(/\//g, '%2F');
}
function decodeGiteaFileName(stored) {
    return stored.replace(/%(25|2F)/gi, (match) => (match === '%25' ? '%' : '/'));
}
function validateGiteaRef(ref) {
    const { name, version } = ref;
    if (!GITEA_PACKAGE_NAME.test(name) || name === '..' || (name.length === 1 && !/^[A-Za-z0-9]$/.test(name)) || name.length > MAX_LENGTH) {
        throw (0,_core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .inputError */ .Xu)(`invalid package name ${JSON.stringify(name)}`, 'Gitea package names may use only letters, digits, "-", "_", "+" and "."; a one-character name must be a letter or digit; at most 255 characters');
    }
    if (version === '' || version === '.' || version === '..' || version.trim() !== version || /[/\\\u0000-\u001f]/.test(version) || version.length > MAX_LENGTH) {
        throw (0,_core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .inputError */ .Xu)(`invalid package version ${JSON.stringify(version)}`, 'Gitea package versions must not be empty or start or end with whitespace, and cannot contain "/", "\\" or control characters (at most 255 characters)');
    }
}
function validateGiteaFileName(fileName) {
    const segments = fileName.split('/');
    for (const segment of segments) {
        if (segment === '' || segment === '.' || segment === '..') {
            throw (0,_core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .inputError */ .Xu)(`invalid path ${JSON.stringify(fileName)}`, 'file paths must be relative, without empty, "." or ".." segments');
        }
    }
    const stored = encodeGiteaFileName(fileName);
    if (!GITEA_FILE_NAME.test(stored) || stored.trim() !== stored || stored.length > MAX_LENGTH) {
        throw (0,_core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .inputError */ .Xu)(`invalid file name ${JSON.stringify(fileName)}`, 'Gitea file names may use letters, digits, spaces (not at either end) and - _ + = : ; . ( ) [ ] { } ~ ! @ # $ % ^ &, at most 255 characters with the path; no "|", "?", quotes or non-ASCII');
    }
}


/***/ }),

/***/ 9437:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Fo: () => (/* binding */ GITLAB_VERSION),
/* harmony export */   h: () => (/* binding */ GITLAB_PACKAGE_NAME),
/* harmony export */   lM: () => (/* binding */ validateGitlabRef),
/* harmony export */   tU: () => (/* binding */ validateGitlabFileName),
/* harmony export */   xI: () => (/* binding */ GITLAB_FILE_NAME),
/* harmony export */   xV: () => (/* binding */ gitlabFilePath),
/* harmony export */   xo: () => (/* binding */ decodeGitlabFileName)
/* harmony export */ });
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4296);
/**
 * GitLab's rules for generic package names, versions and file names (gitlab-api.md §1
 * "Validation regexes", newest server). The client checks them before any request so that a bad
 * value fails with a message naming it, instead of a bare 400 halfway through a publish.
 */

const GITLAB_PACKAGE_NAME = /^[A-Za-z0-9._+-]+$/;
/** `\A(?!.*\.\.)[\w+.-]+\z`: no `..` anywhere, no slash. */
const GITLAB_VERSION = /^(?!.*\.\.)[A-Za-z0-9_+.-]+$/;
/** The last path segment: `~` and `@` allowed but not at either end; no spaces, `%` or non-ASCII. */
const GITLAB_FILE_NAME = /^(?![~@])[A-Za-z0-9._+~@-]+(?<![~@])$/;
function validateGitlabRef(ref) {
    if (!GITLAB_PACKAGE_NAME.test(ref.name) || ref.name === '.' || ref.name === '..') {
        throw (0,_core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .inputError */ .Xu)(`invalid package name ${JSON.stringify(ref.name)}`, 'GitLab package names may use only letters, digits, ".", "_", "-" and "+" (and may not be "." or "..")');
    }
    // `.` passes the regex but would be read as a URL dot-segment: the request would go elsewhere.
    if (!GITLAB_VERSION.test(ref.version) || ref.version === '.') {
        throw (0,_core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .inputError */ .Xu)(`invalid package version ${JSON.stringify(ref.version)}`, 'GitLab package versions may use only letters, digits, "_", "+", "." and "-", with no ".." (e.g. 1.2.3, 1.2.3-rc.1, v1.2.4-build)');
    }
}
function validateGitlabFileName(fileName) {
    const segments = fileName.split('/');
    const base = segments.pop() ?? '';
    for (const segment of segments) {
        if (segment === '' || segment === '.' || segment === '..' || /[\u0000-\u001f\u007f\\]/.test(segment)) {
            throw (0,_core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .inputError */ .Xu)(`invalid directory ${JSON.stringify(segment)} in file name ${JSON.stringify(fileName)}`, 'directories in a GitLab package path must be non-empty, not "." or "..", and free of control characters and backslashes');
        }
    }
    if (!GITLAB_FILE_NAME.test(base)) {
        throw (0,_core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .inputError */ .Xu)(`invalid file name ${JSON.stringify(base)}${segments.length ? ` (in ${JSON.stringify(fileName)})` : ''}`, 'GitLab file names may use only letters, digits, ".", "_", "-", "+", "~" and "@", with no "~" or "@" at either end (no spaces, "%" or non-ASCII); rename the file');
    }
}
/**
 * GitLab stores a file uploaded under a sub-path as `encodeURIComponent(path/file)` with only
 * `A-Za-z0-9*._-` left raw (gitlab-api.md §1 "Sub-directories"); root files are stored raw.
 */
function decodeGitlabFileName(stored) {
    try {
        return decodeURIComponent(stored);
    }
    catch {
        return stored;
    }
}
/** The URL path of a file: raw slashes between segments, each segment percent-encoded. */
function gitlabFilePath(fileName) {
    return fileName.split('/').map(encodeURIComponent).join('/');
}


/***/ })

};
