// Where the seat-map page's first paint goes, for working on it: the render bench's setup (the
// 100,000-seat stadium, bench/render.ts), one warm-up load, then `--loads n` loads in fresh contexts,
// each printed as the page's marks (src/web/common/marks.ts: ms since navigation start), then the
// minimum of each mark over the loads (the least disturbed by a busy machine). `--out file` keeps a V8
// CPU profile of the last load (read it with `npx tsx bench/profile-summary.ts file`); `--v1` loads the
// v1 JSON map instead. Pages are minified: build with `minify: false` in src/web/build.ts for names.
// Usage: npx tsx bench/render-profile.ts [--loads n] [--out file.cpuprofile] [--v1]
import { writeFileSync } from 'node:fs';
import { openPage } from '../test/browser/chromium';
import type { PaintReading } from './render';
import { firstPaint, renderSetup } from './render';
import { round } from './stats';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const loads = Number(flag('--loads') ?? 5);
  const out = flag('--out');
  const setup = await renderSetup();
  try {
    const url = `${setup.url}${args.includes('--v1') ? '&map=v1' : ''}`;
    const readings: PaintReading[] = [];
    for (let i = 0; i <= loads; i++) {
      const watched = await openPage(setup.chromium.browser);
      watched.context.setDefaultTimeout(60_000);
      const cdp = out && i === loads ? await watched.context.newCDPSession(watched.page) : null;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
        await cdp.send('Profiler.start');
      }
      const reading = await firstPaint(watched.page, url);
      // Requests on the way, as the browser timed them: start → first byte → last byte.
      const requests = reading.requests
        .filter((r) => r.path.startsWith('/api/') || r.path.startsWith('/assets/'))
        .map((r) => `${r.path.replace(/^\/api\/events\/[^/]+/, '…').slice(0, 24)} ${Math.round(r.startMs)}→${Math.round(r.firstByteMs)}→${Math.round(r.endMs)}`);
      if (cdp && out) writeFileSync(out, JSON.stringify((await cdp.send('Profiler.stop')).profile));
      if (watched.problems.length > 0) process.stdout.write(`problems: ${watched.problems.join('; ')}\n`);
      await watched.context.close();
      if (i === 0) continue; // the warm-up
      readings.push(reading);
      process.stdout.write(`  ${requests.join(' · ')}\n`);
      process.stdout.write(`${Object.entries(reading.phases).map(([k, v]) => `${k} ${round(v)}`).join(' · ')} · first draw ${round(reading.fullDrawMs)}\n`);
    }
    const keys = Object.keys(readings[0].phases);
    process.stdout.write(`minimum: ${keys.map((k) => `${k} ${round(Math.min(...readings.map((r) => r.phases[k])))}`).join(' · ')}\n`);
  } finally {
    await setup.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
