// Who is calling: HS256 JWTs with `sub`, `role` and `exp` (docs/protocol.md "Auth"). Tokens are verified
// synchronously (an HMAC is microseconds): the WebSocket upgrade must complete inside uWS's own upgrade
// callback, never after an await (ws-upgrade.ts says why).
import { SignJWT } from 'jose';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The roles of docs/protocol.md, plus `guest` for a connection without a token. */
export type Role = 'guest' | 'customer' | 'staff' | 'admin';

/** An authenticated caller. */
export interface Identity {
  userId: string;
  role: Exclude<Role, 'guest'>;
  /** When the token stops being valid (epoch ms); a session based on it ends then. */
  expiresAt?: number;
}

const RANK: Record<Role, number> = { guest: 0, customer: 1, staff: 2, admin: 3 };
const ROLES = new Set(['customer', 'staff', 'admin']);
/** Longest accepted user id: ids become Redis keys and log fields. */
const MAX_SUB_LENGTH = 128;
/** Longer tokens are refused unread (a real one is a few hundred bytes). */
const MAX_TOKEN_LENGTH = 8192;

/** One base64url segment of a compact JWT (no padding). */
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** A segment decoded as a JSON object, or null. */
function jsonSegment(segment: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A NumericDate claim: absent, or a finite number (RFC 7519 section 2). */
function numericDate(value: unknown): boolean {
  return value === undefined || (typeof value === 'number' && Number.isFinite(value));
}

/** Whether `role` may do what `needed` may (admins ⊃ staff ⊃ customers ⊃ guests). */
export function hasRole(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

/** Signs and verifies tokens with one shared secret. */
export class Auth {
  private readonly key: Uint8Array;

  private constructor(
    secret: string,
    /** True when the secret was made up at start (dev mode). */
    readonly devMode: boolean,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  /**
   * Auth with AUTH_SECRET, or dev mode with a random secret when there is none (`devSecret`: the one a
   * node's gateway edges share with it).
   */
  static create(secret: string | undefined, devSecret: string = randomBytes(32).toString('hex')): Auth {
    return secret ? new Auth(secret, false) : new Auth(devSecret, true);
  }

  /** The identity in a valid token, or null (bad signature, alg, expiry, claims). */
  verify(token: string): Promise<Identity | null> {
    return Promise.resolve(this.verifyNow(token));
  }

  /**
   * `verify`, synchronously: a compact HS256 JWT whose signature matches, with no `crit` header, `exp`
   * in the future, `nbf` (if any) not in the future, and a `sub` and a known `role`; else null.
   */
  verifyNow(token: string, now: number = Date.now()): Identity | null {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return null;
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every((part) => SEGMENT.test(part))) return null;
    const [header, body, signature] = parts;
    const expected = Buffer.from(createHmac('sha256', this.key).update(`${header}.${body}`).digest('base64url'));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const head = jsonSegment(header);
    if (!head || head.alg !== 'HS256' || head.crit !== undefined) return null;
    const claims = jsonSegment(body);
    if (!claims || !numericDate(claims.nbf) || !numericDate(claims.iat) || typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) return null;
    const seconds = Math.floor(now / 1000);
    if (claims.exp <= seconds || (typeof claims.nbf === 'number' && claims.nbf > seconds)) return null;
    const { sub, role, exp } = claims;
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > MAX_SUB_LENGTH) return null;
    if (typeof role !== 'string' || !ROLES.has(role)) return null;
    return { userId: sub, role: role as Identity['role'], expiresAt: exp * 1000 };
  }

  /** A token for `identity`, valid for `ttlSeconds`. */
  sign(identity: Identity, ttlSeconds = 24 * 3600): Promise<string> {
    return new SignJWT({ role: identity.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(identity.userId)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
      .sign(this.key);
  }
}
