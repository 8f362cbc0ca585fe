// Every link in the repository's own documents resolves inside the repository: a relative path names a
// file or folder that exists (without leaving the checkout), and an anchor names a heading of its file.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** The documents checked: the top-level ones and everything in docs/. */
const DOCUMENTS = [
  'README.md',
  'SECURITY.md',
  'RELIABILITY.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** The text outside fenced code blocks and inline code spans, where links and headings live. */
function prose(markdown: string): string[] {
  let fenced = false;
  const lines: string[] = [];
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      lines.push('');
      continue;
    }
    lines.push(fenced ? '' : line.replace(/`[^`]*`/g, (code) => code.replace(/[[\]()]/g, ' ')));
  }
  return lines;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const text = heading[1]!.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Each link target of a document with its line: inline links, images and reference definitions. */
function linksOf(markdown: string): { line: number; target: string }[] {
  const links: { line: number; target: string }[] = [];
  prose(markdown).forEach((text, index) => {
    for (const match of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ line: index + 1, target: match[1]! });
    }
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(text);
    if (definition) links.push({ line: index + 1, target: definition[1]! });
  });
  return links;
}

/** Why `target`, linked from the document at `from` (relative to `root`), does not resolve; null if it does. */
function brokenLink(root: string, from: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
    return /^(https?|mailto):/i.test(target) ? null : `unexpected scheme in ${target}`;
  }
  const [path = '', anchor] = target.split('#', 2);
  const file = path === '' ? join(root, from) : resolve(dirname(join(root, from)), decodeURIComponent(path));
  const inside = relative(root, file);
  if (inside.startsWith('..') || inside.startsWith(sep) || resolve(root, inside) !== file) {
    return `${target} leaves the repository`;
  }
  if (!existsSync(file)) return `${target}: no such file ${inside}`;
  if (anchor === undefined) return null;
  if (!file.endsWith('.md')) return `${target}: an anchor into a file that is not Markdown`;
  const anchors = anchorsOf(readFileSync(file, 'utf8'));
  return anchors.has(anchor) ? null : `${target}: no heading with anchor #${anchor} in ${inside}`;
}

describe('links in the documents', () => {
  it('finds broken paths, anchors and escapes in a planted document', () => {
    const root = mkdtempSync(join(tmpdir(), 'aisle-links-'));
    try {
      mkdirSync(join(root, 'docs'));
      writeFileSync(join(root, 'docs/other.md'), '# Other\n\n## Some `code` heading!\n');
      const planted = [
        '# Title',
        '## v1.1 additions (`/ws`)',
        'See [ok](#title), [ok too](#v11-additions-ws), [bad](#nope), [file](docs/other.md),',
        '[missing](docs/missing.md), [out](../outside.md), [anchor](docs/other.md#some-code-heading),',
        '[bad anchor](docs/other.md#no-such-heading) [folder](docs) [web](https://example.com).',
        '`[in code](nowhere.md)`',
        '```',
        '[in a block](nowhere.md)',
        '```',
        '[ref]: docs/nowhere.md',
      ].join('\n');
      writeFileSync(join(root, 'planted.md'), planted);
      const problems = linksOf(planted).map(({ line, target }) => `${line}: ${brokenLink(root, 'planted.md', target)}`);
      expect(problems).toEqual([
        '3: null',
        '3: null',
        '3: #nope: no heading with anchor #nope in planted.md',
        '3: null',
        '4: docs/missing.md: no such file docs/missing.md',
        '4: ../outside.md leaves the repository',
        '4: null',
        '5: docs/other.md#no-such-heading: no heading with anchor #no-such-heading in docs/other.md',
        '5: null',
        '5: null',
        '10: docs/nowhere.md: no such file docs/nowhere.md',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it.each(DOCUMENTS)('%s: every relative link and anchor resolves inside the repository', (document) => {
    const markdown = readFileSync(join(ROOT, document), 'utf8');
    const problems = linksOf(markdown)
      .map(({ line, target }) => ({ line, problem: brokenLink(ROOT, document, target) }))
      .filter(({ problem }) => problem !== null)
      .map(({ line, problem }) => `${document}:${line}: ${problem}`);
    expect(problems).toEqual([]);
  });
});
