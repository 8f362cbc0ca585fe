import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from './webhook-signature';

describe('webhook signature', () => {
  const body = '{"id":"1","type":"order.confirmed","createdAt":"2030-01-01T00:00:00.000Z","data":{}}';

  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    // Reference value: printf '1700000000.x' | openssl dgst -sha256 -hmac s3cret
    expect(signWebhook('s3cret', 'x', 1_700_000_000)).toBe(
      't=1700000000,v1=baf04a5f05e38b2d41451dd9e9fb5724b02b82920f86cd1eedf2ada41c09bf5c',
    );
    expect(signWebhook('s3cret', body, 1_700_000_000)).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
  });

  it('verifies its own signatures and refuses tampering, other secrets and stale times', () => {
    const header = signWebhook('s3cret', body, 1_700_000_000);
    expect(verifyWebhookSignature(header, body, 's3cret', 1_700_000_010)).toBe(true);
    expect(verifyWebhookSignature(header, body.replace('order', 'odder'), 's3cret', 1_700_000_010)).toBe(false);
    expect(verifyWebhookSignature(header, body, 'other', 1_700_000_010)).toBe(false);
    expect(verifyWebhookSignature(header, body, 's3cret', 1_700_001_000)).toBe(false);
    expect(verifyWebhookSignature(undefined, body, 's3cret', 1_700_000_000)).toBe(false);
    expect(verifyWebhookSignature('t=1700000000,v1=zz', body, 's3cret', 1_700_000_000)).toBe(false);
  });
});
