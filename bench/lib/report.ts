import type { Machine } from './machine.js';
import type { MfaFigure } from './mfa.js';

/** What one run measured. Figures are req/s, ms or bytes; null where a part could not run. */
export interface LatencyFigure {
  p50: number;
  p99: number;
  rps: number;
  failed: number;
  /** Responses received (a request slower than the whole run gets none). */
  requests: number;
}

export interface GatehouseFigures {
  raw: number;
  signIn: number;
  /** The bare route and better-auth's get-session, measured in alternation with this database's GET /me. */
  bare: number;
  peerGetSession: number;
  meCookie: number;
  meToken: number;
  floodMeP99: number;
  floodSignIn: number;
  list: Record<ListOp, LatencyFigure>;
  rss: Record<RssPhase, number>;
  failed: number;
  /** Admin sign-in while one viewer session floods POST /me/password (issue 10, item 1). */
  passwordFlood: PasswordFloodFigure | null;
  /** Sign-in with password + TOTP against password only (issue 13); absent in older records. */
  mfa?: MfaFigure | null;
}

export interface PasswordFloodFigure {
  /** The admin's sign-ins at a fixed rate, from another client address. */
  signIn: LatencyFigure;
  /** The flood's answers: 400/429 while its session lives, 401 once it has ended. */
  floodRequests: number;
  floodStatuses: Record<string, number>;
  rss: number;
}

export const MFA_LABEL = 'sign-in with password + TOTP ÷ password only';

export const PASSWORD_FLOOD_LABEL =
  'admin sign-in p99 while one viewer session floods /me/password with 400 connections';

export interface PeerFigures {
  signIn: number;
  getSession: number;
  list: Record<ListOp, LatencyFigure>;
  rss: number;
  failed: number;
}

export type ListOp = 'first' | 'deep' | 'role' | 'search' | 'searchCommon';
export type RssPhase = 'me' | 'signIn' | 'flood' | 'list';

export interface RunReport {
  date: string;
  mode: 'quick' | 'full';
  machine: Machine;
  users: number;
  hashConcurrency: number;
  connections: { me: number; signIn: number; list: number; floodMeRate: number };
  seconds: { me: number; signIn: number; list: number };
  /** Ratios are measured in this many alternating slices (A, B, A, B, ...). */
  rounds: number;
  search: { term: string; matches: number; commonTerm: string; commonMatches: number };
  deepRow: number;
  bare: number;
  sqlite: GatehouseFigures | null;
  postgres: GatehouseFigures | null;
  peer: PeerFigures | null;
  notes: string[];
  /** A run of one scenario only (`--only password-flood`). */
  only?: string;
}

export interface Target {
  label: string;
  /** The chart's label. */
  short: string;
  /** What the target asks, in words. */
  want: string;
  sqlite: { figure: number; met: boolean; text: string; by: string } | null;
  postgres: { figure: number; met: boolean; text: string; by: string } | null;
  /** Figure ÷ target, oriented so that ≥ 1 means met (for the chart). */
  score: { sqlite: number | null; postgres: number | null };
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const fixed = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const ms = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(1) : Math.round(n).toString()) : 'n/a');
const mb = (bytes: number) => (bytes > 0 ? `${Math.round(bytes / 2 ** 20)} MB` : 'n/a');
const latencyCell = (l: LatencyFigure, seconds: number) =>
  l.requests > 0 ? `${ms(l.p50)} / ${ms(l.p99)} ms` : `no answer within ${seconds} s`;
const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? a / b : Number.NaN);

const LIST_LABEL: Record<ListOp, (r: RunReport) => string> = {
  first: () => 'first page',
  deep: (r) => `deep page (after row ${r.deepRow.toLocaleString('en-US')})`,
  role: () => 'role filter (role=admin)',
  search: (r) => `substring search q=${r.search.term} (${r.search.matches.toLocaleString('en-US')} matches)`,
  searchCommon: (r) =>
    `substring search q=${r.search.commonTerm} (${r.search.commonMatches.toLocaleString('en-US')} matches)`,
};
const LIST_OPS: ListOp[] = ['first', 'deep', 'role', 'search', 'searchCommon'];

