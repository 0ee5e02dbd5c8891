// The results table: one row per runtime, one column per check.

export const COLUMNS = [
  'import',
  'require',
  'types',
  'parse',
  'basic vector',
  'digest MD5',
  'digest SHA-256',
  'digest SHA-512-256',
  'hash path',
  'live Basic (fetch)',
  'live Digest (fetch)',
  'live Digest non-ASCII user (fetch)',
  'live Basic (ky)',
  'live Digest (ky)',
  'live auth-int POST (fetch)',
  'live auth-int POST (ky)',
  'live Bearer (fetch)',
  'live OAuth2 client credentials (fetch)',
];

function cell(result, column) {
  if (result === undefined) return '—';
  if (result.status === 'pass') {
    if (column === 'hash path') return result.detail.startsWith('node:crypto') ? 'pass: node:crypto' : 'pass: js';
    return 'pass';
  }
  if (result.status === 'skip') return 'skip';
  if (column === 'hash path' && /^(node:crypto|authbelt JS hashes)/.test(result.detail)) {
    return `FAIL: ${result.detail.startsWith('node:crypto') ? 'node:crypto' : 'js'}`;
  }
  return 'FAIL';
}

/** The table as Markdown, plus the notes (every fail and skip with its reason). */
export function renderMarkdown(rows, { ci }) {
  const head = ['runtime', ...COLUMNS];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  const notes = [];
  for (const row of rows) {
    const name = row.version === undefined ? row.runtime : `${row.runtime} (${shortVersion(row)})`;
    if (row.cannotStart !== undefined) {
      const mark = ci ? 'FAIL' : 'skip';
      lines.push(`| ${name} | ${COLUMNS.map(() => mark).join(' | ')} |`);
      notes.push(
        `- **${row.runtime}** ${ci ? 'FAIL' : 'skip'}: cannot start: ${row.cannotStart.replaceAll('\n', ' ')}`,
      );
      continue;
    }
    lines.push(`| ${name} | ${COLUMNS.map((c) => cell(row.results[c], c)).join(' | ')} |`);
    for (const column of COLUMNS) {
      const result = row.results[column];
      // A package that did not build is listed once under Problems, not in every row.
      if (result?.status === 'skip' && / not packed \(/.test(result.detail)) continue;
      if (result !== undefined && result.status !== 'pass') {
        notes.push(
          `- **${row.runtime}** / ${column}: ${result.status === 'skip' ? 'skip' : 'FAIL'}: ${result.detail.replaceAll('\n', ' ')}`,
        );
      }
    }
    const hash = row.results['hash path'];
    if (hash?.status === 'pass') notes.push(`- ${row.runtime}: hash path: ${hash.detail}`);
    for (const note of row.notes ?? []) notes.push(`- ${row.runtime}: ${note}`);
  }
  return { table: lines.join('\n'), notes };
}

function shortVersion(row) {
  const v = row.version;
  const chrome = /Chromium ([\d.]+)/.exec(v);
  if (chrome) return chrome[1];
  const worker = /miniflare ([\d.]+)/.exec(v);
  if (worker) return `miniflare ${worker[1]}`;
  return v.replace(/^(Node|Deno|Bun|Version) /, '');
}

/** Does the run fail? Any FAIL cell; in CI also a runtime that cannot start or a skipped check. */
export function failed(rows, { ci }) {
  return rows.some((row) => {
    if (row.cannotStart !== undefined) return ci;
    return Object.values(row.results).some((r) => r.status === 'fail' || (ci && r.status === 'skip' && !r.allowedSkip));
  });
}
