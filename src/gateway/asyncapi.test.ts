// The AsyncAPI document of /ws: valid for a maintained AsyncAPI parser, and naming every client request
// and every server message protocol/ defines.
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { CLIENT_MESSAGE_TYPES, SERVER_MESSAGE_SCHEMAS } from '../../protocol';
import { asyncApiDocument } from './asyncapi';

const document = asyncApiDocument('1.1');

/** The `type` each message of the document carries, by direction. */
function typesOf(direction: 'client' | 'server'): Set<string> {
  const messages = (document.components as { messages: Record<string, { payload: { properties: { type: { const: string } } } }> }).messages;
  return new Set(
    Object.entries(messages)
      .filter(([id]) => id.startsWith(`${direction}.`))
      .map(([, message]) => message.payload.properties.type.const),
  );
}

describe('AsyncAPI document', () => {
  it('is valid AsyncAPI 3 without errors or warnings', async () => {
    const { document: parsed, diagnostics } = await new Parser().parse(JSON.stringify(document));
    expect(diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(parsed?.version()).toBe('3.0.0');
  });

  it('names every client request type the validator dispatches on', () => {
    expect([...typesOf('client')].sort()).toEqual([...CLIENT_MESSAGE_TYPES].sort());
  });

  it('names every server message type', () => {
    const declared = new Set(Object.values(SERVER_MESSAGE_SCHEMAS).map((s) => (s.properties.type as { const: string }).const));
    expect(typesOf('server')).toEqual(declared);
    expect(declared.size).toBeGreaterThanOrEqual(17);
  });

  it('carries no TypeBox-only keyword or kind', () => {
    const text = JSON.stringify(document);
    expect(text).not.toMatch(/"(errorMessage|patternMessage|keyMessage|formatMessage)"|"Uint8Array"|aisle-date-time/);
  });
});
