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
  /** Viewer counts of the fan-out measurement, ascending. */
  fanoutViewers: number[];
  /** Extra environment for the Aisle server (experiments: `--server-env COMMIT_MAX_IN_FLIGHT=4`). */
  serverEnv: Record<string, string>;
}

/** Modes not built yet (exit 2). `--cluster`, `--jobs` and `--render` are routed by bench/run.ts to
 * bench/cluster.ts, bench/jobs.ts and bench/render.ts before these flags are read. */
const LATER_MODES: string[] = [];

export const USAGE = `usage: npm run bench -- [--quick] [--duration <s>] [--connections <n>] [--depth <n>] [--workers <n>]
                          [--no-baseline] [--profile] [--server-env NAME=value]...
       npm run bench -- --cluster [--quick] ...   (bench/cluster.ts)
       npm run bench -- --jobs [--quick] ...      (bench/jobs.ts)
  --quick          a reduced run (under a minute), same JSON fields
  --duration <s>   measured seconds per throughput scenario (default 15, quick 3)
  --connections <n> connections of the throughput scenarios (default 200)
  --depth <n>      requests in flight per connection, 1..8 (default 1)
  --workers <n>    load generator threads (default 2)
  --no-baseline    skip the conventional baseline server
  --profile        write V8 CPU profiles of the servers to bench/results/profiles/
                   (read one scenario: npx tsx bench/profile-summary.ts <file> --from <ms> --to <ms>,
                   with the run's window from latest.json)
  --server-env NAME=value  extra environment for the Aisle server, for experiments (recorded in the JSON)`;

/** Thrown for bad flags; `exitCode` 2 like other usage errors. */
export class UsageError extends Error {
  readonly exitCode = 2;
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
    // From 100 up: Aisle limits each user to 500 seat commands/s (USER_RATE_PER_SECOND), and with
    // one user per connection fewer closed loops than ~throughput / 500 would be rate limited.
    chartConnections: quick ? [] : [100, 200, 400, 800, 1600],
    fanoutViewers: quick ? [10_000] : [1_000, 5_000, 10_000, 19_000],
    serverEnv: {},
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const number = (min: number, max: number): number => {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`${flag} takes a whole number from ${min} to ${max}\n${USAGE}`);
      return value;
    };
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
