import { initials } from '../lib/format';

export function Avatar({ name, email, size = 'md' }: { name: string; email?: string; size?: 'sm' | 'md' }) {
  return (
    // The initials are drawn by CSS (::before), so a labelled button around the avatar has no visible
    // text that its accessible name would have to contain (WCAG 2.5.3, axe label-content-name-mismatch).
    <span className={`avatar avatar-${size}`} data-initials={initials(name, email)} aria-hidden="true" />
  );
}
