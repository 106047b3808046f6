import { createRequire } from 'node:module';

/**
 * The one load generator of every figure: autocannon 8, through its programmatic API. Latencies are
 * taken from each response as autocannon measures it (a float in ms, from request written to
 * response read) and kept whole, so p50 and p99 are exact rather than histogram buckets.
 */

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
  onResponse?: (
    status: number,
    body: string,
    context: Record<string, unknown>,
    headers: Record<string, string | string[]>,
  ) => void;
}

interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  requests?: AutocannonRequest[];
  overallRate?: number;
  timeout?: number;
}

interface AutocannonResult {
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
}

interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  stop(): void;
}

type Autocannon = (
  options: AutocannonOptions,
  done: (error: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface LoadSpec {
  url: string;
  connections: number;
  /** Seconds. */
  duration: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** A new body for each request (e.g. another user to sign in). */
  nextBody?: () => string;
  /** Requests per second over all connections (latency under a fixed rate), or unlimited. */
  rate?: number;
  /**
   * Instead of one request: a sequence each connection sends in turn (e.g. a sign-in, then its second
   * step with the session it got), sharing a context that starts empty at every round. `ok` then
   * counts the rounds whose last request answered 2xx.
   */
  sequence?: SequenceStep[];
  /** Every latency of the measured run is also pushed here (to pool several slices' p99). */
  keepLatencies?: number[];
}

export interface SequenceStep {
  path: string;
  method: 'GET' | 'POST';
  /** The body and any headers of this request, from what the earlier steps of the round kept. */
  setup(context: Record<string, unknown>): { body?: string; headers?: Record<string, string> };
  /** Keeps what a later step needs (a cookie) from this answer. */
  onResponse?(
    status: number,
    headers: Record<string, string | string[]>,
    context: Record<string, unknown>,
  ): void;
}

export interface LoadResult {
  /** Successful (2xx) responses per second. */
  rps: number;
  requests: number;
  ok: number;
  /** Non-2xx answers, socket errors and timeouts. */
  failed: number;
  statuses: Record<string, number>;
  p50: number;
  p99: number;
  seconds: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function load(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let ok = 0;
  const request: AutocannonRequest = {
    method: spec.method ?? 'GET',
    ...(spec.headers ? { headers: spec.headers } : {}),
    ...(spec.body !== undefined ? { body: spec.body } : {}),
  };
  if (spec.nextBody) {
    const next = spec.nextBody;
    request.setupRequest = (r) => ({ ...r, body: next() });
  }
  const sequence = spec.sequence?.map((step): AutocannonRequest => ({
    method: step.method,
    path: step.path,
    setupRequest: (r, context) => {
      const { body, headers } = step.setup(context);
      return {
        ...r,
        ...(body !== undefined ? { body } : {}),
        headers: { ...spec.headers, ...headers },
      };
    },
    onResponse: (status, _body, context, headers) => step.onResponse?.(status, headers, context),
  }));
  const last = sequence ? sequence.length - 1 : 0;
  let non2xx = 0;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        duration: spec.duration,
        requests: sequence ?? [request],
        timeout: 30,
        ...(spec.rate ? { overallRate: spec.rate } : {}),
      },
      (error, result) => {
        if (error) return reject(error);
        const seconds = (performance.now() - started) / 1000;
        spec.keepLatencies?.push(...latencies);
        latencies.sort((a, b) => a - b);
        const requests = latencies.length;
        resolve({
          rps: ok / seconds,
          requests,
          ok,
          failed: non2xx + result.errors + result.timeouts,
          statuses,
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
          seconds,
        });
      },
    );
    // autocannon sends a connection's requests in order, so the n-th answer overall need not be the
    // n-th step; each connection's own count says which step answered.
    const stepOf = new Map<unknown, number>();
    instance.on('response', (client, status, _bytes, ms) => {
      latencies.push(ms);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status < 200 || status >= 300) non2xx += 1;
      const step = stepOf.get(client) ?? 0;
      stepOf.set(client, (step + 1) % (last + 1));
      if (step === last && status >= 200 && status < 300) ok += 1;
    });
  });
}
