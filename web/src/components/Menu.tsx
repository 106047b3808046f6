import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import type { ReactNode } from 'react';

/**
 * A menu button (Radix): role="menu", arrow keys, typeahead, Escape, focus back to the button.
 * Not modal: the page behind is not hidden from assistive technology while the menu is open (a
 * hidden page with focusable content is an axe violation) and no scroll lock is needed.
 */
export function Menu({ children }: { children: ReactNode }) {
  return <DropdownMenu.Root modal={false}>{children}</DropdownMenu.Root>;
}
export const MenuTrigger = DropdownMenu.Trigger;

export function MenuContent({ children, label }: { children: ReactNode; label?: string }) {
  return (
    <DropdownMenu.Portal>
      <DropdownMenu.Content
        className="menu"
        align="end"
        sideOffset={6}
        collisionPadding={8}
        aria-label={label}
      >
        {children}
      </DropdownMenu.Content>
    </DropdownMenu.Portal>
  );
}

export function MenuItem({
  children,
  onSelect,
  tone = 'default',
  disabled,
  icon,
}: {
  children: ReactNode;
  onSelect(): void;
  tone?: 'default' | 'danger';
  disabled?: boolean;
  icon?: ReactNode;
}) {
  return (
    <DropdownMenu.Item
      className={`menu-item${tone === 'danger' ? ' menu-item-danger' : ''}`}
      onSelect={onSelect}
      disabled={disabled}
    >
      {icon ? <span className="menu-item-icon">{icon}</span> : null}
      {children}
    </DropdownMenu.Item>
  );
}

export function MenuLabel({ children }: { children: ReactNode }) {
  return <DropdownMenu.Label className="menu-label">{children}</DropdownMenu.Label>;
}

export function MenuSeparator() {
  return <DropdownMenu.Separator className="menu-separator" />;
}
