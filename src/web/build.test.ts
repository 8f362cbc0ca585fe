// The page build: hashed assets, HTML pointing at them, a manifest naming the sources' hash, small bundles.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPages, readManifest, sourceHash } from './build';

const dir = mkdtempSync(join(tmpdir(), 'aisle-pages-'));
const out = join(dir, 'dist');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('buildPages', () => {
  it('writes hashed assets, pages that load them, and the manifest of the sources', async () => {
    const manifest = await buildPages(out);
    expect(manifest.sourceHash).toBe(sourceHash());
    expect(readManifest(out)).toEqual(manifest);
    expect(Object.keys(manifest.assets).sort()).toEqual(['gate', 'seat-map', 'staff', 'styles']);
    for (const path of Object.values(manifest.assets)) expect(path).toMatch(/^assets\/[a-z-]+-[A-Z0-9]{8}\.(js|css)$/);
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    expect(index).toContain(`src="/${manifest.assets['seat-map']}"`);
    expect(index).toContain(`href="/${manifest.assets.styles}"`);
    expect(readFileSync(join(out, 'staff.html'), 'utf8')).toContain(`src="/${manifest.assets.staff}"`);
    expect(readFileSync(join(out, 'gate.html'), 'utf8')).toContain(`src="/${manifest.assets.gate}"`);
    // No inline script or style anywhere: the CSP allows none.
    expect(index).not.toMatch(/<script>|<style|style="/);
    // What a page needs before it runs stays small; everything built, on-demand chunks included, too.
    expect(Object.keys(manifest.firstLoad).sort()).toEqual(['gate', 'seat-map', 'staff']);
    for (const [page, bytes] of Object.entries(manifest.firstLoad)) {
      expect(bytes, `${page} loads ${bytes} B before it runs`).toBeLessThan(100 * 1024);
      expect(bytes).toBeGreaterThan(manifest.sizes[manifest.assets[page]!]!);
    }
    const total = Object.values(manifest.sizes).reduce((n, b) => n + b, 0);
    expect(total).toBeLessThan(160 * 1024);
    // No schema library in a page: the pages import types and plain tables only (TypeBox alone is ~50 KiB).
    for (const file of Object.keys(manifest.sizes)) expect(readFileSync(join(out, file), 'utf8'), file).not.toContain('TypeBox.');
  });

  it('keeps a current build in place when the same sources are built again', async () => {
    const before = readManifest(out);
    await buildPages(out);
    expect(readManifest(out)).toEqual(before);
  });
});
