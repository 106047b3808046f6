/**
 * The session cookie (SEC-SES-02): HttpOnly, SameSite=Lax, Path=/, and Secure with the `__Host-`
 * prefix whenever the public origin is HTTPS or localhost (browsers treat both as secure).
 */
export interface CookieSettings {
  name: string;
  options: { httpOnly: true; secure: boolean; sameSite: 'lax'; path: '/' };
}

export function sessionCookie(config: { secureCookies: boolean }): CookieSettings {
  return {
    name: config.secureCookies ? '__Host-gatehouse_session' : 'gatehouse_session',
    options: { httpOnly: true, secure: config.secureCookies, sameSite: 'lax', path: '/' },
  };
}
