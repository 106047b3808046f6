import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { closeAfterFile } from '../file-cleanup.js';

export interface LogoutReceiver {
  uri: string;
  /** The logout tokens received, decoded (header and claims). */
  tokens: Array<{ header: Record<string, unknown>; claims: Record<string, unknown> }>;
  /** What the endpoint answers next (e.g. 500 to make deliveries fail). */
  status: number;
}

/** A real back-channel logout endpoint on 127.0.0.1, as an app would run it. */
export async function logoutReceiver(): Promise<LogoutReceiver> {
  const receiver: LogoutReceiver = { uri: '', tokens: [], status: 200 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token');
      if (token && receiver.status === 200)
        receiver.tokens.push({
          header: decodeProtectedHeader(token) as Record<string, unknown>,
          claims: decodeJwt(token) as Record<string, unknown>,
        });
      res.statusCode = receiver.status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // Closed when the test file ends (test/file-cleanup.ts).
  closeAfterFile(() => new Promise<void>((resolve) => server.close(() => resolve())));
  receiver.uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/backchannel-logout`;
  return receiver;
}
