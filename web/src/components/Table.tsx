import type { ReactNode } from 'react';
import { SortIcon } from './icons';

export type SortDirection = 'ascending' | 'descending' | 'none';

/** A table in a region that scrolls sideways on narrow screens (focusable, so keyboard users can scroll it). */
export function Table({
  caption,
  children,
  label,
}: {
  caption?: ReactNode;
  label: string;
  children: ReactNode;
}) {
  return (
    <div className="table-region" role="region" aria-label={label} tabIndex={0}>
      <table className="table">
        {caption ? <caption className="visually-hidden">{caption}</caption> : null}
        {children}
      </table>
    </div>
  );
}

/** A column header that sorts: a button inside the <th>, with aria-sort on the <th>. */
export function SortHeader({
  label,
  direction,
  onSort,
  className = '',
}: {
  label: string;
  direction: SortDirection;
  onSort(): void;
  className?: string;
}) {
  return (
    <th scope="col" aria-sort={direction} className={className}>
      <button
        type="button"
        className="sort-button"
        onClick={onSort}
        data-active={direction !== 'none' || undefined}
      >
        {label}
        <SortIcon direction={direction} size={14} />
      </button>
    </th>
  );
}
