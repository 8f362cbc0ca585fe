// Tokens an attacker would try, each of which the server must refuse: unsigned (`alg: none`), signed
// with another key or algorithm, expired, with a role that does not exist, or with claims changed
// after signing.
import { SignJWT } from 'jose';
import { TEST_SECRET } from './fixtures';

const key = (secret: string): Uint8Array => new TextEncoder().encode(secret);
const b64 = (value: object | string): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const now = (): number => Math.floor(Date.now() / 1000);

/** A token signed with TEST_SECRET carrying exactly `claims` (no defaults added). */
export function signedWith(claims: Record<string, unknown>, options: { secret?: string; alg?: 'HS256' | 'HS384' | 'HS512' } = {}): Promise<string> {
  const alg = options.alg ?? 'HS256';
  return new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(key(options.secret ?? TEST_SECRET));
}

/** Each refused token with the reason it must be refused, for `userId`. */
export async function namedBrokenTokens(userId: string): Promise<{ name: string; token: string }[]> {
  const exp = now() + 3600;
  const good = await signedWith({ sub: userId, role: 'customer', exp });
  const [header, , signature] = good.split('.');
  return [
    { name: 'alg none, no signature', token: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: userId, role: 'admin', exp })}.` },
    { name: 'alg None with the good signature', token: `${b64({ alg: 'None', typ: 'JWT' })}.${b64({ sub: userId, role: 'admin', exp })}.${signature}` },
    { name: 'signed with another key', token: await signedWith({ sub: userId, role: 'admin', exp }, { secret: 'not-the-secret' }) },
    { name: 'HS512 with the right key', token: await signedWith({ sub: userId, role: 'admin', exp }, { alg: 'HS512' }) },
    { name: 'expired', token: await signedWith({ sub: userId, role: 'customer', exp: now() - 60 }) },
    { name: 'no exp', token: await signedWith({ sub: userId, role: 'customer' }) },
    { name: 'no sub', token: await signedWith({ role: 'customer', exp }) },
    { name: 'empty sub', token: await signedWith({ sub: '', role: 'customer', exp }) },
    { name: 'sub of 129 characters', token: await signedWith({ sub: 'u'.repeat(129), role: 'customer', exp }) },
    { name: 'role superadmin', token: await signedWith({ sub: userId, role: 'superadmin', exp }) },
    { name: 'role guest', token: await signedWith({ sub: userId, role: 'guest', exp }) },
    { name: 'no role', token: await signedWith({ sub: userId, exp }) },
    { name: 'role as an array', token: await signedWith({ sub: userId, role: ['admin'], exp }) },
    { name: 'role raised after signing', token: `${header}.${b64({ sub: userId, role: 'admin', exp })}.${signature}` },
    { name: 'sub changed after signing', token: `${header}.${b64({ sub: 'someone-else', role: 'customer', exp })}.${signature}` },
    { name: 'signature cut', token: good.slice(0, -3) },
    { name: 'not before in an hour', token: await signedWith({ sub: userId, role: 'customer', exp, nbf: now() + 3600 }) },
    { name: 'not a JWT', token: 'hello' },
    { name: 'five parts', token: `${good}.${signature}` },
    { name: 'header not JSON', token: `${b64('not json')}.${b64({ sub: userId, role: 'admin', exp })}.${signature}` },
  ];
}

/** Just the tokens of namedBrokenTokens. */
export async function brokenTokens(userId: string): Promise<string[]> {
  return (await namedBrokenTokens(userId)).map((t) => t.token);
}
