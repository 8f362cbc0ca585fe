// Loads one Lua script of ./lua and runs it through ioredis defineCommand (EVALSHA, falling back to
// EVAL when Redis does not know the script yet, e.g. after a restart).
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/** What a script takes after its keys. */
export type ScriptArg = string | number | Buffer;

type DefinedCommand = (numberOfKeys: number, ...keysAndArgs: ScriptArg[]) => Promise<unknown>;

/** One Lua script file, defined on each connection the first time it runs there. */
export class LuaScript {
  private readonly lua: string;
  private readonly command: string;

  /** `file` is a name in src/cluster/lua, e.g. 'lease-acquire.lua'. */
  constructor(file: string) {
    this.lua = readFileSync(new URL(`./lua/${file}`, import.meta.url), 'utf8');
    // ioredis adds `name` and `nameBuffer` methods; the prefix keeps clear of real Redis command names.
    this.command = `aisle_${file.replace(/\.lua$/, '').replace(/-/g, '_')}`;
  }

  /** Runs the script; bulk replies come back as strings. */
  run(redis: Redis, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
    return this.defined(redis, this.command)(keys.length, ...keys, ...args);
  }

  /** Runs the script; bulk replies come back as Buffers (for binary payloads). */
  runBuffer(redis: Redis, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
    return this.defined(redis, `${this.command}Buffer`)(keys.length, ...keys, ...args);
  }

  private defined(redis: Redis, method: string): DefinedCommand {
    const commands = redis as unknown as Record<string, DefinedCommand | undefined>;
    // No numberOfKeys: the count is passed first on each call, so one script takes any number of keys.
    if (typeof commands[this.command] !== 'function') redis.defineCommand(this.command, { lua: this.lua });
    return (commands[method] as DefinedCommand).bind(redis);
  }
}
