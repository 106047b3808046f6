import type { Server } from 'node:http';
import { BlockList, isIP, type Socket } from 'node:net';

export interface ConnectionLimits {
  /** The most open sockets in all (Node drops any beyond it at once). */
  maxConnections: number;
  /** The most open sockets from one client address; 0 turns the per-address cap off. */
  maxConnectionsPerIp: number;
  /** TRUST_PROXY: a trusted proxy carries many clients on its sockets, so it is never capped per address. */
  trustProxy: boolean | readonly string[];
}

/**
 * Caps open sockets in all and per client address (SEC-IN-01): one client holding hundreds of
 * unfinished requests or idle connections cannot use up the process's file descriptors, so others
 * (and `/healthz`) still get in. A socket over its address's cap is closed before anything is read.
 * The address is the socket's: behind a proxy every client shares the proxy's, so the listed proxies
 * are exempt and with TRUST_PROXY=true (every hop trusted, so nothing to tell them apart by) the
 * per-address cap is off; the proxy should then limit connections per client itself.
 */
export function limitConnections(server: Server, limits: ConnectionLimits): void {
  server.maxConnections = limits.maxConnections;
  if (limits.maxConnectionsPerIp <= 0 || limits.trustProxy === true) return;
  const proxies = proxyList(limits.trustProxy === false ? [] : limits.trustProxy);
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = clientAddress(socket.remoteAddress);
    if (address === null || isProxy(proxies, address)) return;
    const count = (open.get(address) ?? 0) + 1;
    if (count > limits.maxConnectionsPerIp) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}

/** IPv4 clients of a dual-stack socket arrive as ::ffff:a.b.c.d: count them as the IPv4 address. */
function clientAddress(remote: string | undefined): string | null {
  if (!remote) return null;
  return remote.startsWith('::ffff:') && isIP(remote.slice(7)) === 4 ? remote.slice(7) : remote;
}

function proxyList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

function isProxy(list: BlockList, address: string): boolean {
  return list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}
