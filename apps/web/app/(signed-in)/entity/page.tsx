'use client';
import { Suspense } from 'react';
import { EntityView } from '../../../components/views/entity-view';

/** Reads its ids from the query string (useSearchParams needs a Suspense boundary in a static export). */
export default function EntityPage() {
  return (
    <Suspense fallback={null}>
      <EntityView />
    </Suspense>
  );
}
