import { Link } from 'react-router';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/Page';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <EmptyState
        title="There is nothing at this address."
        action={
          <Link to="/" className="btn btn-primary">
            Go to the console
          </Link>
        }
      >
        <p>Check the link, or use the menu to find your way.</p>
      </EmptyState>
    </>
  );
}

/** Shown instead of an admin page to someone who is not an admin. */
export function ForbiddenPage() {
  return (
    <>
      <PageHeader title="Admins only" />
      <EmptyState
        title="You need the admin role to see this page."
        action={
          <Link to="/account" className="btn btn-primary">
            Go to My account
          </Link>
        }
      />
    </>
  );
}
