// GET /metrics, protected as kube-apiserver protects it: the non-resource URL needs `get`
// permission (bootstrap ClusterRole system:monitoring, bound to group system:monitoring;
// cluster-admin has it too). A path listed in `alwaysAllowPaths` (kube-controller-manager's
// --authorization-always-allow-paths) is served to anyone, token or not: for a local
// Prometheus without credentials.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../../apimachinery/errors.ts';
import { metricsRegistry } from '../../observability/index.ts';
import { forbiddenMessage, type Attributes, type Decision } from '../authz/index.ts';
import type { Authenticator, UserInfo } from '../authn/index.ts';

export interface MetricsEndpointOptions {
  authenticator: Authenticator | undefined;
  /** undefined: authorization is off (everyone may). */
  authorize: ((attrs: Attributes) => Decision) | undefined;
  /** Resolves the caller or throws UNAUTHENTICATED (anonymous callers included). */
  identify: (req: IncomingMessage) => Promise<UserInfo>;
  alwaysAllowPaths: readonly string[];
}

export const METRICS_PATH = '/metrics';

export async function serveMetrics(req: IncomingMessage, res: ServerResponse, o: MetricsEndpointOptions): Promise<void> {
  if (!o.alwaysAllowPaths.includes(METRICS_PATH)) {
    let user: UserInfo;
    try {
      user = await o.identify(req);
    } catch (err) {
      if (err instanceof ApiError) return text(res, 401, 'Unauthorized');
      throw err;
    }
    const attrs: Attributes = { user, verb: 'get', apiGroup: '', resource: '', path: METRICS_PATH };
    if (o.authorize && !o.authorize(attrs).allowed) return text(res, 403, forbiddenMessage(attrs));
  }
  const registry = metricsRegistry();
  const body = await registry.metrics();
  res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
