'use client';
import { Suspense } from 'react';
import { ProcessView } from '../../../components/views/process-view';

/** Reads its ids from the query string (useSearchParams needs a Suspense boundary in a static export). */
export default function ProcessPage() {
  return (
    <Suspense fallback={null}>
      <ProcessView />
    </Suspense>
  );
}
