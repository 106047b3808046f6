import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { hasDisguisingCharacters } from '../shared/text.js';

/**
 * Reads the environment once into a typed, frozen Config. A bad value stops start-up with a
 * message naming the variable and what it accepts; nothing else in the server reads process.env.
 */
const intIn = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: `a whole number from ${min} to ${max}` })
    .int({ error: `a whole number from ${min} to ${max}` })
    .min(min, { error: `a whole number from ${min} to ${max}` })
    .max(max, { error: `a whole number from ${min} to ${max}` })
    .default(fallback);

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { error: 'true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

const TRUST_PROXY_ACCEPTS =
  "true, false, or a comma-separated list of your proxies' addresses or CIDR ranges (e.g. 10.0.0.0/8,127.0.0.1)";

/** An IPv4/IPv6 address, optionally with a prefix length that fits it (10.0.0.0/8, fd00::/8). */
function isAddressOrRange(value: string): boolean {
  const [address = '', prefix, ...rest] = value.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (version === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY: off, on for every hop, or only for the listed proxies. With a list, the client is
 * the right-most X-Forwarded-For address that is not one of them, so a proxy that appends to the
 * header (rather than replacing it) still cannot be fooled by what the client wrote there.
 */
const trustProxy = z
  .string()
  .default('false')
  .transform((raw, ctx): boolean | string[] => {
    const value = raw.trim();
    if (['true', '1'].includes(value)) return true;
    if (['false', '0', ''].includes(value)) return false;
    const list = value.split(',').map((part) => part.trim());
    if (list.every(isAddressOrRange)) return list;
    ctx.addIssue({ code: 'custom', message: TRUST_PROXY_ACCEPTS });
    return z.NEVER;
  });

const envSchema = z.object({
  PORT: intIn(0, 65535, 8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z
    .url({ error: 'an absolute http(s) URL such as https://auth.example.com' })
    .refine((v) => /^https?:\/\//.test(v), {
      error: 'an absolute http(s) URL such as https://auth.example.com',
    })
    .optional(),
  DATABASE_URL: z.string().min(1).default('./data/gatehouse.sqlite'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  ORGANIZATION_NAME: z
    .string()
    .refine((v) => !hasDisguisingCharacters(v), {
      error: 'a name without bidirectional overrides or zero-width characters',
    })
    .trim()
    .min(1)
    .max(200)
    .default('Gatehouse'),
  PASSWORD_MIN_LENGTH: intIn(8, 256, 15),
  SESSION_IDLE_MINUTES: intIn(1, 24 * 60, 30),
  SESSION_ABSOLUTE_HOURS: intIn(1, 24 * 30, 12),
  TEMP_PASSWORD_HOURS: intIn(1, 24 * 30, 72),
  HASH_CONCURRENCY: intIn(1, 64, availableParallelism()),
  CLOCK_SKEW_LIMIT_SECONDS: intIn(1, 3600, 30),
  /** Testing only: shifts this node's own clock, to prove the database's clock decides (SEC-BF-06). */
  CLOCK_OFFSET_SECONDS_FOR_TESTING: z.coerce
    .number({ error: 'a whole number of seconds from -86400 to 86400 (testing only)' })
    .int({ error: 'a whole number of seconds from -86400 to 86400 (testing only)' })
    .min(-86_400, { error: 'a whole number of seconds from -86400 to 86400 (testing only)' })
    .max(86_400, { error: 'a whole number of seconds from -86400 to 86400 (testing only)' })
    .default(0),
  TRUST_PROXY: trustProxy,
  IPV6_RATE_LIMIT_PREFIX: intIn(32, 128, 64),
  DEFAULT_LOCALE: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, { error: 'a language code such as en or fr' })
    .default('en'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/.+/, {
      error: 'an SMTP URL such as smtp://user:pass@mail.example.com:587 or smtps://…:465',
    })
    .optional(),
  MAIL_FROM: z.string().min(3).max(320).default('Gatehouse <no-reply@localhost>'),
  SMTP_REQUIRE_TLS: bool(false),
  SMTP_TLS_REJECT_UNAUTHORIZED: bool(true),
  METRICS_TOKEN: z.string().min(16, { error: 'at least 16 characters' }).max(256).optional(),
});

export type DatabaseTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string;
  readonly publicOrigin: string;
  readonly database: DatabaseTarget;
  readonly logLevel: string;
  readonly organizationName: string;
  readonly password: { readonly minLength: number; readonly maxLength: number };
  readonly session: { readonly idleMs: number; readonly absoluteMs: number };
  readonly temporaryPasswordMs: number;
  readonly hashConcurrency: number;
  /**
   * The node's clock against the database's (SEC-BF-06): /readyz answers 503 past `skewLimitMs`,
   * a warning is logged from `skewWarnMs`. `testOffsetMs` shifts the node's clock (tests only).
   */
  readonly clock: {
    readonly skewLimitMs: number;
    readonly skewWarnMs: number;
    readonly testOffsetMs: number;
  };
  /** false, true (every hop), or the trusted proxies' addresses and CIDR ranges. */
  readonly trustProxy: boolean | readonly string[];
  /** Per-IP limits key an IPv6 client on this many leading bits (a /64: one subscriber's network). */
  readonly ipv6RateLimitPrefix: number;
  readonly defaultLocale: string;
  /** Bearer token for /metrics; unset turns the endpoint off. */
  readonly metricsToken: string | undefined;
  /** Without SMTP_URL, mail is written to the log (zero-setup mode). */
  readonly mail: {
    readonly transport: 'smtp' | 'log';
    readonly smtpUrl: string | undefined;
    readonly from: string;
    readonly requireTls: boolean;
    readonly rejectUnauthorized: boolean;
  };
  /** Cookies are Secure and `__Host-` prefixed whenever the browser treats the origin as secure. */
  readonly secureCookies: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseDatabaseUrl(value: string): DatabaseTarget {
  if (/^postgres(ql)?:\/\//.test(value)) return { kind: 'postgres', url: value };
  const path = value.replace(/^sqlite:(\/\/)?/, '');
  return { kind: 'sqlite', path };
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const given = env[name];
      return `${name}=${given === undefined ? '(unset)' : JSON.stringify(given)}: expected ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const url = new URL(publicUrl);
  const isLocalhost = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    publicOrigin: url.origin,
    database: parseDatabaseUrl(e.DATABASE_URL),
    logLevel: e.LOG_LEVEL,
    organizationName: e.ORGANIZATION_NAME,
    password: Object.freeze({ minLength: e.PASSWORD_MIN_LENGTH, maxLength: 256 }),
    session: Object.freeze({
      idleMs: e.SESSION_IDLE_MINUTES * 60_000,
      absoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000,
    }),
    temporaryPasswordMs: e.TEMP_PASSWORD_HOURS * 3_600_000,
    hashConcurrency: e.HASH_CONCURRENCY,
    clock: Object.freeze({
      skewLimitMs: e.CLOCK_SKEW_LIMIT_SECONDS * 1000,
      // A few seconds of drift is worth an operator's look long before it matters (TOTP steps are 30 s).
      skewWarnMs: Math.min(5_000, e.CLOCK_SKEW_LIMIT_SECONDS * 1000),
      testOffsetMs: e.CLOCK_OFFSET_SECONDS_FOR_TESTING * 1000,
    }),
    trustProxy: typeof e.TRUST_PROXY === 'boolean' ? e.TRUST_PROXY : Object.freeze(e.TRUST_PROXY),
    ipv6RateLimitPrefix: e.IPV6_RATE_LIMIT_PREFIX,
    defaultLocale: e.DEFAULT_LOCALE,
    metricsToken: e.METRICS_TOKEN,
    mail: Object.freeze({
      transport: e.SMTP_URL ? ('smtp' as const) : ('log' as const),
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM,
      requireTls: e.SMTP_REQUIRE_TLS,
      rejectUnauthorized: e.SMTP_TLS_REJECT_UNAUTHORIZED,
    }),
    secureCookies: url.protocol === 'https:' || isLocalhost,
  });
}
