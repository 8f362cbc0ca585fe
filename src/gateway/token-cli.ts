// `npm run token -- --role staff --sub bob`: prints a token signed with AUTH_SECRET.
import { parseArgs } from 'node:util';
import { Auth } from './auth';
import type { Identity } from './auth';

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'customer' },
    sub: { type: 'string', default: 'alice' },
    ttl: { type: 'string', default: '86400' },
  },
});
const secret = process.env.AUTH_SECRET;
if (!secret) {
  console.error('AUTH_SECRET is not set; in dev mode ask the server: GET /api/dev/token?role=customer&sub=alice');
  process.exit(1);
}
if (!['customer', 'staff', 'admin'].includes(values.role ?? '')) {
  console.error('--role must be customer, staff or admin');
  process.exit(1);
}
const token = await Auth.create(secret).sign(
  { userId: values.sub ?? 'alice', role: values.role as Identity['role'] },
  Number(values.ttl),
);
console.log(token);
