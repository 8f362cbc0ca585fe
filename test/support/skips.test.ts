// Skips say why, and CI does not allow them: the helper on its own, then a real vitest run (the
// repository's reporter) over planted test files, with and without CI set.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { isCi, MissingRequirementError, requires } from './skips';

const ROOT = resolve(import.meta.dirname, '../..');
// Inside the checkout (gitignored), so the planted files resolve `vitest` from its node_modules.
const PLANTED = join(ROOT, 'test-artifacts', `skips-${process.pid}`);

afterAll(() => rmSync(PLANTED, { recursive: true, force: true }));

describe('requires', () => {
  it('reads CI as set unless empty, 0 or false', () => {
    expect([undefined, '', '0', 'false', 'FALSE', ' '].map((CI) => isCi({ CI }))).toEqual([false, false, false, false, false, false]);
    expect(['true', '1', 'yes', 'TRUE'].map((CI) => isCi({ CI }))).toEqual([true, true, true, true]);
  });

  it('runs what is met, skips what is not and says why, and throws under CI instead', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(requires('Chromium', true, 'unused', {})).toBe(true);
      expect(warn).not.toHaveBeenCalled();
      expect(requires('Chromium', false, 'no /usr/bin/chromium', {})).toBe(false);
      expect(warn).toHaveBeenCalledWith('SKIPPING (needs Chromium: no /usr/bin/chromium)');
      expect(() => requires('Chromium', false, 'no /usr/bin/chromium', { CI: 'true' })).toThrow(MissingRequirementError);
      expect(() => requires('Chromium', false, 'no /usr/bin/chromium', { CI: 'true' })).toThrow(
        'CI=true forbids skipping: needs Chromium: no /usr/bin/chromium',
      );
      expect(requires('Chromium', true, 'unused', { CI: 'true' })).toBe(true);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('a vitest run with the no-skips reporter', () => {
  mkdirSync(PLANTED, { recursive: true });
  writeFileSync(
    join(PLANTED, 'needs.test.ts'),
    `import { describe, it, expect } from 'vitest';\nimport { requires } from '${join(ROOT, 'test/support/skips.ts')}';\n` +
      `describe.skipIf(!requires('a unicorn', false, 'none in this stable'))('with a unicorn', () => { it('rides', () => expect(1).toBe(1)); });\n`,
  );
  writeFileSync(join(PLANTED, 'vitest.config.mjs'), 'export default { test: { include: ["*.test.ts"] } };\n');
  writeFileSync(
    join(PLANTED, 'plain.test.ts'),
    `import { it, expect } from 'vitest';\nit('runs', () => expect(1).toBe(1));\nit.skip('is put off', () => expect(1).toBe(2));\n`,
  );
  const run = (env: NodeJS.ProcessEnv): { status: number | null; output: string } => {
    const result = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(PLANTED, 'vitest.config.mjs'), '--root', PLANTED, '--maxWorkers=1', '--reporter=default', `--reporter=${join(ROOT, 'test/support/no-skips-reporter.ts')}`],
      { cwd: PLANTED, env: { ...process.env, CI: undefined, ...env }, encoding: 'utf8' },
    );
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  };

  it('without CI: passes, saying why each skip happened and listing the skipped tests', () => {
    const { status, output } = run({});
    expect(status).toBe(0);
    expect(output).toContain('SKIPPING (needs a unicorn: none in this stable)');
    expect(output).toMatch(/2 test\(s\) skipped \(CI would fail on them\):\n {2}- .*needs\.test\.ts > with a unicorn > rides\n {2}- .*plain\.test\.ts > is put off/);
  });

  it('with CI=true: fails, on the unmet requirement and on the plain skip', () => {
    const { status, output } = run({ CI: 'true' });
    expect(status).toBe(1);
    expect(output).toContain('CI=true forbids skipping: needs a unicorn: none in this stable');
    expect(output).toMatch(/CI=true: 1 test\(s\) skipped, which CI does not allow:\n {2}- .*plain\.test\.ts > is put off/);
  });
});
