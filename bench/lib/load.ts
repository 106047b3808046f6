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
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
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
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        duration: spec.duration,
        requests: [request],
        timeout: 30,
        ...(spec.rate ? { overallRate: spec.rate } : {}),
      },
      (error, result) => {
        if (error) return reject(error);
        const seconds = (performance.now() - started) / 1000;
        latencies.sort((a, b) => a - b);
        const requests = latencies.length;
        resolve({
          rps: ok / seconds,
          requests,
          ok,
          failed: requests - ok + result.errors + result.timeouts,
          statuses,
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
          seconds,
        });
      },
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      latencies.push(ms);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status >= 200 && status < 300) ok += 1;
    });
  });
}
