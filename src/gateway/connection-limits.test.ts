// Connection caps per address and per user, and which address a connection is counted under.
import { describe, expect, it } from 'vitest';
import { ConnectionLimits, clientAddress } from './connection-limits';

describe('ConnectionLimits', () => {
  it('refuses an address at its cap until one of its connections closes', () => {
    const limits = new ConnectionLimits({ perIp: 2, perUser: 0 });
    expect(limits.open('1.1.1.1', null)).toBeNull();
    expect(limits.open('1.1.1.1', 'a')).toBeNull();
    expect(limits.open('1.1.1.1', 'b')).toBe('ip');
    expect(limits.open('2.2.2.2', null)).toBeNull();
    limits.close('1.1.1.1', 'a');
    expect(limits.open('1.1.1.1', 'b')).toBeNull();
  });

  it('refuses a user at its cap from any address, and counts nothing it refused', () => {
    const limits = new ConnectionLimits({ perIp: 0, perUser: 2 });
    expect(limits.open('1.1.1.1', 'alice')).toBeNull();
    expect(limits.open('2.2.2.2', 'alice')).toBeNull();
    expect(limits.open('3.3.3.3', 'alice')).toBe('user');
    expect(limits.count({ ip: '3.3.3.3' })).toBe(0);
    expect(limits.open('3.3.3.3', null)).toBeNull();
    expect(limits.switchUser(null, 'alice')).toBe(false);
    expect(limits.switchUser(null, 'bob')).toBe(true);
    expect(limits.count({ userId: 'bob' })).toBe(1);
    limits.close('1.1.1.1', 'alice');
    expect(limits.switchUser('bob', 'alice')).toBe(true);
    expect(limits.count({ userId: 'bob' })).toBe(0);
    expect(limits.count({ userId: 'alice' })).toBe(2);
  });

  it('forgets addresses and users with no connections left', () => {
    const limits = new ConnectionLimits({ perIp: 1, perUser: 1 });
    for (let i = 0; i < 1000; i++) {
      expect(limits.open(`10.0.${i >> 8}.${i & 255}`, `u${i}`)).toBeNull();
      limits.close(`10.0.${i >> 8}.${i & 255}`, `u${i}`);
    }
    expect(limits.count({ ip: '10.0.0.1' })).toBe(0);
  });
});

describe('clientAddress', () => {
  it('uses the peer unless a trusted proxy appended the client to X-Forwarded-For', () => {
    expect(clientAddress('10.0.0.9', '6.6.6.6, 7.7.7.7', false)).toBe('10.0.0.9');
    expect(clientAddress('10.0.0.9', '6.6.6.6, 7.7.7.7', true)).toBe('7.7.7.7');
    expect(clientAddress('10.0.0.9', '', true)).toBe('10.0.0.9');
    expect(clientAddress('10.0.0.9', 'spoofed,', true)).toBe('10.0.0.9');
  });
});