/** The issue's targets, each with this run's figure on both databases. */
export function targets(r: RunReport): Target[] {
  const out: Target[] = [];
  const both = (
    label: string,
    short: string,
    want: string,
    value: (g: GatehouseFigures, d: 'sqlite' | 'postgres') => number,
    goal: (d: 'sqlite' | 'postgres') => number,
    higherIsBetter: boolean,
    show: (n: number) => string,
  ) => {
    const cell = (d: 'sqlite' | 'postgres') => {
      const g = r[d];
      if (!g) return null;
      const figure = value(g, d);
      const target = goal(d);
      const met = Number.isFinite(figure) && (higherIsBetter ? figure >= target : figure <= target);
      const gap = higherIsBetter ? target - figure : figure - target;
      const by =
        met || !Number.isFinite(figure) ? '' : ` by ${show(gap)} (${Math.round((gap / target) * 100)} %)`;
      return { figure, met, text: show(figure), by };
    };
    const sqlite = cell('sqlite');
    const postgres = cell('postgres');
    const score = (d: 'sqlite' | 'postgres', c: { figure: number } | null) =>
      c && Number.isFinite(c.figure) && c.figure > 0
        ? higherIsBetter
          ? c.figure / goal(d)
          : goal(d) / c.figure
        : null;
    out.push({
      label,
      short,
      want,
      sqlite,
      postgres,
      score: { sqlite: score('sqlite', sqlite), postgres: score('postgres', postgres) },
    });
  };
  if (r.sqlite?.passwordFlood || r.postgres?.passwordFlood) {
    both(
      PASSWORD_FLOOD_LABEL,
      'sign-in p99 in /me/password flood (< 1 s)',
      '< 1 s',
      (g) => g.passwordFlood?.signIn.p99 ?? Number.NaN,
      () => 1000,
      false,
      (n) => `${ms(n)} ms`,
    );
  }
  if (r.sqlite?.mfa || r.postgres?.mfa) {
    both(
      MFA_LABEL,
      'password + TOTP ÷ password sign-in (≥ 0.95)',
      '≥ 0.95',
      (g) => (g.mfa ? ratio(g.mfa.withTotp, g.mfa.passwordOnly) : Number.NaN),
      () => 0.95,
      true,
      (n) => fixed(n),
    );
  }
  if (r.only) return out;
  both(
    'sign-in ÷ raw argon2id',
    'sign-in ÷ raw hash (≥ 0.9)',
    '≥ 0.9',
    (g) => ratio(g.signIn, g.raw),
    () => 0.9,
    true,
    (n) => fixed(n),
  );
  both(
    'GET /me (cookie) ÷ bare Fastify',
    '/me cookie ÷ bare (≥ 0.4 / 0.25)',
    '≥ 0.4 SQLite, ≥ 0.25 PostgreSQL',
    (g) => ratio(g.meCookie, g.bare),
    (d) => (d === 'sqlite' ? 0.4 : 0.25),
    true,
    (n) => fixed(n),
  );
  both(
    'GET /me (API token) ÷ bare Fastify',
    '/me token ÷ bare (≥ 0.4 / 0.25)',
    '≥ 0.4 SQLite, ≥ 0.25 PostgreSQL',
    (g) => ratio(g.meToken, g.bare),
    (d) => (d === 'sqlite' ? 0.4 : 0.25),
    true,
    (n) => fixed(n),
  );
  if (r.peer) {
    both(
      'GET /me ÷ better-auth get-session',
      '/me ÷ better-auth (≥ 15)',
      '≥ 15',
      (g) => ratio(g.meCookie, g.peerGetSession),
      () => 15,
      true,
      (n) => fixed(n, 1),
    );
  }
  both(
    'GET /me p99 under a sign-in flood',
    '/me p99 in sign-in flood (≤ 50 ms)',
    '≤ 50 ms',
    (g) => g.floodMeP99,
    () => 50,
    false,
    (n) => `${ms(n)} ms`,
  );
  for (const op of ['first', 'deep', 'role'] as const) {
    both(
      `users list p99: ${LIST_LABEL[op](r)}`,
      `list p99, ${op === 'first' ? 'first page' : op === 'deep' ? 'deep page' : 'role filter'} (≤ 25 ms)`,
      '≤ 25 ms',
      (g) => g.list[op].p99,
      () => 25,
      false,
      (n) => `${ms(n)} ms`,
    );
  }
  both(
    `users list p99: ${LIST_LABEL.search(r)}`,
    `list p99, search ${r.search.term} (≤ 50 ms)`,
    '≤ 50 ms',
    (g) => g.list.search.p99,
    () => 50,
    false,
    (n) => `${ms(n)} ms`,
  );
  both(
    'server peak RSS (all runs)',
    'peak RSS (≤ 250 MB)',
    '≤ 250 MB',
    (g) => Math.max(...Object.values(g.rss)) / 2 ** 20,
    () => 250,
    false,
    (n) => `${Math.round(n)} MB`,
  );
  return out;
}

