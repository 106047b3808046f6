import { useEffect, useRef } from 'react';

/**
 * Where to go after signing in or changing a temporary password when an app's sign-in sent the user
 * here: `?return=/interaction/<uid>`, a server page (not a console route), so it is left by a full
 * navigation. Only that exact form is accepted, never another site or path (no open redirect).
 */
export function interactionReturn(search: string): string | null {
  const value = new URLSearchParams(search).get('return');
  return value !== null && /^\/interaction\/[A-Za-z0-9_-]{1,64}$/.test(value) ? value : null;
}

/**
 * Leaves the console for a server page (the app sign-in's next step), once: a second navigation would
 * reach the interaction after the first had already resumed (and used) it.
 */
export function useLeaveTo(href: string | null): void {
  const left = useRef(false);
  useEffect(() => {
    if (!href || left.current) return;
    left.current = true;
    window.location.assign(href);
  }, [href]);
}
