import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { archiveMtime, createArchive, DEFAULT_ARCHIVE_MTIME, extractArchive, type ArchiveFormat } from '../../src/core/archive.js';
import { expandInputs } from '../../src/core/local-files.js';
import { hostileTar, hostileZip } from '../helpers/archives.js';
import { tempDir, writeTree } from '../helpers/harness.js';

const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');
const LONG = `deep/${'d'.repeat(120)}/${'f'.repeat(90)}.txt`;

async function sampleTree(): Promise<string> {
  const root = await tempDir();
  await writeTree(root, { 'dist/app': '#!/bin/sh\necho hi\n', 'dist/lib/a.txt': 'a', 'dist/lib/b.txt': 'b'.repeat(5000), [`dist/${LONG}`]: 'long name', 'dist/empty': '' });
  await chmod(join(root, 'dist/app'), 0o755);
  return root;
}

async function archiveOf(root: string, format: ArchiveFormat, mtime = DEFAULT_ARCHIVE_MTIME): Promise<string> {
  const { files } = await expandInputs(['dist'], root);
  const dest = join(await tempDir(), `x.${format}`);
  await createArchive(files, format, dest, { mtime });
  return dest;
}

for (const format of ['tar.gz', 'zip'] as const) {
  test(`${format}: the same inputs give the same bytes, whatever their mtimes, other mode bits and the walk order`, async () => {
    const one = await sampleTree();
    const two = await sampleTree();
    await utimes(join(two, 'dist/lib/a.txt'), new Date('2001-02-03T04:05:06Z'), new Date('2001-02-03T04:05:06Z'));
    await chmod(join(two, 'dist/lib/b.txt'), 0o600);
    await chmod(join(two, 'dist/app'), 0o700);
    const first = await sha256(await archiveOf(one, format));
    assert.equal(await sha256(await archiveOf(one, format)), first);
    assert.equal(await sha256(await archiveOf(two, format)), first);
    // reversed order in: sorted out
    const { files } = await expandInputs(['dist'], two);
    const dest = join(await tempDir(), `r.${format}`);
    await createArchive(files.reverse(), format, dest, { mtime: DEFAULT_ARCHIVE_MTIME });
    assert.equal(await sha256(dest), first);
    // what does count: an execute bit, the mtime given
    await chmod(join(two, 'dist/lib/a.txt'), 0o755);
    assert.notEqual(await sha256(await archiveOf(two, format)), first);
    assert.notEqual(await sha256(await archiveOf(one, format, new Date('2024-01-01T00:00:00Z'))), first);
  });

  test(`${format}: extract round trip keeps names, contents and execute bits`, async () => {
    const root = await sampleTree();
    const archive = await archiveOf(root, format);
    const out = join(await tempDir(), 'out');
    const result = await extractArchive(archive, format, out, { maxBytes: 1 << 20 });
    assert.equal(result.files, 5);
    assert.deepEqual(result.placed, ['app', 'deep', 'empty', 'lib']);
    assert.equal(await readFile(join(out, 'lib/b.txt'), 'utf8'), 'b'.repeat(5000));
    assert.equal(await readFile(join(out, LONG), 'utf8'), 'long name');
    assert.equal((await stat(join(out, 'app'))).mode & 0o777, 0o755);
    assert.equal((await stat(join(out, 'lib/a.txt'))).mode & 0o777, 0o644);
    const siblings = await readdir(join(out, '..'));
    assert.deepEqual(siblings, ['out'], 'the staging folder is gone');
  });

  test(`${format}: a name already in out is refused and nothing moves`, async () => {
    const archive = await archiveOf(await sampleTree(), format);
    const out = await tempDir();
    await writeFile(join(out, 'lib'), 'mine');
    await assert.rejects(extractArchive(archive, format, out, { maxBytes: 1 << 20 }), { code: 'EXISTS' });
    assert.deepEqual(await readdir(out), ['lib']);
  });

  test(`${format}: expanding past the bound stops the extraction with nothing placed`, async () => {
    const archive = await archiveOf(await sampleTree(), format);
    const out = await tempDir();
    await assert.rejects(extractArchive(archive, format, out, { maxBytes: 1000 }), { code: 'TOO_LARGE' });
    assert.deepEqual(await readdir(out), []);
  });
}

test('SOURCE_DATE_EPOCH sets the mtime; unset is 1980-01-01T00:00:02Z; junk is undefined', () => {
  assert.equal(archiveMtime(undefined)?.toISOString(), '1980-01-01T00:00:02.000Z');
  assert.equal(archiveMtime('1700000000')?.getTime(), 1700000000_000);
  assert.equal(archiveMtime('yesterday'), undefined);
});

const hostile: [string, () => Promise<Buffer> | Buffer, ArchiveFormat][] = [
  ['tar absolute path', () => hostileTar([{ path: 'ok.txt', body: 'ok' }, { path: '/tmp/evil', body: 'x' }]), 'tar.gz'],
  ['tar .. segment', () => hostileTar([{ path: 'ok.txt', body: 'ok' }, { path: 'a/../../evil', body: 'x' }]), 'tar.gz'],
  ['tar symlink', () => hostileTar([{ path: 'link', type: 'SymbolicLink', linkpath: '/etc' }, { path: 'link/passwd', body: 'x' }]), 'tar.gz'],
  ['tar hardlink', () => hostileTar([{ path: 'ok.txt', body: 'ok' }, { path: 'h', type: 'Link', linkpath: '/etc/passwd' }]), 'tar.gz'],
  ['tar control character', () => hostileTar([{ path: 'bad\u001b[2Jname', body: 'x' }]), 'tar.gz'],
  ['tar character device', () => hostileTar([{ path: 'dev', type: 'CharacterDevice' }]), 'tar.gz'],
  ['tar duplicate name', () => hostileTar([{ path: 'a', body: '1' }, { path: './a', body: '2' }]), 'tar.gz'],
  ['zip .. segment', () => hostileZip('../evil'), 'zip'],
  ['zip absolute path', () => hostileZip('/tmp/evil'), 'zip'],
  ['zip symlink', () => hostileZip('link', 0o120777), 'zip'],
];

for (const [what, build, format] of hostile) {
  test(`hostile archive refused before anything lands in out: ${what}`, async () => {
    const dir = await tempDir();
    const archive = join(dir, `hostile.${format}`);
    await writeFile(archive, await build());
    const out = join(dir, 'out');
    await assert.rejects(extractArchive(archive, format, out, { maxBytes: 1 << 20 }), { code: 'UNSAFE_PATH' });
    assert.deepEqual(await readdir(out), []);
    assert.deepEqual((await readdir(dir)).sort(), ['hostile.' + format, 'out'].sort(), 'no staging folder left');
  });
}