/** The one table: figures and ratios side by side, then each target met or not. */
export function markdownTable(r: RunReport): string {
  const s = r.sqlite;
  const p = r.postgres;
  const peer = r.peer;
  const rows: string[][] = [];
  const g = (f: (x: GatehouseFigures) => string) => [s ? f(s) : 'n/a', p ? f(p) : 'n/a'];
  const c = r.connections;
  rows.push([`raw argon2id verify, ${r.hashConcurrency} at a time (hashes/s)`, ...g((x) => int(x.raw)), '']);
  rows.push([
    `POST /auth/sign-in, ${c.signIn} clients (req/s)`,
    ...g((x) => int(x.signIn)),
    peer ? int(peer.signIn) : 'n/a',
  ]);
  rows.push(['**sign-in ÷ raw argon2id**', ...g((x) => fixed(ratio(x.signIn, x.raw))), '']);
  rows.push([`bare Fastify route, ${c.me} clients (req/s)`, ...g((x) => int(x.bare)), '']);
  rows.push([
    `GET /me, session cookie, ${c.me} clients (req/s)`,
    ...g((x) => int(x.meCookie)),
    peer ? `${int(peer.getSession)} (get-session)` : 'n/a',
  ]);
  rows.push([
    '**GET /me cookie ÷ bare route**',
    ...g((x) => fixed(ratio(x.meCookie, x.bare))),
    peer ? fixed(ratio(peer.getSession, r.bare)) : '',
  ]);
  rows.push([`GET /me, API token (req/s)`, ...g((x) => int(x.meToken)), '']);
  rows.push(['**GET /me token ÷ bare route**', ...g((x) => fixed(ratio(x.meToken, x.bare))), '']);
  rows.push([
    `GET /me at ${c.floodMeRate} req/s during a sign-in flood: **p99**`,
    ...g((x) => `${ms(x.floodMeP99)} ms (sign-in ${int(x.floodSignIn)}/s)`),
    '',
  ]);
  rows.push(passwordFloodRow(r));
  rows.push(...mfaRows(r));
  for (const op of LIST_OPS) {
    rows.push([
      `GET /users ${LIST_LABEL[op](r)}: p50 / **p99**`,
      ...g((x) => latencyCell(x.list[op], r.seconds.list)),
      peer ? latencyCell(peer.list[op], r.seconds.list) : 'n/a',
    ]);
  }
  if (peer) {
    rows.push(['**sign-in: Gatehouse ÷ better-auth**', ...g((x) => fixed(ratio(x.signIn, peer.signIn))), '']);
    rows.push([
      '**GET /me ÷ better-auth get-session**',
      ...g((x) => fixed(ratio(x.meCookie, x.peerGetSession), 1)),
      '',
    ]);
    for (const op of LIST_OPS) {
      rows.push([
        `**users list ${op === 'searchCommon' ? 'common search' : op === 'search' ? 'search' : LIST_LABEL[op](r).replace(/ \(.*$/, '')}: better-auth p99 ÷ Gatehouse p99**`,
        ...g((x) => fixed(ratio(peer.list[op].p99, x.list[op].p99), 1)),
        '',
      ]);
    }
  }
  const phases: Array<[RssPhase, string]> = [
    ['me', 'GET /me runs'],
    ['signIn', 'sign-in run'],
    ['flood', 'sign-in flood'],
    ['list', 'users list runs'],
  ];
  for (const [phase, label] of phases) {
    rows.push([
      `server peak RSS during ${label}`,
      ...g((x) => mb(x.rss[phase])),
      phase === 'list' && peer ? mb(peer.rss) : '',
    ]);
  }
  const failed = g((x) => int(x.failed));
  rows.push(['failed requests (non-2xx, errors) in all runs', ...failed, peer ? int(peer.failed) : '']);

  const header = ['measure', 'Gatehouse SQLite', 'Gatehouse PostgreSQL', 'better-auth 1.7 + admin, SQLite'];
  const table = [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');
  return `${table}\n\n${targetTable(r)}`;
}

function passwordFloodRow(r: RunReport): string[] {
  const cell = (g: GatehouseFigures | null) => {
    const f = g?.passwordFlood;
    if (!f) return 'n/a';
    const statuses = Object.entries(f.floodStatuses)
      .map(([status, n]) => `${n.toLocaleString('en-US')}× ${status}`)
      .join(', ');
    return `${latencyCell(f.signIn, r.seconds.signIn)} (${int(f.signIn.requests)} sign-ins, ${f.signIn.failed} failed; flood answers: ${statuses})`;
  };
  return [`${PASSWORD_FLOOD_LABEL}: p50 / **p99**`, cell(r.sqlite), cell(r.postgres), ''];
}

function mfaRows(r: RunReport): string[][] {
  if (!r.sqlite?.mfa && !r.postgres?.mfa) return [];
  const cell = (g: GatehouseFigures | null, f: (m: MfaFigure) => string) => (g?.mfa ? f(g.mfa) : 'n/a');
  const rates = (m: MfaFigure) => `${fixed(m.withTotp, 1)} / ${fixed(m.passwordOnly, 1)}`;
  const share = (m: MfaFigure) => fixed(ratio(m.withTotp, m.passwordOnly));
  return [
    [
      `sign-in with password + TOTP / password only, ${r.connections.signIn} clients (completed sign-ins/s)`,
      cell(r.sqlite, rates),
      cell(r.postgres, rates),
      '',
    ],
    [`**${MFA_LABEL}**`, cell(r.sqlite, share), cell(r.postgres, share), ''],
  ];
}

/** `--only sign-in` (raw argon2id and sign-in, alternating) and `--only list` (the five list runs). */
function quickOnlyRows(r: RunReport): string[][] {
  const g = (f: (x: GatehouseFigures) => string) => [
    r.sqlite ? f(r.sqlite) : 'n/a',
    r.postgres ? f(r.postgres) : 'n/a',
    '',
  ];
  if (r.only === 'list')
    return LIST_OPS.map((op) => [
      `GET /users ${LIST_LABEL[op](r)}: p50 / **p99**`,
      ...g((x) => latencyCell(x.list[op], r.seconds.list)),
    ]);
  return [
    [`raw argon2id verify, ${r.hashConcurrency} at a time (hashes/s)`, ...g((x) => int(x.raw))],
    [`POST /auth/sign-in, ${r.connections.signIn} clients (req/s)`, ...g((x) => int(x.signIn))],
    ['**sign-in ÷ raw argon2id**', ...g((x) => fixed(ratio(x.signIn, x.raw)))],
  ];
}

/** The table of a `--only password-flood`, `mfa`, `list` or `sign-in` run: its rows and its target. */
export function onlyTable(r: RunReport): string {
  const header = ['measure', 'Gatehouse SQLite', 'Gatehouse PostgreSQL', ''];
  const scenario =
    r.only === 'mfa'
      ? mfaRows(r)
      : r.only === 'list' || r.only === 'sign-in'
        ? quickOnlyRows(r)
        : [passwordFloodRow(r)];
  const rows = [header, header.map(() => '---'), ...scenario];
  // --only sign-in and --only list have no target of their own here (the full run checks theirs).
  const targets = r.only === 'sign-in' || r.only === 'list' ? '' : `\n\n${targetTable(r)}`;
  return `${rows.map((row) => `| ${row.join(' | ')} |`).join('\n')}${targets}`;
}

function targetTable(r: RunReport): string {
  const targetRows = targets(r).map((t) => {
    const cell = (x: Target['sqlite']) => (x ? `${x.text} ${x.met ? '✅ met' : `❌ missed${x.by}`}` : 'n/a');
    return `| ${t.label} | ${t.want} | ${cell(t.sqlite)} | ${cell(t.postgres)} |`;
  });
  return ['| target | wanted | SQLite | PostgreSQL |', '| --- | --- | --- | --- |', ...targetRows].join('\n');
}

export function machineLine(r: RunReport): string {
  const m = r.machine;
  return (
    `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, SQLite driver ${m.sqliteDriver ?? 'better-sqlite3 12'}; ` +
    `load average ${m.loadAtStart} when the run started (a shared machine)`
  );
}

export function settingsLine(r: RunReport): string {
  const c = r.connections;
  return (
    `${r.mode} mode: ${r.users.toLocaleString('en-US')} users; autocannon 8 (one load generator for every figure); ` +
    `${r.seconds.me} s per throughput figure, ${r.seconds.signIn} s per sign-in figure, ${r.seconds.list} s per list run, each after a warm-up; ` +
    `the two sides of every throughput ratio (GET /me, the bare route, better-auth get-session; raw argon2id and sign-in) ` +
    `are measured in ${r.rounds} alternating slices, so that other load on the machine weighs on both; ` +
    `GET /me and the bare route with ${c.me} connections, sign-in with ${c.signIn}, lists with ${c.list}; ` +
    `argon2id m=19456 KiB, t=2, p=1 with ${r.hashConcurrency} hashes at a time (HASH_CONCURRENCY, the core count); ` +
    `server built with tsc and run with node, LOG_LEVEL=warn; SQLite in WAL with synchronous=FULL, ` +
    `PostgreSQL 15 (embedded) with its default durability (fsync on)`
  );
}

export function resultsMarkdown(r: RunReport): string {
  const notes = r.notes.length ? `\n\nNotes:\n${r.notes.map((n) => `- ${n}`).join('\n')}` : '';
  return (
    `# Gatehouse benchmark, ${r.date} (${r.mode})\n\n` +
    `Machine: ${machineLine(r)}.\n\n` +
    `Settings: ${settingsLine(r)}.\n\n` +
    `${r.only ? onlyTable(r) : markdownTable(r)}${notes}\n`
  );
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The chart the README shows: each target as a bar per database, drawn as the share of the target
 * reached (1 = exactly met; right of the line is better), and Gatehouse against better-auth.
 */
export function svgChart(r: RunReport): string {
  const width = 960;
  const left = 290;
  const barArea = width - left - 150;
  const maxScale = 3;
  const x = (v: number) => left + (Math.min(v, maxScale) / maxScale) * barArea;
  const parts: string[] = [];
  let y = 56;
  const colors = { sqlite: '#2f6fb0', postgres: '#3e9b5a', peer: '#b0552f' };
  parts.push(
    `<text x="20" y="28" font-size="17" font-weight="bold">Gatehouse against its targets (${esc(r.date)}, ${r.users.toLocaleString('en-US')} users, ${esc(r.machine.cores.toString())}-core ${esc(r.machine.cpu)})</text>`,
  );
  parts.push(
    `<text x="20" y="46" font-size="12" fill="#555">Bar = share of the target reached (figure ÷ target, or target ÷ figure for latency and memory); the line at 1 is the target. Capped at ${maxScale}.</text>`,
  );
  y += 10;
  const list = targets(r);
  const top = y;
  for (const t of list) {
    parts.push(
      `<text x="${left - 10}" y="${y + 14}" font-size="12" text-anchor="end">${esc(t.short)}</text>`,
    );
    for (const d of ['sqlite', 'postgres'] as const) {
      const score = t.score[d];
      const cell = t[d];
      if (score !== null && cell) {
        parts.push(
          `<rect x="${left}" y="${y}" width="${Math.max(1, x(score) - left).toFixed(1)}" height="10" fill="${colors[d]}"${cell.met ? '' : ' fill-opacity="0.55" stroke="#c00" stroke-width="1"'}/>`,
        );
        parts.push(
          `<text x="${(x(score) + 4).toFixed(1)}" y="${y + 9}" font-size="10" fill="#333">${esc(cell.text)}${cell.met ? '' : ' (missed)'}</text>`,
        );
      }
      y += 12;
    }
    y += 10;
  }
  parts.push(
    `<line x1="${x(1)}" y1="${top - 6}" x2="${x(1)}" y2="${y - 6}" stroke="#c00" stroke-dasharray="4 3"/>`,
  );
  parts.push(`<text x="${x(1) + 3}" y="${top - 8}" font-size="10" fill="#c00">target</text>`);

  if (r.peer) {
    const peer = r.peer;
    y += 20;
    parts.push(
      `<text x="20" y="${y}" font-size="15" font-weight="bold">Gatehouse ÷ better-auth 1.7 (admin plugin, SQLite), same machine and load generator; log scale</text>`,
    );
    y += 18;
    const items: Array<[string, (g: GatehouseFigures) => number]> = [
      ['sign-in throughput', (g) => ratio(g.signIn, peer.signIn)],
      ['GET /me ÷ get-session throughput', (g) => ratio(g.meCookie, g.peerGetSession)],
      ...LIST_OPS.map((op): [string, (g: GatehouseFigures) => number] => [
        `list p99 ${op === 'searchCommon' ? 'common search' : op}: better-auth ÷ Gatehouse`,
        (g) => ratio(peer.list[op].p99, g.list[op].p99),
      ]),
    ];
    const logMax = 4; // 10,000×
    const lx = (v: number) =>
      left + (Math.max(0, Math.min(Math.log10(Math.max(v, 1)), logMax)) / logMax) * barArea;
    const top2 = y;
    for (const [label, value] of items) {
      parts.push(
        `<text x="${left - 10}" y="${y + 14}" font-size="12" text-anchor="end">${esc(label)}</text>`,
      );
      for (const d of ['sqlite', 'postgres'] as const) {
        const g = r[d];
        const v = g ? value(g) : Number.NaN;
        if (Number.isFinite(v)) {
          parts.push(
            `<rect x="${left}" y="${y}" width="${Math.max(1, lx(v) - left).toFixed(1)}" height="10" fill="${colors[d]}"/>`,
          );
          parts.push(
            `<text x="${(lx(v) + 4).toFixed(1)}" y="${y + 9}" font-size="10" fill="#333">${v >= 10 ? Math.round(v) : v.toFixed(2)}×</text>`,
          );
        }
        y += 12;
      }
      y += 10;
    }
    for (const tick of [1, 10, 100, 1000, 10000]) {
      parts.push(
        `<line x1="${lx(tick)}" y1="${top2 - 4}" x2="${lx(tick)}" y2="${y - 6}" stroke="#bbb" stroke-dasharray="2 3"/>`,
      );
      parts.push(
        `<text x="${lx(tick)}" y="${y + 6}" font-size="10" fill="#777" text-anchor="middle">${tick}×</text>`,
      );
    }
    y += 12;
  }
  y += 10;
  parts.push(
    `<rect x="20" y="${y}" width="10" height="10" fill="${colors.sqlite}"/><text x="35" y="${y + 9}" font-size="11">SQLite</text>`,
  );
  parts.push(
    `<rect x="100" y="${y}" width="10" height="10" fill="${colors.postgres}"/><text x="115" y="${y + 9}" font-size="11">PostgreSQL</text>`,
  );
  parts.push(`<text x="220" y="${y + 9}" font-size="11" fill="#555">${esc(machineLine(r))}</text>`);
  y += 24;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="sans-serif">\n` +
    `<rect width="100%" height="100%" fill="#fff"/>\n${parts.join('\n')}\n</svg>\n`
  );
}
