// A vitest reporter that, when CI is set, fails the run if any test was skipped or left as a todo
// (`it.skip`, `describe.skip`, `skipIf`, `context.skip()`): in CI every test runs. Outside CI it only
// lists the skipped tests at the end, so a local run says what it did not check.
import type { Reporter, TestModule } from 'vitest/node';
import { isCi } from './skips';

export default class NoSkipsReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const skipped: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'skipped') skipped.push(`${module.moduleId.replace(`${process.cwd()}/`, '')} > ${test.fullName}`);
      }
    }
    if (skipped.length === 0) return;
    const list = skipped.map((name) => `  - ${name}`).join('\n');
    if (isCi()) {
      console.error(`\nCI=${process.env.CI}: ${skipped.length} test(s) skipped, which CI does not allow:\n${list}\n`);
      process.exitCode = 1;
    } else {
      console.warn(`\n${skipped.length} test(s) skipped (CI would fail on them):\n${list}\n`);
    }
  }
}
