import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseSecretKey } from '../shared/secret-box.js';
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

const DATABASE_URL_ACCEPTS =
  'a SQLite file path (./data/gatehouse.sqlite), a file: URL, or postgres://user:pass@host:5432/db';

/**
 * Anything that starts like a URL scheme (`mysql:`, `sqlite://`) but is not one we speak. Without
 * this check `mysql://…` became a new SQLite file under a directory named `mysql:` (issue 14).
 * A Windows drive letter (`C:\…`) is a path, not a scheme.
 */
function isAcceptedDatabaseUrl(value: string): boolean {
  if (/^postgres(ql)?:\/\//i.test(value) || /^file:/i.test(value)) return true;
  if (/^[a-z]:[\\/]/i.test(value)) return true;
  return !/^[a-z][a-z0-9+.-]*:/i.test(value);
}

/**
 * PUBLIC_URL is an origin: the console, the API and every mailed link live at its root. A path
 * (https://example.com/auth) would need every route and asset rewritten, so it is refused by name.
 */
function isOriginOnly(value: string): boolean {
  try {
    const url = new URL(value);
    return url.pathname.replace(/\/+$/, '') === '' && url.search === '' && url.hash === '' && !url.username;
  } catch {
    return false;
  }
}

/** `smtp://user:p@ss@host`: an `@` in the user name or password must be written %40, or the host is misread. */
function hasUnescapedAt(value: string): boolean {
  const authority = value.replace(/^smtps?:\/\//i, '').split(/[/?#]/)[0] ?? '';
  return authority.split('@').length > 2;
}

const SECRET_KEY_ACCEPTS =
  '32 random bytes as 64 hex digits or 43–44 base64 characters (e.g. the output of `openssl rand -base64 32`)';

function isSecretKey(value: string): boolean {
  try {
    parseSecretKey(value);
    return true;
  } catch {
    return false;
  }
}

/** Exported for the documentation test: README and .env.example list every variable read here. */
export const envSchema = z.object({
  PORT: intIn(0, 65535, 8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z
    .url({ error: 'an absolute http(s) URL such as https://auth.example.com' })
    .refine((v) => /^https?:\/\//.test(v), {
      error: 'an absolute http(s) URL such as https://auth.example.com',
    })
    .refine(isOriginOnly, {
      error:
        'an origin only, such as https://auth.example.com: serving Gatehouse under a path (or with a query) is not supported; give it its own host name',
    })
    .optional(),
  DATABASE_URL: z
    .string()
    .min(1, { error: DATABASE_URL_ACCEPTS })
    .refine(isAcceptedDatabaseUrl, { error: `${DATABASE_URL_ACCEPTS} (no other database is supported)` })
    .default('./data/gatehouse.sqlite'),
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
  // Link lifetimes (SEC-RST-03): the defaults are the requirement's; the ranges keep a link short-lived.
  RESET_LINK_MINUTES: intIn(5, 120, 30),
  ADMIN_RESET_LINK_HOURS: intIn(1, 24 * 7, 24),
  INVITATION_LINK_HOURS: intIn(1, 24 * 30, 72),
  LOGO_URL: z
    .string()
    .max(2048)
    .refine(isHttpsUrl, { error: 'an https:// URL of an image (e.g. https://example.com/logo.png)' })
    .optional(),
  HASH_CONCURRENCY: intIn(1, 64, availableParallelism()),
  CLOCK_SKEW_LIMIT_SECONDS: intIn(1, 3600, 30),
  /** Testing only: shifts this node's own clock, to prove the database's clock decides (SEC-BF-06). */
  CLOCK_OFFSET_SECONDS_FOR_TESTING: z.coerce
    .number({ error: 'a whole number of seconds from -86400 to 86400 (testing only)' })
    .int({ error: 'a whole number of seconds from -86400 to 86400 (testing only)' })
    .min(-86_400, { error: 'a whole number of seconds from -86400 to 86400 (testing only)' })
    .max(86_400, { error: 'a whole number of seconds from -86400 to 86400 (testing only)' })
    .default(0),
  HASH_QUEUE_PER_IP: intIn(1, 10_000, 32),
  HASH_QUEUE_PER_CREDENTIAL: intIn(1, 1_000, 4),
  REQUEST_TIMEOUT_SECONDS: intIn(1, 3600, 30),
  HEADERS_TIMEOUT_SECONDS: intIn(1, 3600, 10),
  IDLE_TIMEOUT_SECONDS: intIn(1, 3600, 60),
  KEEP_ALIVE_TIMEOUT_SECONDS: intIn(1, 3600, 5),
  MAX_CONNECTIONS: intIn(1, 1_000_000, 4096),
  MAX_CONNECTIONS_PER_IP: intIn(0, 1_000_000, 128),
  MAX_IN_FLIGHT_PER_CREDENTIAL: intIn(0, 10_000, 16),
  FLOOD_PAUSE_MS: intIn(0, 10_000, 1000),
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
    .refine((v) => !hasUnescapedAt(v), {
      error:
        'the user name or password to contain no bare "@": write it as %40 (smtp://me%40example.com:pass@host:587)',
    })
    .optional(),
  MAIL_FROM: z.string().min(3).max(320).default('Gatehouse <no-reply@localhost>'),
  SMTP_REQUIRE_TLS: bool(false),
  SMTP_TLS_REJECT_UNAUTHORIZED: bool(true),
  OIDC_LOGOUT_PRIVATE_ADDRESSES: bool(true),
  METRICS_TOKEN: z.string().min(16, { error: 'at least 16 characters' }).max(256).optional(),
  SECRET_KEY: z.string().refine(isSecretKey, { error: SECRET_KEY_ACCEPTS }).optional(),
  SECRET_KEY_PREVIOUS: z
    .string()
    .refine((v) => v.split(',').every((key) => key.trim() === '' || isSecretKey(key)), {
      error: `a comma-separated list of retired keys, each ${SECRET_KEY_ACCEPTS}`,
    })
    .optional(),
});

export interface LinkLifetimes {
  /** Forgot password and the lockout notice's link. */
  readonly selfResetMs: number;
  /** The link an admin sends (Reset password → by link). */
  readonly adminResetMs: number;
  readonly invitationMs: number;
}

/** An absolute https URL without credentials: the logo is fetched by every mail reader and browser. */
export function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.username === '' && url.password === '' && url.hostname !== '';
  } catch {
    return false;
  }
}

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
  /** How long each emailed link works (SEC-RST-03); live settings override them. */
  readonly links: LinkLifetimes;
  /** The organization's logo at the top of HTML mail (https only); undefined: the name alone. */
  readonly logoUrl: string | undefined;
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
  /** The most hashes (queued + running) one client address, or one session or token, may hold (SEC-PS-02). */
  readonly hashShare: { readonly perIp: number; readonly perCredential: number };
  /** Socket limits (SEC-IN-01), in milliseconds; maxConnectionsPerIp 0 turns the per-address cap off. */
  readonly http: {
    readonly requestTimeoutMs: number;
    readonly headersTimeoutMs: number;
    readonly idleTimeoutMs: number;
    readonly keepAliveTimeoutMs: number;
    readonly maxConnections: number;
    readonly maxConnectionsPerIp: number;
    /** Requests one session or API token may have in progress; more → 429 at once (0: no cap). */
    readonly maxInFlightPerCredential: number;
    /** How long a flood's answer waits: a request over that cap, a credential refused again and again. */
    readonly floodPauseMs: number;
  };
  /** false, true (every hop), or the trusted proxies' addresses and CIDR ranges. */
  readonly trustProxy: boolean | readonly string[];
  /** Per-IP limits key an IPv6 client on this many leading bits (a /64: one subscriber's network). */
  readonly ipv6RateLimitPrefix: number;
  readonly defaultLocale: string;
  /**
   * The key that seals secrets stored in the database (SEC-MFA-02), and retired keys that still open.
   * Unset: a SQLite deployment keeps one in a file beside its database (app/secret-keys.ts); PostgreSQL
   * refuses to start, since every node must have the same key.
   */
  readonly secretKey: { readonly current: Uint8Array | undefined; readonly previous: readonly Uint8Array[] };
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
  /**
   * Back-channel logout URIs (registered by admins) may be on private or loopback addresses, where a
   * team's own apps usually run. `false` restores oidc-provider's SSRF guard (public addresses only).
   */
  readonly oidcLogoutPrivateAddresses: boolean;
  /**
   * Which of the instance's identity values the environment set, rather than defaulted. Those win over
   * what another node stored in the database (see withInstanceIdentity); unset ones take the stored value.
   */
  readonly setInEnvironment: {
    readonly publicUrl: boolean;
    readonly organizationName: boolean;
    readonly defaultLocale: boolean;
  };
  /** The environment variables this process was given (set and not empty): Settings says where a value comes from. */
  readonly givenVariables: ReadonlySet<string>;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  /** One line per problem, each naming its variable (`PORT="abc": expected …`). */
  readonly problems: readonly string[];
  constructor(message: string, problems?: readonly string[]) {
    super(message);
    this.problems = problems ?? [message];
  }
}

