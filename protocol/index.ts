// The wire protocol of Aisle (docs/protocol.md): error codes, message and webhook types, schemas, validation, codecs.
// Shared by the server and the browser SDK: imports nothing from src/ and nothing Node-only.
export * from './error-codes';
export * from './limits';
export * from './fields';
export * from './client-messages';
export * from './server-messages';
export * from './http-bodies';
export * from './http-replies';
export * from './validate';
export * from './codec';
export { fieldPath, quote } from './schema-errors';
export * from './base64';
export * from './packed-status';
export * from './packed-snapshot';
export * from './staff-bodies';
export * from './map-body';
export * from './webhooks';
export * from './queue-messages';
export * from './staff-replies';
export * from './ticket-replies';
