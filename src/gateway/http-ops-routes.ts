// Operational routes: liveness, readiness (with the ring members a node sees), Prometheus metrics,
// and in dev mode the token route.
import type { Identity } from './auth';
import { HttpError } from './http';
import type { Routes } from './http-routes';
import { json } from './http-routes';

/** Registers /healthz, /readyz, /metrics and (dev mode) /api/dev/token. */
export function registerOpsRoutes({ deps, get }: Routes): void {
  get('/healthz', () => json(200, { ok: true }));
  get('/readyz', async () => {
    const state = await deps.readiness();
    return json(state.ready ? 200 : 503, state);
  });
  get('/metrics', async () => ({
    status: 200,
    body: await deps.metrics.registry.metrics(),
    headers: { 'content-type': deps.metrics.registry.contentType },
  }));

  const { auth } = deps;
  if (auth.devMode) {
    get('/api/dev/token', async (request) => {
      const role = request.query.get('role') ?? 'customer';
      const sub = request.query.get('sub') ?? 'alice';
      if (!['customer', 'staff', 'admin'].includes(role)) {
        throw new HttpError('bad_request', 'role must be customer, staff or admin');
      }
      if (sub.length === 0 || sub.length > 128) throw new HttpError('bad_request', 'sub must be 1 to 128 characters');
      return json(200, { token: await auth.sign({ userId: sub, role: role as Identity['role'] }) });
    });
  }
}
