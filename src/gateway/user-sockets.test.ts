import { describe, expect, it } from 'vitest';
import { UserSockets } from './user-sockets';

const socket = (name: string) => ({ name });
const names = (users: UserSockets<{ name: string }>, userId: string): string[] => {
  const seen: string[] = [];
  users.forEach(userId, (ws) => seen.push(ws.name));
  return seen;
};

describe('UserSockets', () => {
  it('keeps each socket of a user once, and forgets the user with the last one', () => {
    const users = new UserSockets<{ name: string }>();
    const a = socket('a');
    const b = socket('b');
    const c = socket('c');
    users.add('alice', a);
    users.add('alice', a);
    expect(names(users, 'alice')).toEqual(['a']);
    users.add('alice', b);
    users.add('alice', c);
    users.add('alice', b);
    expect(names(users, 'alice')).toEqual(['a', 'b', 'c']);
    users.remove('alice', b);
    expect(names(users, 'alice')).toEqual(['a', 'c']);
    users.remove('alice', a);
    expect(users.count('alice')).toBe(1);
    users.remove('alice', a);
    expect(names(users, 'alice')).toEqual(['c']);
    users.remove('alice', c);
    expect(users.count('alice')).toBe(0);
    expect(users.users).toBe(0);
  });

  it('never mixes users, and removing a socket that is not there changes nothing', () => {
    const users = new UserSockets<{ name: string }>();
    const a = socket('a');
    const b = socket('b');
    users.add('alice', a);
    users.add('bob', b);
    users.remove('alice', b);
    users.remove('carol', a);
    expect(names(users, 'alice')).toEqual(['a']);
    expect(names(users, 'bob')).toEqual(['b']);
    expect(names(users, 'carol')).toEqual([]);
    expect(users.users).toBe(2);
  });

  it('visits every socket even when the visit removes one', () => {
    const users = new UserSockets<{ name: string }>();
    const sockets = ['a', 'b', 'c'].map(socket);
    for (const ws of sockets) users.add('alice', ws);
    const seen: string[] = [];
    users.forEach('alice', (ws) => {
      seen.push(ws.name);
      users.remove('alice', ws);
    });
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(users.count('alice')).toBe(0);
  });
});
