import { isIPv4, isIPv6 } from 'node:net';

/**
 * The key per-IP limits count under (SEC-BF-04). An IPv4 address is its own key. An IPv6 address is
 * keyed on its network prefix (a /64 by default, `IPV6_RATE_LIMIT_PREFIX`): one subscriber usually
 * holds a whole /64 and can pick a fresh address for every request, so the full address would let it
 * rotate past every limit. IPv4-mapped IPv6 (`::ffff:192.0.2.1`, what a dual-stack socket reports)
 * is the IPv4 address. Anything else (no address at all) counts under one shared key.
 */
export function clientRateKey(ip: string | null | undefined, ipv6PrefixBits: number): string {
  if (!ip) return 'unknown';
  const address = ip.split('%')[0] ?? ip; // a zone id (fe80::1%eth0) names an interface, not a host
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return 'unknown';
  const groups = ipv6Groups(address);
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  const masked = groups.map((group, i) => {
    const bits = Math.min(16, Math.max(0, ipv6PrefixBits - i * 16));
    return bits === 0 ? 0 : group & ((0xffff << (16 - bits)) & 0xffff);
  });
  return `${masked.map((g) => g.toString(16)).join(':')}/${ipv6PrefixBits}`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted IPv4 tail converted). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  if (rest === undefined) return parse(head);
  const left = parse(head);
  const right = parse(rest);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}
