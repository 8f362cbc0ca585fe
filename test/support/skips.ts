// Tests that need something this machine may lack (Chromium, root, a mount, a network namespace) ask
// here whether to run. When the need is not met they skip and say why, once per file; when CI is set
// (`.ci/run` sets CI=true) a skip is a failure instead: the file throws with the same reason, so a CI
// run that passes ran every test. test/support/no-skips-reporter.ts fails a CI run on any other skip.

/** Whether this run is CI: the `CI` variable set to anything but empty, `0` or `false`. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/** Raised, under CI, by a test file whose requirement is not met. */
export class MissingRequirementError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingRequirementError';
  }
}

/**
 * Whether the tests that need `what` should run: true when `met`. Otherwise prints why they skip (with
 * `why`: what is missing and how to provide it) and returns false, or, under CI, throws.
 * Use as `describe.skipIf(!requires('Chromium', hasChromium, 'no /usr/bin/chromium: apt-get install -y chromium'))`.
 */
export function requires(what: string, met: boolean, why: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (met) return true;
  const message = `needs ${what}: ${why}`;
  if (isCi(env)) throw new MissingRequirementError(`CI=${env.CI} forbids skipping: ${message}`);
  console.warn(`SKIPPING (${message})`);
  return false;
}
