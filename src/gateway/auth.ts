// Who is calling: HS256 JWTs with `sub`, `role` and `exp` (CONTRACT.md "Auth").
import { SignJWT, jwtVerify } from 'jose';
import { randomBytes } from 'node:crypto';

/** The roles of CONTRACT.md, plus `guest` for a connection without a token. */
export type Role = 'guest' | 'customer' | 'staff' | 'admin';

/** An authenticated caller. */
export interface Identity {
  userId: string;
  role: Exclude<Role, 'guest'>;
}

const RANK: Record<Role, number> = { guest: 0, customer: 1, staff: 2, admin: 3 };
const ROLES = new Set(['customer', 'staff', 'admin']);
/** Longest accepted user id: ids become Redis keys and log fields. */
const MAX_SUB_LENGTH = 128;

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

  /** Auth with AUTH_SECRET, or dev mode with a random secret when there is none. */
  static create(secret: string | undefined): Auth {
    return secret ? new Auth(secret, false) : new Auth(randomBytes(32).toString('hex'), true);
  }

  /** The identity in a valid token, or null (bad signature, alg, expiry, claims). */
  async verify(token: string): Promise<Identity | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] });
      const { sub, role } = payload;
      if (typeof sub !== 'string' || sub.length === 0 || sub.length > MAX_SUB_LENGTH) return null;
      if (typeof role !== 'string' || !ROLES.has(role)) return null;
      return { userId: sub, role: role as Identity['role'] };
    } catch {
      return null;
    }
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
