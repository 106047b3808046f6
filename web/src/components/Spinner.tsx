export function Spinner({ size = 'md', decorative = false }: { size?: 'sm' | 'md'; decorative?: boolean }) {
  return <span className={`spinner spinner-${size}`} aria-hidden={decorative || undefined} />;
}

/** A loading state that says what is loading. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status">
      <Spinner decorative />
      <span>{label}</span>
    </div>
  );
}
