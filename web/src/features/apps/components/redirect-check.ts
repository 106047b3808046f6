/**
 * The console's redirect URI checker: the same rules the server applies when an app is registered
 * (src/modules/oidc/apps.service.ts), so an admin sees a mistake before saving.
 */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function redirectUriProblem(value: string, type: string): 'invalid' | null {
  if (value.includes('*') || value.includes('#')) return 'invalid';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'invalid';
  }
  if (url.protocol === 'https:') return url.hostname ? null : 'invalid';
  if (url.protocol === 'http:') return LOOPBACK.has(url.hostname) ? null : 'invalid';
  return type === 'native' && /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol) ? null : 'invalid';
}

export const lines = (text: string) =>
  text
    .split(/\s+/)
    .map((v) => v.trim())
    .filter(Boolean);
