// The AsyncAPI 3 description of `/ws` (served at GET /api/asyncapi.json), generated from the TypeBox
// schemas of protocol/: every client request a `receive` operation of the server, every server message
// a `send` one. Pure: the same schemas give the same document.
import type { TSchema } from '@sinclair/typebox';
import { CLIENT_MESSAGE_SCHEMAS, SERVER_MESSAGE_SCHEMAS } from '../../protocol';
import { jsonSchemaOf, type JsonSchema } from './json-schema';

const DESCRIPTION = [
  'One WebSocket per client at `/ws`. Text frames carry JSON, binary frames MessagePack (replies use the',
  "frame kind of the request). Requests may carry `rid`, echoed on their reply; pushes carry none. A",
  "failed request is answered `error`. See docs/protocol.md, \"WebSocket /ws\".",
].join(' ');

/** The AsyncAPI document of `/ws`; `version` is the contract's version. */
export function asyncApiDocument(version: string): JsonSchema {
  const messages: Record<string, JsonSchema> = {};
  const channelMessages: Record<string, JsonSchema> = {};
  const operations: Record<string, JsonSchema> = {};
  const add = (direction: 'client' | 'server', name: string, schema: TSchema): void => {
    const id = `${direction}.${name}`;
    const type = (schema.properties as Record<string, { const?: string }>).type.const;
    messages[id] = {
      name: type,
      title: `${type} (${direction === 'client' ? 'request' : 'from the server'})`,
      contentType: 'application/json',
      payload: jsonSchemaOf(schema, 'draft-07'),
    };
    channelMessages[id] = { $ref: `#/components/messages/${id}` };
    operations[direction === 'client' ? `receive.${name}` : `send.${name}`] = {
      action: direction === 'client' ? 'receive' : 'send',
      channel: { $ref: '#/channels/ws' },
      messages: [{ $ref: `#/channels/ws/messages/${id}` }],
    };
  };
  for (const [name, schema] of Object.entries(CLIENT_MESSAGE_SCHEMAS)) add('client', name, schema);
  for (const [name, schema] of Object.entries(SERVER_MESSAGE_SCHEMAS)) add('server', name, schema);
  return {
    asyncapi: '3.0.0',
    info: { title: 'Aisle realtime seat reservation: WebSocket', version, description: DESCRIPTION },
    defaultContentType: 'application/json',
    channels: {
      ws: {
        address: '/ws',
        title: 'The WebSocket of a client',
        description: 'Authenticate with `auth` (or a bearer token on the upgrade), subscribe to events, hold and buy.',
        messages: channelMessages,
      },
    },
    operations,
    components: { messages },
  };
}
