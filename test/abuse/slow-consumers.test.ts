// 1,000 clients that stop reading, against a real server process: each asks for 100 KB snapshots and
// never reads them. The server drops every one of them at the per-socket limit, or the largest first
// once all buffers together pass the budget; its memory stays bounded; the other clients are served
// throughout. The scenario runs in a network namespace of its own (slow-consumers-scenario.ts says why).
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { requires } from '../support/skips';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Kernel TCP buffers of the namespace: 64 KiB at most per socket (the host allows 4 MiB). */
const SYSCTL = "net.ipv4.tcp_wmem='4096 16384 65536' net.ipv4.tcp_rmem='4096 16384 65536'";

const canUnshare = requires(
  'a network namespace of its own (unshare -n)',
  ((): boolean => {
    try {
      execFileSync('unshare', ['-n', 'true'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })(),
  '`unshare -n true` failed: run as root (or with CAP_SYS_ADMIN)',
);

interface ScenarioResult {
  clients: number;
  dropped: number;
  stillOpen: number;
  rssBeforeMb: number;
  maxRssMb: number;
  seconds: number;
  othersServed: boolean;
}

async function scenario(args: string[]): Promise<ScenarioResult> {
  const script = `ip link set lo up && sysctl -q -w ${SYSCTL} && exec "${process.execPath}" --import tsx test/abuse/slow-consumers-scenario.ts ${args.join(' ')}`;
  const { stdout } = await promisify(execFile)('unshare', ['-n', '--', 'sh', '-c', script], { cwd: ROOT, timeout: 150_000, maxBuffer: 64 * 1024 * 1024 });
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`no result from the scenario:\n${stdout.slice(-2000)}`);
  const result = JSON.parse(line.slice(7)) as ScenarioResult;
  console.log(`slow consumers ${args.join(' ')}: ${JSON.stringify(result)}`);
  return result;
}

describe.skipIf(!canUnshare)('1,000 slow consumers (needs unshare -n: root)', () => {
  it('drops every one at the per-socket limit, with memory bounded and everyone else served', async () => {
    const result = await scenario(['--clients', '1000', '--rounds', '8', '--per-socket', String(256 * 1024)]);
    expect(result.dropped).toBe(1000);
    expect(result.stillOpen).toBe(0);
    expect(result.othersServed).toBe(true);
    // 1,000 × 256 KiB is the most the limit lets them hold at once.
    expect(result.maxRssMb - result.rssBeforeMb).toBeLessThan(400);
  }, 160_000);

  it('drops the largest first once all buffers pass the budget, below the per-socket limit', async () => {
    // 12 snapshots of 100 KB each: 1.2 GB unread in all, none of them at the 4 MiB per-socket limit.
    const result = await scenario(['--clients', '1000', '--rounds', '12', '--budget', String(64 * 1024 * 1024)]);
    expect(result.dropped).toBeGreaterThanOrEqual(900);
    expect(result.othersServed).toBe(true);
    expect(result.maxRssMb - result.rssBeforeMb).toBeLessThan(600);
  }, 160_000);
});
