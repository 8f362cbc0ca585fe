// The wire protocol of Aisle (CONTRACT.md): error codes, message types and schemas, validation, codecs.
// Shared by the server and the browser SDK: imports nothing from src/ and nothing Node-only.
export * from './error-codes';
export * from './limits';
export * from './fields';
export * from './client-messages';
export * from './server-messages';
export * from './http-bodies';
export * from './validate';
export * from './codec';
export { fieldPath, quote } from './schema-errors';
