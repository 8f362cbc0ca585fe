// README's layout table names every top-level folder of the repository and every folder of src/, so a
// newcomer finds each one explained (only folders in the repository count, not build output or data).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** The folders of the repository one and two levels down (`src`, `src/actor`): git's, else the disk's. */
function repositoryFolders(): string[] {
  let files: string[];
  try {
    files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter((f) => f !== '');
  } catch {
    // Not a git checkout: every folder on disk that .gitignore does not keep out.
    const ignored = readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n').map((l) => l.trim().replace(/\/$/, ''));
    const walk = (dir: string): string[] =>
      readdirSync(join(ROOT, dir), { withFileTypes: true })
        .filter((e) => e.name !== '.git' && !ignored.includes(e.name) && !ignored.includes(join(dir, e.name)))
        .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
    files = walk('');
  }
  const folders = new Set<string>();
  for (const file of files) {
    const parts = file.split('/');
    if (parts.length > 1) folders.add(parts[0]!);
    if (parts[0] === 'src' && parts.length > 2) folders.add(`src/${parts[1]}`);
  }
  return [...folders].sort();
}

/** The folders named in the first column of README's layout table. */
function layoutTable(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Layout'), readme.indexOf('\n## ', readme.indexOf('\n## Layout') + 1));
  return [...section.matchAll(/^\| `([^`]+)\/` \|/gm)].map((match) => match[1]!);
}

describe("README's layout table", () => {
  it('lists every top-level folder and every folder of src/', () => {
    const listed = layoutTable();
    // A folder is listed by its own row, or (src/) by rows for each of its folders.
    const covered = (folder: string): boolean => listed.some((row) => row === folder || row.startsWith(`${folder}/`));
    const missing = repositoryFolders().filter((folder) => !covered(folder));
    expect(missing).toEqual([]);
  });
});
