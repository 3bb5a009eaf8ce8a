import { Button } from '@mantine/core';
import { Link, useLocation } from 'react-router';
import { EmptyState } from '../../shell/PageState';

/** A path no page has. */
export function NotFoundPage() {
  const { pathname } = useLocation();
  return (
    <EmptyState
      title="No such page"
      action={
        <Button component={Link} to="/segments">
          Go to Segments
        </Button>
      }
    >
      Strata has no page at {pathname}. Check the link, or start from the segments.
    </EmptyState>
  );
}
