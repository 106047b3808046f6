/**
 * Zod issues (as fastify-type-provider-zod hands them over) turned into sentences that name the
 * field and the rule: "role must be one of admin, member, viewer", "password or generatePassword is
 * required". Zod's own messages ("Invalid input: expected string, received undefined") name
 * neither, so every issue kind is described here; a refinement's own message (already a rule, e.g.
 * "must be an email address") is kept. The error code stays `validation_failed`.
 */

/** One zod issue: its code, path inside the validated part, message and the code's own fields. */
export interface ZodIssueLike {
  code: string;
  path: ReadonlyArray<PropertyKey>;
  message?: string;
  expected?: string;
  values?: unknown[];
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  format?: string;
  divisor?: number;
  keys?: string[];
  errors?: ZodIssueLike[][];
}

export interface DescribedIssue {
  /** The field inside the validated part (`role`, `items.0.email`); empty for the whole part. */
  field: string;
  /** The rule, without the field: "must be one of admin, member, viewer". */
  rule: string;
  /** The rule is a whole sentence starting with field names ("password or generatePassword is required"). */
  names?: boolean;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
  bigint: 'an integer',
  date: 'a date',
};

const FORMAT_WORDS: Record<string, string> = {
  email: 'an email address',
  url: 'a URL',
  uuid: 'a UUID',
  guid: 'a UUID',
  datetime: 'a date and time (ISO 8601)',
  date: 'a date (YYYY-MM-DD)',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  base64url: 'base64url text',
};

/** Zod's default messages start like this; a refinement's message is a rule already. */
const ZOD_DEFAULT = /^(Invalid|Too (big|small)|Unrecognized)/;

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
const plural = (n: number | bigint, word: string) => `${n} ${word}${Number(n) === 1 ? '' : 's'}`;

function sizeRule(issue: ZodIssueLike, bound: 'min' | 'max'): string {
  const n = (bound === 'min' ? issue.minimum : issue.maximum) ?? 0;
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'string':
      if (bound === 'min' && Number(n) <= 1) return 'must not be empty';
      return `must be ${bound === 'min' ? 'at least' : 'at most'} ${plural(n, 'character')}`;
    case 'array':
    case 'set':
      if (bound === 'min' && Number(n) <= 1) return 'must not be empty';
      return `must have ${bound === 'min' ? 'at least' : 'at most'} ${plural(n, 'item')}`;
    default:
      if (bound === 'min') return inclusive ? `must be at least ${n}` : `must be greater than ${n}`;
      return inclusive ? `must be at most ${n}` : `must be less than ${n}`;
  }
}

/**
 * The rule a union broke. When every alternative fails only for missing fields, the fields are
 * alternatives ("password or generatePassword is required"); when every one fails only for
 * unrecognized keys, they exclude each other; otherwise the closest alternative (fewest issues)
 * speaks.
 */
function describeUnion(issue: ZodIssueLike, valueAt: (path: PropertyKey[]) => unknown): DescribedIssue[] {
  const base = [...issue.path];
  const branches = issue.errors ?? [];
  if (branches.length === 0) return [{ field: base.join('.'), rule: 'is not valid' }];
  const missingOf = (branch: ZodIssueLike[]) =>
    branch.every(
      (i) =>
        ['invalid_type', 'invalid_value'].includes(i.code) && valueAt([...base, ...i.path]) === undefined,
    )
      ? branch.map((i) => [...i.path].join('.'))
      : undefined;
  const missing = branches.map(missingOf);
  if (missing.every((m) => m !== undefined && m.length > 0)) {
    const names = [...new Set(missing.map((m) => (m ?? []).join(' and ')))];
    return [{ field: base.join('.'), rule: `${names.join(' or ')} is required`, names: true }];
  }
  if (branches.every((b) => b.length > 0 && b.every((i) => i.code === 'unrecognized_keys'))) {
    const keys = [...new Set(branches.flatMap((b) => b.flatMap((i) => i.keys ?? [])))];
    return [{ field: base.join('.'), rule: `give only one of ${keys.join(', ')}` }];
  }
  const closest = [...branches].sort((a, b) => a.length - b.length)[0] ?? [];
  return closest.flatMap((inner) => describeIssue({ ...inner, path: [...base, ...inner.path] }, valueAt));
}

/** Describes one issue; `valueAt` reads the submitted value at a path (to tell missing from wrong). */
export function describeIssue(
  issue: ZodIssueLike,
  valueAt: (path: PropertyKey[]) => unknown,
): DescribedIssue[] {
  const field = issue.path.map(String).join('.');
  switch (issue.code) {
    case 'invalid_type': {
      if (valueAt([...issue.path]) === undefined) return [{ field, rule: 'is required' }];
      const expected = issue.expected ?? 'valid';
      return [{ field, rule: `must be ${TYPE_WORDS[expected] ?? expected}` }];
    }
    case 'invalid_value': {
      const values = (issue.values ?? []).map(show);
      if (values.length === 1) return [{ field, rule: `must be ${values[0]}` }];
      return [{ field, rule: `must be one of ${values.join(', ')}` }];
    }
    case 'too_small':
      return [{ field, rule: sizeRule(issue, 'min') }];
    case 'too_big':
      return [{ field, rule: sizeRule(issue, 'max') }];
    case 'invalid_format': {
      if (issue.message && !ZOD_DEFAULT.test(issue.message)) return [{ field, rule: issue.message }];
      const words = issue.format ? FORMAT_WORDS[issue.format] : undefined;
      return [{ field, rule: words ? `must be ${words}` : `is not in the expected format` }];
    }
    case 'not_multiple_of':
      return [{ field, rule: `must be a multiple of ${issue.divisor ?? 1}` }];
    case 'unrecognized_keys':
      return (issue.keys ?? []).map((key) => ({
        field: [...issue.path.map(String), key].join('.'),
        rule: 'is not a known field',
      }));
    case 'invalid_union':
      return describeUnion(issue, valueAt);
    case 'invalid_key':
      return [{ field, rule: 'has a key that is not allowed' }];
    case 'invalid_element':
      return [{ field, rule: 'has an element that is not valid' }];
    default: {
      const message = issue.message ?? '';
      return [{ field, rule: message && !ZOD_DEFAULT.test(message) ? message : 'is not valid' }];
    }
  }
}

const PART_WORDS: Record<string, string> = {
  body: '',
  querystring: 'query parameter ',
  params: 'path parameter ',
  headers: 'header ',
};

/** "role must be one of …"; "query parameter limit must be at most 100"; a whole-body rule alone. */
export function sentence(part: string, described: DescribedIssue): string {
  if (!described.field) {
    return described.names
      ? described.rule
      : described.rule.charAt(0).toUpperCase() + described.rule.slice(1);
  }
  return `${PART_WORDS[part] ?? `${part} `}${described.field} ${described.rule}`;
}
