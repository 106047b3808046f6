import * as RadixDialog from '@radix-ui/react-dialog';
import { useRef, type ReactNode, type RefObject } from 'react';
import { CloseIcon } from './icons';
import { useTranslation } from 'react-i18next';

export interface DialogProps {
  open: boolean;
  onOpenChange(open: boolean): void;
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  /** Buttons at the bottom, usually Cancel then the confirming action. */
  footer?: ReactNode;
  size?: 'md' | 'lg';
  /**
   * Where focus goes when the dialog closes. Needed when a menu item opened it: the item is gone by
   * then, so Radix would otherwise drop focus on <body>.
   */
  returnFocus?: RefObject<HTMLElement | null> | undefined;
}

/** A modal dialog (Radix): focus is trapped inside, Escape and the close button dismiss it, focus returns to the opener. */
export function Dialog({
  open,
  onOpenChange,
  title,
  description,
  children,
  footer,
  size = 'md',
  returnFocus,
}: DialogProps) {
  const { t } = useTranslation();
  const body = useRef<HTMLDivElement>(null);
  return (
    <RadixDialog.Root open={open} onOpenChange={onOpenChange}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="dialog-overlay" />
        <RadixDialog.Content
          className={`dialog dialog-${size}`}
          // Start in the form rather than on the close button; confirmations start on Cancel.
          onCloseAutoFocus={(event) => {
            if (returnFocus?.current) {
              event.preventDefault();
              returnFocus.current.focus();
            }
          }}
          onOpenAutoFocus={(event) => {
            const first = body.current?.querySelector<HTMLElement>(
              'input:not([type="hidden"]), textarea, select, button',
            );
            if (first) {
              event.preventDefault();
              first.focus();
            }
          }}
          {...(description ? {} : { 'aria-describedby': undefined })}
        >
          <header className="dialog-header">
            <RadixDialog.Title className="dialog-title">{title}</RadixDialog.Title>
            <RadixDialog.Close className="icon-button" aria-label={t('common.close')}>
              <CloseIcon />
            </RadixDialog.Close>
          </header>
          {description ? (
            <RadixDialog.Description className="dialog-description">{description}</RadixDialog.Description>
          ) : null}
          <div className="dialog-body" ref={body}>
            {children}
          </div>
          {footer ? <footer className="dialog-footer">{footer}</footer> : null}
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}

export const DialogClose = RadixDialog.Close;
