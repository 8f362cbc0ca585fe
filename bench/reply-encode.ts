// `npx tsx bench/reply-encode.ts`: what encoding one reply costs the server, the way WsReplies does it
// (`encodeToSend`: protocol/msgpack-writer.ts into a reused buffer, no copy) against `encode` (the
// general encoder and a fresh copy per frame, what it did before) in the same run, for the two replies
// of the hold+release loop. Prints ns per
// reply (median of 5 rounds of 1,000,000) and the ratio. CPU only, no sockets: the send is not included.
import { msgpackCodec } from '../protocol';
import { round } from './stats';

const REPLIES = {
  held: { type: 'held', eventId: 'bench-hot-1', holdId: 'h_8fJ2kQx0aZ', seats: ['s-12-34'], areas: {}, expiresAt: 1_796_529_999_123, rid: 123_456 },
  released: { type: 'released', eventId: 'bench-hot-1', holdId: 'h_8fJ2kQx0aZ', seats: ['s-12-34'], areas: {}, rid: 123_457 },
};
const PER_ROUND = 1_000_000;
const ROUNDS = 5;

function nsPerCall(fn: () => unknown): number {
  for (let i = 0; i < 100_000; i++) fn(); // warm-up: let the JIT settle first
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < PER_ROUND; i++) fn();
    rounds.push(Number(process.hrtime.bigint() - started) / PER_ROUND);
  }
  return rounds.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
}

process.stdout.write('| reply | encode (general encoder, copy), ns | encodeToSend (reply writer, view), ns | ratio |\n|---|---|---|---|\n');
for (const [name, reply] of Object.entries(REPLIES)) {
  const copy = nsPerCall(() => msgpackCodec.encode(reply));
  const view = nsPerCall(() => msgpackCodec.encodeToSend(reply));
  process.stdout.write(`| ${name} | ${round(copy, 0)} | ${round(view, 0)} | ${round(view / copy)} |\n`);
}
