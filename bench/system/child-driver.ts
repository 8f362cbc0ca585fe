// A child process of the bench's own (load that needs more file descriptors than one process may
// hold), driven over IPC with advanced serialization: messages to it, and a wait for the next message
// of a kind from it. Messages of type `failed` reject every wait.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** How long closing waits for the child to exit before killing it. */
const EXIT_WAIT_MS = 15_000;

/** A child running `script` (relative to the repository root) with tsx. */
export class ChildDriver<To, From extends { type: string }> {
  private readonly child: ChildProcess;
  private readonly waiters: Array<(message: From) => boolean> = [];
  private readonly exited: Promise<void>;

  /** `onMessage` sees every message no wait took. */
  constructor(script: string, onMessage: (message: From) => void = () => undefined) {
    this.child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    this.child.on('message', (message: From) => {
      const index = this.waiters.findIndex((accept) => accept(message));
      if (index >= 0) this.waiters.splice(index, 1);
      else onMessage(message);
    });
  }

  /** Resolves with the next message `match` accepts, or rejects after `timeoutMs`, on `failed` or on exit. */
  next<T extends From>(match: (m: From) => m is T, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child process: nothing in ${timeoutMs} ms`)), timeoutMs);
      void this.exited.then(() => reject(new Error('child process exited')));
      this.waiters.push((message) => {
        if (message.type === 'failed') {
          clearTimeout(timer);
          reject(new Error(`child process: ${JSON.stringify(message)}`));
          return true;
        }
        if (!match(message)) return false;
        clearTimeout(timer);
        resolve(message);
        return true;
      });
    });
  }

  /** Sends `message` to the child. */
  send(message: To): void {
    this.child.send(message as object);
  }

  /** Sends `closing` (when still running) and waits for the exit, killing the child if it lingers. */
  async close(closing: To): Promise<void> {
    if (this.child.exitCode === null) this.send(closing);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), EXIT_WAIT_MS);
    await this.exited;
    clearTimeout(timer);
  }
}