/** DATABASE_URL (already validated) → the database to open. */
export function parseDatabaseUrl(value: string): DatabaseTarget {
  // The scheme lower-cased (`Postgres://` is accepted); the rest, credentials included, untouched.
  if (/^postgres(ql)?:\/\//i.test(value))
    return { kind: 'postgres', url: value.replace(/^[a-z]+/i, (scheme) => scheme.toLowerCase()) };
  if (/^file:\/\//i.test(value)) return { kind: 'sqlite', path: fileURLToPath(value) };
  return { kind: 'sqlite', path: value.replace(/^file:/i, '') };
}

/** The URL-derived fields of a Config for one public URL (no trailing slash). */
function urlFields(publicUrl: string) {
  const url = new URL(publicUrl);
  const isLocalhost = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return {
    publicUrl,
    publicOrigin: url.origin,
    secureCookies: url.protocol === 'https:' || isLocalhost,
  };
}

/** The instance identity another node stored in the database; each value is used only where the environment left it unset. */
export interface InstanceIdentity {
  readonly publicUrl?: string | undefined;
  readonly organizationName?: string | undefined;
  readonly defaultLocale?: string | undefined;
}

/**
 * The config with the stored instance identity filling what this process's environment did not set,
 * so every node and the CLI build the same links and name the same organization.
 */
export function withInstanceIdentity(config: Config, stored: InstanceIdentity): Config {
  const set = config.setInEnvironment;
  const take = <T>(own: T, isSet: boolean, other: T | undefined): T =>
    isSet || other === undefined ? own : other;
  return Object.freeze({
    ...config,
    ...urlFields(take(config.publicUrl, set.publicUrl, stored.publicUrl)),
    organizationName: take(config.organizationName, set.organizationName, stored.organizationName),
    defaultLocale: take(config.defaultLocale, set.defaultLocale, stored.defaultLocale),
  });
}

/** Variables whose refused value is never echoed: a near-miss key is still most of a key. */
const SECRET_VARIABLES = new Set(['SECRET_KEY', 'SECRET_KEY_PREVIOUS', 'METRICS_TOKEN']);

/** A refused value is echoed to name the problem, but a URL's password never reaches a terminal or log. */
function withoutPassword(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#]*?:)[^/?#]*@/i, '$1***@');
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const given = env[name];
      const shown =
        given === undefined
          ? '(unset)'
          : SECRET_VARIABLES.has(name)
            ? '(a value, not shown)'
            : JSON.stringify(withoutPassword(given));
      return `${name}=${shown}: expected ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`, lines);
  }
  const e = parsed.data;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const given = (name: string) => env[name] !== undefined && env[name] !== '';
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    ...urlFields(publicUrl),
    database: parseDatabaseUrl(e.DATABASE_URL),
    logLevel: e.LOG_LEVEL,
    organizationName: e.ORGANIZATION_NAME,
    password: Object.freeze({ minLength: e.PASSWORD_MIN_LENGTH, maxLength: 256 }),
    session: Object.freeze({
      idleMs: e.SESSION_IDLE_MINUTES * 60_000,
      absoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000,
    }),
    temporaryPasswordMs: e.TEMP_PASSWORD_HOURS * 3_600_000,
    links: Object.freeze({
      selfResetMs: e.RESET_LINK_MINUTES * 60_000,
      adminResetMs: e.ADMIN_RESET_LINK_HOURS * 3_600_000,
      invitationMs: e.INVITATION_LINK_HOURS * 3_600_000,
    }),
    logoUrl: e.LOGO_URL,
    hashConcurrency: e.HASH_CONCURRENCY,
    clock: Object.freeze({
      skewLimitMs: e.CLOCK_SKEW_LIMIT_SECONDS * 1000,
      // A few seconds of drift is worth an operator's look long before it matters (TOTP steps are 30 s).
      skewWarnMs: Math.min(5_000, e.CLOCK_SKEW_LIMIT_SECONDS * 1000),
      testOffsetMs: e.CLOCK_OFFSET_SECONDS_FOR_TESTING * 1000,
    }),
    hashShare: Object.freeze({ perIp: e.HASH_QUEUE_PER_IP, perCredential: e.HASH_QUEUE_PER_CREDENTIAL }),
    http: Object.freeze({
      requestTimeoutMs: e.REQUEST_TIMEOUT_SECONDS * 1000,
      // Node requires headers to arrive within the whole request's time.
      headersTimeoutMs: Math.min(e.HEADERS_TIMEOUT_SECONDS, e.REQUEST_TIMEOUT_SECONDS) * 1000,
      idleTimeoutMs: e.IDLE_TIMEOUT_SECONDS * 1000,
      keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
      maxConnections: e.MAX_CONNECTIONS,
      maxConnectionsPerIp: e.MAX_CONNECTIONS_PER_IP,
      maxInFlightPerCredential: e.MAX_IN_FLIGHT_PER_CREDENTIAL,
      floodPauseMs: e.FLOOD_PAUSE_MS,
    }),
    trustProxy: typeof e.TRUST_PROXY === 'boolean' ? e.TRUST_PROXY : Object.freeze(e.TRUST_PROXY),
    ipv6RateLimitPrefix: e.IPV6_RATE_LIMIT_PREFIX,
    defaultLocale: e.DEFAULT_LOCALE,
    metricsToken: e.METRICS_TOKEN,
    secretKey: Object.freeze({
      current: e.SECRET_KEY === undefined ? undefined : parseSecretKey(e.SECRET_KEY),
      previous: Object.freeze(
        (e.SECRET_KEY_PREVIOUS ?? '')
          .split(',')
          .filter((key) => key.trim() !== '')
          .map(parseSecretKey),
      ),
    }),
    mail: Object.freeze({
      transport: e.SMTP_URL ? ('smtp' as const) : ('log' as const),
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM,
      requireTls: e.SMTP_REQUIRE_TLS,
      rejectUnauthorized: e.SMTP_TLS_REJECT_UNAUTHORIZED,
    }),
    oidcLogoutPrivateAddresses: e.OIDC_LOGOUT_PRIVATE_ADDRESSES,
    setInEnvironment: Object.freeze({
      publicUrl: given('PUBLIC_URL'),
      organizationName: given('ORGANIZATION_NAME'),
      defaultLocale: given('DEFAULT_LOCALE'),
    }),
    givenVariables: new Set(Object.keys(envSchema.shape).filter(given)),
  });
}
