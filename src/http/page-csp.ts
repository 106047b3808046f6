/*
 * The console's Content-Security-Policy (SEC-HDR-01, ADR 0002). One policy for every answer; an HTML
 * page may also show the organization's logo, so its img-src names exactly that logo's origin
 * (never `https:` wholesale), computed from the setting in force when the page is served.
 */

const directives = (imgSrc: string, styleSrc: string) =>
  `default-src 'self'; script-src 'self'; style-src ${styleSrc}; img-src ${imgSrc}; object-src 'none'; ` +
  "base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

export const STRICT_CSP = directives("'self' data:", "'self'");
/* The API reference page (swagger-ui) styles elements inline; it still runs no inline script. */
export const DOCS_CSP = directives("'self' data:", "'self' 'unsafe-inline'");

/**
 * The origin of an https logo URL as a CSP source (`https://cdn.example.com:8443`), or undefined.
 * URL's own serialization: a host cannot carry `;`, `,` or spaces, so nothing can be injected into
 * the policy; anything but https (the setting accepts nothing else) gives no source at all.
 */
export function logoOrigin(logoUrl: string | undefined): string | undefined {
  if (!logoUrl) return undefined;
  try {
    const url = new URL(logoUrl);
    return url.protocol === 'https:' && url.hostname !== '' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

let last: { logoUrl: string | undefined; csp: string } = { logoUrl: undefined, csp: STRICT_CSP };

/** The policy of a console page while `logoUrl` is the logo in force (the last one is remembered). */
export function pageCsp(logoUrl: string | undefined): string {
  if (logoUrl === last.logoUrl) return last.csp;
  const origin = logoOrigin(logoUrl);
  const csp = origin ? directives(`'self' data: ${origin}`, "'self'") : STRICT_CSP;
  last = { logoUrl, csp };
  return csp;
}
