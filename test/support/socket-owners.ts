// Which process holds the server side of each TCP connection, read from /proc (Linux): lets a test
// know which of a node's processes serves which client, without asking the server.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The child processes of `pid` (as /proc lists them for its main thread) whose command line contains `command`. */
export function childPids(pid: number, command = ''): number[] {
  let children: number[];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
  return children.filter((child) => {
    try {
      return readFileSync(`/proc/${child}/cmdline`, 'utf8').includes(command);
    } catch {
      return false;
    }
  });
}

/** The gateway edge processes of the Aisle node `pid` (not, say, the esbuild service that built its pages). */
export function edgePids(pid: number): number[] {
  return childPids(pid, 'edge-main');
}

/** Socket inodes open in `pid`. */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

/** For connections accepted on `serverPort` by one of `pids`: client port → pid. */
export function connectionOwners(serverPort: number, pids: number[]): Map<number, number> {
  const byInode = new Map<string, number>();
  for (const pid of pids) for (const inode of socketInodes(pid)) byInode.set(inode, pid);
  const owners = new Map<number, number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[] = [];
    try {
      lines = readFileSync(table, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const localPort = parseInt(fields[1].split(':')[1], 16);
      const remotePort = parseInt(fields[2].split(':')[1], 16);
      const pid = byInode.get(fields[9]);
      if (localPort === serverPort && pid !== undefined) owners.set(remotePort, pid);
    }
  }
  return owners;
}
