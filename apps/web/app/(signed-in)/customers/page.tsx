'use client';
import { Suspense } from 'react';
import { CustomersView } from '../../../components/views/customers-view';

/** Reads `q` from the query string (useSearchParams needs a Suspense boundary in a static export). */
export default function CustomersPage() {
  return (
    <Suspense fallback={null}>
      <CustomersView />
    </Suspense>
  );
}
