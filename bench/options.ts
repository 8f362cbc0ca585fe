// Command-line flags of `npm run bench`.

/** What a bench run does. */
export interface BenchOptions {
  mode: 'full' | 'quick';
  /** Measured seconds per throughput scenario (after the warm-up). */
  durationS: number;
  warmupS: number;
  /** Connections of the throughput scenarios. */
  connections: number;
  /** Requests in flight per connection (chains). */
  depth: number;
  /** Load generator worker threads. */
  workers: number;
  /** Write V8 CPU profiles of the servers under test to bench/results/profiles. */
  profile: boolean;
  /** Skip the conventional baseline (and the ratios). */
  skipBaseline: boolean;
  /** Connection counts of the offered-load chart; empty skips the chart. */
  chartConnections: number[];
  /** Viewer counts of the fan-out measurement with one sending process (GATEWAY_WORKERS=0), ascending. */
  fanoutViewers: number[];
  /** Viewer counts of the fan-out measurement over gateway edges, ascending. */
  edgeViewers: number[];
  /** Only the fan-out comparison (bench/results/fanout.json). */
  fanoutOnly: boolean;
  /** Extra environment for the Aisle server (experiments: `--server-env COMMIT_MAX_IN_FLIGHT=4`). */
  serverEnv: Record<string, string>;
}

/** Modes not built yet (exit 2). `--cluster`, `--jobs`, `--queue` and `--render` are routed by
 * bench/run.ts to bench/cluster.ts, bench/jobs.ts, bench/queue/queue-bench.ts and bench/render.ts
 * before these flags are read. */
const LATER_MODES: string[] = [];

export const USAGE = `usage: npm run bench -- [--quick] [--duration <s>] [--connections <n>] [--depth <n>] [--workers <n>]
                          [--no-baseline] [--profile] [--server-env NAME=value]...
                          [--fanout-only] [--fanout-viewers n,n,...] [--edge-viewers n,n,...]
       npm run bench -- --cluster [--quick] ...   (bench/cluster.ts)
       npm run bench -- --jobs [--quick] ...      (bench/jobs.ts)
       npm run bench -- --queue [--quick] ...     (bench/queue/queue-bench.ts)
  --quick          a reduced run (under a minute), same JSON fields
  --duration <s>   measured seconds per throughput scenario (default 15, quick 3)
  --connections <n> connections of the throughput scenarios (default 200)
  --depth <n>      requests in flight per connection, 1..8 (default 1)
  --workers <n>    load generator threads (default 2)
  --no-baseline    skip the conventional baseline server
  --profile        write V8 CPU profiles of the servers to bench/results/profiles/
                   (read one scenario: npx tsx bench/profile-summary.ts <file> --from <ms> --to <ms>,
                   with the run's window from latest.json)
  --server-env NAME=value  extra environment for the Aisle server, for experiments (recorded in the JSON)
  --fanout-only    only the fan-out comparison (one sender, then gateway edges); writes
                   bench/results/fanout.json instead of latest.json
  --fanout-viewers n,n,...  viewer levels with one sending process (default 1000,5000,10000,19000; quick 5000)
  --edge-viewers n,n,...    viewer levels over gateway edges (default 19000,50000; quick 5000)`;

/** Thrown for bad flags; `exitCode` 2 like other usage errors. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** The value of a flag that takes a whole number from `min` to `max`; a UsageError (with `usage`) else. */
export function wholeNumber(flag: string, raw: string | undefined, min: number, max: number, usage: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`${flag} takes a whole number from ${min} to ${max}\n${usage}`);
  return value;
}

/** Parses `argv` (without node and the script). */
export function parseOptions(argv: string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const options: BenchOptions = {
    mode: quick ? 'quick' : 'full',
    durationS: quick ? 3 : 15,
    warmupS: quick ? 1 : 3,
    connections: 200,
    depth: 1,
    workers: 2,
    profile: false,
    skipBaseline: false,
    // From 200 up: Aisle limits each user to 500 seat commands/s (USER_RATE_PER_SECOND), and with
    // one user per connection fewer closed loops than ~throughput / 500 are rate limited (at ~64,000/s,
    // 100 loops had 6 % of their commands refused).
    chartConnections: quick ? [] : [200, 400, 800, 1600],
    fanoutViewers: quick ? [5_000] : [1_000, 5_000, 10_000, 19_000],
    edgeViewers: quick ? [5_000] : [19_000, 50_000],
    fanoutOnly: false,
    serverEnv: {},
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const number = (min: number, max: number): number => wholeNumber(flag, argv[++i], min, max, USAGE);
    if (LATER_MODES.includes(flag)) throw new UsageError(`${flag}: not built yet`);
    switch (flag) {
      case '--quick':
        break;
      case '--duration':
        options.durationS = number(1, 3600);
        break;
      case '--connections':
        options.connections = number(1, 5000);
        break;
      case '--depth':
        options.depth = number(1, 8);
        break;
      case '--workers':
        options.workers = number(1, 16);
        break;
      case '--fanout-only':
        options.fanoutOnly = true;
        break;
      case '--fanout-viewers':
      case '--edge-viewers': {
        const levels = (argv[++i] ?? '').split(',').map(Number);
        if (levels.length === 0 || levels.some((n, j) => !Number.isInteger(n) || n < 1 || n > 200_000 || (j > 0 && n <= levels[j - 1]))) {
          throw new UsageError(`${flag} takes ascending whole numbers from 1 to 200000, comma-separated\n${USAGE}`);
        }
        if (flag === '--fanout-viewers') options.fanoutViewers = levels;
        else options.edgeViewers = levels;
        break;
      }
      case '--no-baseline':
        options.skipBaseline = true;
        break;
      case '--profile':
        options.profile = true;
        break;
      case '--server-env': {
        const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(argv[++i] ?? '');
        if (!match) throw new UsageError(`--server-env takes NAME=value\n${USAGE}`);
        options.serverEnv[match[1]] = match[2];
        break;
      }
      case '--help':
      case '-h':
        throw new UsageError(USAGE);
      default:
        throw new UsageError(`unknown flag ${flag}\n${USAGE}`);
    }
  }
  return options;
}
