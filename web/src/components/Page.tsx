import { useId, type ReactNode } from 'react';
import { usePageTitle } from '../lib/hooks';

/** The top of a console page: its title (also the document title), a line of context, actions. */
export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  usePageTitle(title);
  return (
    <div className="page-header">
      <div>
        <h1 className="page-title">{title}</h1>
        {description ? <p className="page-description">{description}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </div>
  );
}

export function Card({
  title,
  description,
  children,
  actions,
}: {
  title?: string;
  description?: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
}) {
  const id = useId();
  return (
    <section className="card" aria-labelledby={title ? id : undefined}>
      {title ? (
        <header className="card-header">
          <div>
            <h2 className="card-title" id={id}>
              {title}
            </h2>
            {description ? <p className="card-description">{description}</p> : null}
          </div>
          {actions}
        </header>
      ) : null}
      <div className="card-body">{children}</div>
    </section>
  );
}
